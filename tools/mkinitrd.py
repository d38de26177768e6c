#!/usr/bin/env python3
"""Pack files into a Kenix initrd: a cpio archive in the "newc" format.

Each entry is named after its file without the directory, and without the
extension when that is ".elf" (build/userland/init.elf -> "init"; data files
keep theirs: font.psf -> "font.psf"). The archive is byte-for-byte
deterministic: entries in the order given, inode numbers 1, 2, 3, ... in that
order, mtime 0, uid/gid 0, mode 0100644 (0100755 for ELF files), nlink 1.

newc layout (as in the Linux kernel's initramfs and cpio(5)): per entry, a
110-byte ASCII header "070701" + 13 fields of 8 hex digits (ino, mode, uid,
gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor,
namesize incl. NUL, check = 0), the NUL-terminated name padded so header+name
is a multiple of 4, then the data padded to a multiple of 4. The archive ends
with an entry named "TRAILER!!!".
"""

import argparse
import os
import sys

MAGIC = b"070701"
TRAILER = "TRAILER!!!"


def pad4(n):
    return (4 - n % 4) % 4


def entry(name, data, ino, mode):
    encoded = name.encode("ascii") + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(encoded), 0]
    header = MAGIC + b"".join(b"%08X" % f for f in fields)
    assert len(header) == 110
    out = header + encoded + b"\0" * pad4(len(header) + len(encoded))
    return out + data + b"\0" * pad4(len(data))


def entry_name(path):
    name = os.path.basename(path)
    return name[:-4] if name.endswith(".elf") else name


def build(paths):
    names = set()
    out = bytearray()
    for ino, path in enumerate(paths, start=1):
        name = entry_name(path)
        if not name or len(name) > 64 or not name.isascii() or "/" in name:
            sys.exit(f"mkinitrd: bad entry name {name!r} for {path}")
        if name in names:
            sys.exit(f"mkinitrd: two files named {name!r}")
        names.add(name)
        with open(path, "rb") as f:
            data = f.read()
        mode = 0o100755 if data[:4] == b"\x7fELF" else 0o100644
        out += entry(name, data, ino, mode)
    out += entry(TRAILER, b"", 0, 0)
    return bytes(out)


def main():
    parser = argparse.ArgumentParser(
        description="Pack files into a deterministic cpio newc initrd for Kenix. "
        "Each file becomes an entry named after its base name without extension "
        "(build/userland/init.elf -> init), in the order given.")
    parser.add_argument("-o", "--output", required=True, help="archive to write")
    parser.add_argument("files", nargs="+", help="files to pack, in archive order")
    args = parser.parse_args()
    data = build(args.files)
    tmp = args.output + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.output)


if __name__ == "__main__":
    main()

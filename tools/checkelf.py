#!/usr/bin/env python3
"""Check that a Kenix user program is an ELF the kernel will load.

Checks, per docs/syscalls.md and Sources/KenixABI/Syscall.swift (UserLayout):
  - ELF64, little-endian, ET_EXEC, EM_AARCH64;
  - program headers are PT_LOAD, each page-aligned (4 KiB) in memory and in
    the file, with permissions exactly R+X, R or R+W (W^X: never W and X),
    plus one PT_NOTE holding the Kenix note (what makes it a Kenix program);
  - segments lie in [0x40_0000, 0x4000_0000) and do not share a page;
  - the entry point is inside the R+X segment;
  - the symbol table has no undefined symbols.
Exits 1 with one line per problem; silent on success.
"""

import argparse
import struct
import sys

PAGE = 0x1000
IMAGE_BASE, IMAGE_LIMIT = 0x0040_0000, 0x4000_0000
PT_LOAD = 1
PT_NOTE = 4
# The Kenix note (Userland/runtime/note.S; KenixNote in Sources/KenixABI).
KENIX_NOTE = struct.pack("<III", 6, 4, 1) + b"Kenix\0\0\0" + struct.pack("<I", 1)
PF_X, PF_W, PF_R = 1, 2, 4
ALLOWED = {PF_R | PF_X: "R+X", PF_R: "R", PF_R | PF_W: "R+W"}
SHT_SYMTAB = 2


def check(path):
    data = open(path, "rb").read()
    problems = []
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return ["not an ELF64 little-endian file"]
    (e_type, e_machine, _, e_entry, e_phoff, e_shoff, _, _, e_phentsize, e_phnum,
     e_shentsize, e_shnum, _) = struct.unpack_from("<HHIQQQIHHHHHH", data, 16)
    if e_type != 2:
        problems.append(f"e_type {e_type}, want ET_EXEC (2)")
    if e_machine != 183:
        problems.append(f"e_machine {e_machine}, want EM_AARCH64 (183)")

    pages = []
    entry_ok = False
    notes = 0
    for i in range(e_phnum):
        p_type, p_flags, p_offset, p_vaddr, _, p_filesz, p_memsz, p_align = struct.unpack_from(
            "<IIQQQQQQ", data, e_phoff + i * e_phentsize)
        where = f"segment {i} at {p_vaddr:#x}"
        if p_type == PT_NOTE:
            notes += 1
            if data[p_offset:p_offset + p_filesz] != KENIX_NOTE:
                problems.append(f"{where}: the PT_NOTE is not exactly the Kenix note")
            continue
        if p_type != PT_LOAD:
            problems.append(f"{where}: type {p_type:#x}, want only PT_LOAD and the Kenix PT_NOTE")
            continue
        if p_flags not in ALLOWED:
            problems.append(f"{where}: flags {p_flags:#x} are not R+X, R or R+W")
        if p_vaddr % PAGE or p_offset % PAGE or p_align != PAGE:
            problems.append(f"{where}: not page-aligned (offset {p_offset:#x}, align {p_align:#x})")
        if p_filesz > p_memsz:
            problems.append(f"{where}: filesz > memsz")
        end = p_vaddr + p_memsz
        if p_vaddr < IMAGE_BASE or end > IMAGE_LIMIT:
            problems.append(f"{where}: outside [{IMAGE_BASE:#x}, {IMAGE_LIMIT:#x})")
        first, last = p_vaddr // PAGE, (end + PAGE - 1) // PAGE
        for other_first, other_last, j in pages:
            if first < other_last and other_first < last:
                problems.append(f"{where}: shares a page with segment {j}")
        pages.append((first, last, i))
        if p_flags == PF_R | PF_X and p_vaddr <= e_entry < p_vaddr + p_filesz:
            entry_ok = True
    if not entry_ok:
        problems.append(f"entry {e_entry:#x} is not inside the R+X segment")
    if notes != 1:
        problems.append(f"{notes} PT_NOTE segments, want exactly one (the Kenix note)")

    for i in range(e_shnum):
        (_, sh_type, _, _, sh_offset, sh_size, sh_link, _, _, sh_entsize) = struct.unpack_from(
            "<IIQQQQIIQQ", data, e_shoff + i * e_shentsize)
        if sh_type != SHT_SYMTAB:
            continue
        strtab_offset = struct.unpack_from("<Q", data, e_shoff + sh_link * e_shentsize + 24)[0]
        for k in range(1, sh_size // sh_entsize):
            st_name, _, _, st_shndx = struct.unpack_from("<IBBH", data, sh_offset + k * sh_entsize)
            if st_shndx == 0:
                name_start = strtab_offset + st_name
                name = data[name_start:data.index(b"\0", name_start)].decode()
                problems.append(f"undefined symbol {name}")
    return problems


def main():
    parser = argparse.ArgumentParser(
        description="Check a Kenix user ELF: page-aligned PT_LOAD segments, W^X, "
        "the Kenix note, entry in text, inside the user image range, no undefined symbols.")
    parser.add_argument("elf", nargs="+")
    args = parser.parse_args()
    failed = False
    for path in args.elf:
        for problem in check(path):
            print(f"checkelf: {path}: {problem}", file=sys.stderr)
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Write "badelf": a file that looks like an ELF at a glance but is garbage.

It starts with a valid ELF identification (\\x7fELF, 64-bit, little-endian,
version 1) so a loader must check more than the magic, and continues with
bytes from a fixed linear congruential generator, so the file is the same on
every build. The errors test expects spawn("badelf") to return badExecutable.
"""

import argparse

SIZE = 512
IDENT = b"\x7fELF\x02\x01\x01" + b"\0" * 9   # e_ident: class 64, LSB, version 1


def garbage(n, seed=0x4B454E4958):   # "KENIX"
    out = bytearray()
    x = seed
    while len(out) < n:
        x = (x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        out.append(x >> 56)
    return bytes(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", required=True, help="file to write")
    args = parser.parse_args()
    with open(args.output, "wb") as f:
        f.write(IDENT + garbage(SIZE - len(IDENT)))


if __name__ == "__main__":
    main()

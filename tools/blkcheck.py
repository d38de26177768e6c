#!/usr/bin/env python3
"""blkcheck.py: checks a data disk image after `run blktest` (or `run blktest 1`)
byte for byte: the sectors blktest writes hold its pattern (the same function as
Userland/programs/blktest.swift), and every other sector is as it was before the
run (zeros: the tests start from an empty image). With --faults the sectors of
the write that was made to fail (80-87) must be untouched too, which they are
in either case: blktest never writes them successfully.

Usage: blkcheck.py IMAGE          exit 0 when the image is exactly as expected
       blkcheck.py --power-cut N IMAGE
                                  the power was cut after the Nth completed write (N <= 4): the
                                  only writes blktest had completed are N of the four 512 KiB
                                  device requests of its 2 MiB write, which finish in any order,
                                  so exactly N of those pieces hold the pattern, whole, and every
                                  other byte of the image is still zero
       blkcheck.py --expect OUT SIZE   write the expected image of SIZE bytes
"""
import sys

SECTOR = 512
MASK = (1 << 64) - 1


def pattern_sector(sector):
    base = ((sector * 0x9E3779B9) ^ (sector >> 3) ^ 0x5A) & MASK
    out = bytearray(SECTOR)
    for i in range(SECTOR):
        x = base ^ ((i * 0x85EBCA6B) & MASK)
        out[i] = (x ^ (x >> 11)) & 0xFF
    return bytes(out)


def written_runs(sectors):
    """(first, count) of every run blktest writes, for a disk of `sectors`."""
    return [(2048, 4096), (8192, 512), (100, 1), (101, 8), (7000, 3), (sectors - 1, 1)]


def expected(size):
    sectors = size // SECTOR
    image = bytearray(size)
    for first, count in written_runs(sectors):
        for s in range(first, first + count):
            image[s * SECTOR:(s + 1) * SECTOR] = pattern_sector(s)
    return bytes(image)


def power_cut(path, n):
    data = open(path, "rb").read()
    full = expected(len(data))
    pieces = [(2048 + 1024 * k) * SECTOR for k in range(4)]
    piece = 1024 * SECTOR
    written = 0
    for start in pieces:
        got = data[start:start + piece]
        if got == full[start:start + piece]:
            written += 1
        elif got != bytes(piece):
            print(f"blkcheck: {path}: the piece at sector {start // SECTOR} is torn (neither written nor blank)")
            return 1
    rest = bytearray(data)
    for start in pieces:
        rest[start:start + piece] = bytes(piece)
    if rest != bytes(len(data)):
        first = next(i for i, b in enumerate(rest) if b) // SECTOR
        print(f"blkcheck: {path}: sector {first} was written after the cut")
        return 1
    if written != n:
        print(f"blkcheck: {path}: {written} pieces of the 2 MiB write are on the disk, want {n}")
        return 1
    print(f"blkcheck: {path}: exactly {n} completed writes on the disk, whole, nothing after the cut")
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "--power-cut":
        return power_cut(argv[3], int(argv[2]))
    if len(argv) == 4 and argv[1] == "--expect":
        open(argv[2], "wb").write(expected(int(argv[3])))
        return 0
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 64
    data = open(argv[1], "rb").read()
    if len(data) % SECTOR or len(data) < 16384 * SECTOR:
        print(f"blkcheck: {argv[1]}: {len(data)} bytes, want a whole number of sectors, at least 16384")
        return 1
    want = expected(len(data))
    if data == want:
        print(f"blkcheck: {argv[1]}: all {len(data) // SECTOR} sectors as expected")
        return 0
    bad = [s for s in range(len(data) // SECTOR) if data[s * SECTOR:(s + 1) * SECTOR] != want[s * SECTOR:(s + 1) * SECTOR]]
    print(f"blkcheck: {argv[1]}: {len(bad)} sectors differ, first {bad[:8]}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

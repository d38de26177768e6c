#!/usr/bin/env python3
"""blkcheck.py: checks a data disk image after `run blktest` (or `run blktest 1`)
byte for byte: the sectors blktest writes hold its pattern (the same function as
Userland/programs/blktest.swift), and every other sector is as it was before the
run (zeros: the tests start from an empty image). With --faults the sectors of
the write that was made to fail (80-87) must be untouched too, which they are
in either case: blktest never writes them successfully.

Usage: blkcheck.py IMAGE          exit 0 when the image is exactly as expected
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


def main(argv):
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

#!/usr/bin/env python3
"""fb_pattern.py: the picture `kenix.fb-test` draws (RamFramebuffer+SelfTest.swift),
as a PPM, for a pixel-exact comparison with a QEMU screendump.

For a W x H mode: 8 vertical bars, pixel column x in bar i = x * 8 // W, bar
colour red 0xC0 if bit 0 of i is set, green 0xC0 if bit 1, blue 0xC0 if bit 2
(black, red, green, yellow, blue, magenta, cyan, grey); a 1-pixel white
border (rows 0 and H-1, columns 0 and W-1).
Usage: fb_pattern.py WIDTH HEIGHT OUT.ppm
"""
import os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import image as ppm  # noqa: E402  (tools/image.py)


def bar_colour(i):
    return bytes((0xC0 if i & 1 else 0, 0xC0 if i & 2 else 0, 0xC0 if i & 4 else 0))


def pattern(width, height):
    white = b"\xff\xff\xff"
    inner = b"".join(bar_colour(x * 8 // width) for x in range(1, width - 1))
    edge = white * width
    middle = white + inner + white
    return edge + middle * (height - 2) + edge


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip())
    w, h = int(sys.argv[1]), int(sys.argv[2])
    ppm.write_ppm(sys.argv[3], w, h, pattern(w, h))

#!/usr/bin/env python3
"""image.py: read screenshots as (width, height, RGB bytes), and compare two.

Reads PNG (8-bit RGB or RGBA, not interlaced: what kenix-sim --screenshot
writes) and binary PPM (P6, maxval 255: what QEMU's screendump writes), with
the standard library only.

    image.py compare A B     exit 0 when the pixels are identical; otherwise
                             prints the size or the first differing pixel
                             and how many differ, and exits 1
"""
import struct
import sys
import zlib


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def load_png(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, header = 8, bytearray(), None
    while pos + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length:
            raise ValueError("truncated PNG chunk")
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None:
        raise ValueError("PNG without IHDR")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError("only 8-bit RGB/RGBA, non-interlaced PNG is supported")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(bytes(idat))
    stride = width * bpp
    out = bytearray()
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = prev[i]
            corner = prev[i - bpp] if i >= bpp else 0
            if kind == 1: line[i] = (line[i] + left) & 0xFF
            elif kind == 2: line[i] = (line[i] + up) & 0xFF
            elif kind == 3: line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4: line[i] = (line[i] + _paeth(left, up, corner)) & 0xFF
            elif kind != 0: raise ValueError("bad PNG filter %d" % kind)
        prev = line
        if bpp == 3:
            out += line
        else:
            for x in range(width):
                out += line[x * 4:x * 4 + 3]
    return width, height, bytes(out)


def load_ppm(data):
    fields, pos = [], 2
    if data[:2] != b"P6":
        raise ValueError("not a binary PPM (P6) file")
    while len(fields) < 3:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            while data[pos:pos + 1] not in (b"\n", b""):
                pos += 1
            continue
        start = pos
        while data[pos:pos + 1].isdigit():
            pos += 1
        fields.append(int(data[start:pos]))
    width, height, maxval = fields
    if maxval != 255:
        raise ValueError("only maxval 255 PPM is supported")
    pixels = data[pos + 1:pos + 1 + width * height * 3]
    if len(pixels) != width * height * 3:
        raise ValueError("truncated PPM")
    return width, height, bytes(pixels)


def load(path):
    """(width, height, RGB bytes, row by row) of a PNG or PPM file."""
    data = open(path, "rb").read()
    return load_png(data) if data[:4] == b"\x89PNG" else load_ppm(data)


def compare(a, b):
    """None when identical, else a one-line description of the difference."""
    (wa, ha, pa), (wb, hb, pb) = a, b
    if (wa, ha) != (wb, hb):
        return "sizes differ: %dx%d and %dx%d" % (wa, ha, wb, hb)
    if pa == pb:
        return None
    diff = [i // 3 for i in range(0, len(pa), 3) if pa[i:i + 3] != pb[i:i + 3]]
    x, y = diff[0] % wa, diff[0] // wa
    return "%d pixels differ; first at (%d, %d): %s and %s" % (
        len(diff), x, y, pa[diff[0] * 3:diff[0] * 3 + 3].hex(), pb[diff[0] * 3:diff[0] * 3 + 3].hex())


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "compare":
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        result = compare(load(sys.argv[2]), load(sys.argv[3]))
    except (OSError, ValueError) as e:
        print("image: %s" % e, file=sys.stderr)
        sys.exit(2)
    print(result or "identical")
    sys.exit(0 if result is None else 1)

#!/usr/bin/env python3
"""image.py: small image files for the display tests, Python stdlib only.

Reads binary PPM (P6, maxval 255: what QEMU's `screendump` writes) and PNG
(8-bit RGB or RGBA, not interlaced: what a simulator screenshot is), both
into (width, height, rgb) with rgb = bytes, 3 per pixel, rows top to bottom.
QEMU 7.2 pads PPM rows to 4 bytes when width * 3 is not a multiple of 4
(header unchanged); read_ppm recognises that by the file size and drops it.
An alpha channel is dropped (the screens compared are opaque). Writes P6.

Usage:
  image.py compare A B    A and B (each .ppm or .png, told apart by content)
                        pixel for pixel; prints "identical WxH" and exits 0,
                        or prints the first differing pixel (row by row from
                        the top left) and the number of differing pixels and
                        exits 1; a size mismatch also exits 1
  image.py info FILE      prints "WxH" and the colour of the top-left pixel

As a module: read_image(path), read_ppm(path), read_png(path),
write_ppm(path, width, height, rgb), first_difference(a, b).
"""
import re, struct, sys, zlib


def read_ppm(path):
    data = open(path, "rb").read()
    # P6, then width, height, maxval as whitespace-separated decimals (comments
    # start with '#'), then exactly one whitespace byte before the pixels.
    m = re.match(rb"P6(?:\s+|\s*#[^\n]*\n)+(\d+)(?:\s+|\s*#[^\n]*\n)+(\d+)(?:\s+|\s*#[^\n]*\n)+(\d+)\s", data)
    if not m:
        raise ValueError(f"{path}: not a binary PPM (P6)")
    width, height, maxval = (int(g) for g in m.groups())
    if maxval != 255:
        raise ValueError(f"{path}: maxval {maxval}, only 255 is supported")
    body, row = data[m.end():], width * 3
    padded = (row + 3) & ~3
    if padded != row and len(body) == padded * height:
        # QEMU 7.2's screendump pads every row to a multiple of 4 bytes (its
        # pixman line buffer's stride) when width * 3 is not one; drop the padding.
        return width, height, b"".join(body[y * padded:y * padded + row] for y in range(height))
    rgb = body[:row * height]
    if len(rgb) != row * height:
        raise ValueError(f"{path}: truncated ({len(rgb)} of {row * height} pixel bytes)")
    return width, height, rgb


def ppm_sizes(width, height):
    """The pixel-data sizes a complete P6 of this size may have: exact, and
    with QEMU 7.2's rows padded to 4 bytes (see read_ppm)."""
    return {width * 3 * height, ((width * 3 + 3) & ~3) * height}


def write_ppm(path, width, height, rgb):
    assert len(rgb) == width * height * 3
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (width, height))
        f.write(rgb)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read_png(path):
    data = open(path, "rb").read()
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError(f"{path}: not a PNG")
    pos, idat, header = 8, [], None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError(f"{path}: no IHDR")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise ValueError(f"{path}: bit depth {depth}, colour type {colour}, interlace {interlace}: "
                         "only 8-bit RGB (2) or RGBA (6), not interlaced")
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(b"".join(idat))
    if len(raw) < height * (stride + 1):
        raise ValueError(f"{path}: image data truncated")
    prior = bytearray(stride)
    out = bytearray()
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:        # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:      # Up
            for i in range(stride):
                line[i] = (line[i] + prior[i]) & 0xFF
        elif kind == 3:      # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prior[i]) >> 1)) & 0xFF
        elif kind == 4:      # Paeth
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                upper_left = prior[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + _paeth(left, prior[i], upper_left)) & 0xFF
        elif kind != 0:
            raise ValueError(f"{path}: row {y}: unknown filter type {kind}")
        out += line if bpp == 3 else bytes(b for i, b in enumerate(line) if i % 4 != 3)
        prior = line
    return width, height, bytes(out)


def read_image(path):
    with open(path, "rb") as f:
        magic = f.read(8)
    return read_png(path) if magic == PNG_SIGNATURE else read_ppm(path)


def first_difference(a, b):
    """None when images a and b (width, height, rgb) are identical; else
    (x, y, colour in a, colour in b, number of differing pixels)."""
    (wa, ha, pa), (wb, hb, pb) = a, b
    if (wa, ha) != (wb, hb):
        raise ValueError(f"sizes differ: {wa}x{ha} and {wb}x{hb}")
    if pa == pb:
        return None
    first, count = None, 0
    row = wa * 3
    for y in range(ha):
        ra, rb = pa[y * row:(y + 1) * row], pb[y * row:(y + 1) * row]
        if ra == rb:
            continue
        for x in range(wa):
            ca, cb = ra[x * 3:x * 3 + 3], rb[x * 3:x * 3 + 3]
            if ca != cb:
                count += 1
                if first is None:
                    first = (x, y, ca, cb)
    return first + (count,)


def main(argv):
    if len(argv) == 3 and argv[0] == "compare":
        a, b = read_image(argv[1]), read_image(argv[2])
        try:
            diff = first_difference(a, b)
        except ValueError as e:
            print(f"{argv[1]} and {argv[2]}: {e}")
            return 1
        if diff is None:
            print(f"identical {a[0]}x{a[1]}")
            return 0
        x, y, ca, cb, count = diff
        print(f"first difference at x={x} y={y}: {argv[1]} #{ca.hex()}, {argv[2]} #{cb.hex()}; "
              f"{count} of {a[0] * a[1]} pixels differ")
        return 1
    if len(argv) == 2 and argv[0] == "info":
        w, h, rgb = read_image(argv[1])
        print(f"{w}x{h} top-left #{rgb[:3].hex()}")
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

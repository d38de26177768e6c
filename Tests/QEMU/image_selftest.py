#!/usr/bin/env python3
"""image_selftest.py: checks tools/image.py's readers against images with known pixels.

Encodes pseudo-random images as PNG, 8-bit RGB and RGBA, each row with a
different filter type (0-4, so every filter is decoded, with IDAT split in
two chunks), and as P6 with and without QEMU's padded rows; each must read
back as the same pixels. Exits 0 and prints "image.py: ok" when all do.
"""
import os, random, struct, sys, tempfile, zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import image as ppm  # noqa: E402  (tools/image.py)


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def encode_png(width, height, pixels, bpp):
    """pixels: bytes of bpp per pixel. Row y uses filter y % 5."""
    stride, raw, prior = width * bpp, bytearray(), bytes(width * bpp)
    for y in range(height):
        line = pixels[y * stride:(y + 1) * stride]
        kind = y % 5
        out = bytearray()
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prior[i]
            c = prior[i - bpp] if i >= bpp else 0
            predictor = [0, a, b, (a + b) >> 1, ppm._paeth(a, b, c)][kind]
            out.append((line[i] - predictor) & 0xFF)
        raw += bytes([kind]) + out
        prior = line
    data = zlib.compress(bytes(raw))
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if bpp == 3 else 6, 0, 0, 0)
    half = len(data) // 2
    return (ppm.PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", data[:half])
            + chunk(b"IDAT", data[half:]) + chunk(b"IEND", b""))


def main():
    rng = random.Random(7)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for width, height in ((13, 11), (64, 10), (1, 5)):
            rgba = bytes(rng.randrange(256) for _ in range(width * height * 4))
            rgb = bytes(b for i, b in enumerate(rgba) if i % 4 != 3)
            for bpp, pixels in ((3, rgb), (4, rgba)):
                path = os.path.join(tmp, f"t{bpp}.png")
                open(path, "wb").write(encode_png(width, height, pixels, bpp))
                if ppm.read_image(path) != (width, height, rgb):
                    print(f"FAIL png {width}x{height} bpp {bpp}"); failures += 1
            path = os.path.join(tmp, "t.ppm")
            ppm.write_ppm(path, width, height, rgb)
            if ppm.read_image(path) != (width, height, rgb):
                print(f"FAIL ppm {width}x{height}"); failures += 1
            padded_row = (width * 3 + 3) & ~3
            rows = b"".join(rgb[y * width * 3:(y + 1) * width * 3].ljust(padded_row, b"\0") for y in range(height))
            open(path, "wb").write(b"P6\n%d %d\n255\n" % (width, height) + rows)
            if ppm.read_image(path) != (width, height, rgb):
                print(f"FAIL padded ppm {width}x{height}"); failures += 1
        a = os.path.join(tmp, "a.ppm"); b = os.path.join(tmp, "b.ppm")
        ppm.write_ppm(a, 2, 2, bytes(12)); ppm.write_ppm(b, 2, 2, bytes(9) + b"\x01\x02\x03")
        if ppm.first_difference(ppm.read_image(a), ppm.read_image(b)) != (1, 1, b"\0\0\0", b"\x01\x02\x03", 1):
            print("FAIL first_difference"); failures += 1
    print("image.py: ok" if failures == 0 else f"image.py: {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""screentext.py: read the text on a screenshot of the Kenix console, glyph by glyph.

The console server draws characters from a PSF font into an 8x16 (the font's
size) grid from the top left, in one foreground and one background colour
(Userland/libkenix/TextScreen.swift). This tool cuts a screenshot (PNG from
kenix-sim, PPM from QEMU's screendump) into that grid and matches every cell,
pixel for pixel, against every glyph of the same font drawn in those colours.
A cell that matches no glyph exactly prints as '?', so a single wrong pixel
shows. The cursor is a cell drawn inverted (colours swapped): it reads as its
character, and --cursor says where it is. It prints the screen's text, one
line per row, trailing spaces cut.

    screentext.py --font Userland/data/Lat15-Terminus16.psf shot.png
    screentext.py --font F --fg ffffff --bg 000000 --origin 8,16 --rows 1 demo.png

Exit status: 0, or 1 when a cell matched no glyph (with --strict), 2 on bad input.
"""
import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import image  # noqa: E402  (tools/image.py: PNG and PPM readers)


def load_psf(path):
    """(width, height, {character code: tuple of row bit-strings}) for codes 0-255."""
    data = open(path, "rb").read()
    if data[:2] == b"\x36\x04":
        mode, charsize = data[2], data[3]
        count, width, height, per_glyph, start = (512 if mode & 1 else 256), 8, charsize, charsize, 4
        table, psf2 = bool(mode & 6), False
    elif data[:4] == b"\x72\xb5\x4a\x86":
        _, _, header, flags, count, per_glyph, height, width = struct.unpack_from("<4sIIIIIII", data)
        start, table, psf2 = header, bool(flags & 1), True
    else:
        raise ValueError("%s is not a PSF font" % path)
    row_bytes = (width + 7) // 8
    glyphs = []
    for g in range(count):
        raw = data[start + g * per_glyph: start + g * per_glyph + row_bytes * height]
        rows = []
        for y in range(height):
            bits = int.from_bytes(raw[y * row_bytes:(y + 1) * row_bytes], "big")
            rows.append(tuple((bits >> (row_bytes * 8 - 1 - x)) & 1 for x in range(width)))
        glyphs.append(tuple(rows))
    chars = {c: glyphs[c] for c in range(min(256, count))}
    if table:
        chars = {}
        i, g, in_seq = start + count * per_glyph, 0, False
        while i < len(data) and g < count:
            if psf2:
                b = data[i]; i += 1
                if b == 0xFF: g += 1; in_seq = False; continue
                if b == 0xFE: in_seq = True; continue
                if b < 0x80: code = b
                elif b & 0xE0 == 0xC0: code = (b & 0x1F) << 6 | (data[i] & 0x3F); i += 1
                else:
                    while i < len(data) and data[i] & 0xC0 == 0x80: i += 1
                    continue
            else:
                code = struct.unpack_from("<H", data, i)[0]; i += 2
                if code == 0xFFFF: g += 1; in_seq = False; continue
                if code == 0xFFFE: in_seq = True; continue
            if not in_seq and code < 256 and code not in chars:
                chars[code] = glyphs[g]
    return width, height, chars


def rgb(text):
    v = int(text, 16)
    return ((v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF)


def read_screen(img, font, fg, bg, origin=(0, 0), rows=None, columns=None):
    """(the text lines of the grid, [(row, column) of each inverted cell]);
    unknown cells are '?'."""
    width, height, pixels = img
    fw, fh, chars = font
    # Every printable character, drawn as it would be, plain and inverted:
    # cell pixels -> (character, inverted).
    lookup = {}
    for inverted in (False, True):
        on, off = (bg, fg) if inverted else (fg, bg)
        for code in range(0x20, 0x7F):
            if code in chars:
                cell = bytes(c for row in chars[code] for bit in row for c in (on if bit else off))
                lookup.setdefault(cell, (chr(code), inverted))
    ox, oy = origin
    rows = rows if rows is not None else (height - oy) // fh
    columns = columns if columns is not None else (width - ox) // fw
    lines, inverted_cells = [], []
    for r in range(rows):
        line = []
        for c in range(columns):
            cell = bytearray()
            for y in range(fh):
                start = ((oy + r * fh + y) * width + ox + c * fw) * 3
                cell += pixels[start:start + fw * 3]
            char, inverted = lookup.get(bytes(cell), ("?", False))
            line.append(char)
            if inverted:
                inverted_cells.append((r, c))
        lines.append("".join(line).rstrip())
    return lines, inverted_cells


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("screenshot", help="a PNG (kenix-sim --screenshot) or PPM (QEMU screendump)")
    p.add_argument("--font", required=True, help="the PSF font the console uses")
    p.add_argument("--fg", default="d8d8d8", help="foreground colour, hex RRGGBB (TextScreen.foreground)")
    p.add_argument("--bg", default="101828", help="background colour, hex RRGGBB (TextScreen.background)")
    p.add_argument("--origin", default="0,0", help="top-left pixel of the grid, X,Y")
    p.add_argument("--rows", type=int, help="rows to read (default: all that fit)")
    p.add_argument("--columns", type=int, help="columns to read (default: all that fit)")
    p.add_argument("--strict", action="store_true", help="exit 1 if any cell matches no glyph")
    p.add_argument("--cursor", action="store_true",
                   help="end with a line 'cursor: row R column C' for each inverted cell (0-based), or 'cursor: none'")
    a = p.parse_args()
    try:
        img = image.read_image(a.screenshot)
        font = load_psf(a.font)
        ox, oy = (int(v) for v in a.origin.split(","))
    except (OSError, ValueError) as e:
        print("screentext: %s" % e, file=sys.stderr)
        return 2
    lines, cursors = read_screen(img, font, rgb(a.fg), rgb(a.bg), (ox, oy), a.rows, a.columns)
    while lines and not lines[-1]:
        lines.pop()
    print("\n".join(lines))
    if a.cursor:
        print("\n".join("cursor: row %d column %d" % rc for rc in cursors) or "cursor: none")
    return 1 if a.strict and any("?" in l for l in lines) else 0


if __name__ == "__main__":
    sys.exit(main())

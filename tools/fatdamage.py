#!/usr/bin/env python3
"""tools/fatdamage.py: damaged copies of `make disk`'s FAT32 image, for the
system tests' corrupt-image boot (each is one data disk of one run), and the
facts the tests need about an image (where a file's clusters are).

  fatdamage.py make KIND IN.img OUT.img   write a damaged copy of IN.img
  fatdamage.py sectors IN.img PATH         "FIRST LAST": the disk sectors of the
                                           file's data (its clusters must be
                                           contiguous, as mcopy makes them)
  fatdamage.py free IN.img                 "FIRST LAST": the sectors of the
                                           clusters after the last one in use

KINDs (the issue's list; the image must be tools/mkdisk.sh's):
  bad-boot      the boot sector's 0x55AA signature is gone
  loop          /data/random.bin's chain runs back into itself
  off-volume    /data/random.bin's chain points past the last cluster
  cross-link    /data/random.bin's chain runs into /hello.txt's cluster
  outside       /hello.txt's and /bin's directory entries start past the
                last cluster
  truncated     the first half of the image only
  empty         a zero-size disk
Every FAT change is made in both FATs, so the damage is consistent.
"""
import struct
import sys


class Image:
    def __init__(self, data):
        self.data = bytearray(data)
        d = self.data
        self.bps, = struct.unpack_from("<H", d, 11)
        self.spc = d[13]
        self.reserved, = struct.unpack_from("<H", d, 14)
        self.nfats = d[16]
        self.total, = struct.unpack_from("<I", d, 32)
        self.fatsz, = struct.unpack_from("<I", d, 36)
        self.root, = struct.unpack_from("<I", d, 44)
        self.first_data = self.reserved + self.nfats * self.fatsz
        self.clusters = (self.total - self.first_data) // self.spc
        self.csize = self.bps * self.spc

    def fat(self, c):
        return struct.unpack_from("<I", self.data, self.reserved * self.bps + 4 * c)[0] & 0x0FFFFFFF

    def set_fat(self, c, value):
        for f in range(self.nfats):
            at = (self.reserved + f * self.fatsz) * self.bps + 4 * c
            old, = struct.unpack_from("<I", self.data, at)
            struct.pack_into("<I", self.data, at, (old & 0xF0000000) | value)

    def sector(self, c):
        return self.first_data + (c - 2) * self.spc

    def chain(self, c):
        out = []
        while 2 <= c < 0x0FFFFFF8 and len(out) <= self.clusters:
            out.append(c)
            c = self.fat(c)
        return out

    def entries(self, dir_cluster):
        """(short name, offset of the entry, first cluster, size) of a directory's entries."""
        for c in self.chain(dir_cluster):
            base = self.sector(c) * self.bps
            for at in range(base, base + self.csize, 32):
                e = self.data[at:at + 32]
                if e[0] == 0:
                    return
                if e[0] == 0xE5 or e[11] == 0x0F:
                    continue
                hi, lo = struct.unpack_from("<H", e, 20)[0], struct.unpack_from("<H", e, 26)[0]
                yield bytes(e[:11]), at, (hi << 16) | lo, struct.unpack_from("<I", e, 28)[0]

    def find(self, path):
        """The entry (offset, first cluster, size) of a short-name path like /DATA/RANDOM.BIN."""
        cluster, found = self.root, None
        for part in path.strip("/").split("/"):
            name, _, ext = part.upper().partition(".")
            key = (name.ljust(8) + ext.ljust(3)).encode()
            found = next((e for e in self.entries(cluster) if e[0] == key), None)
            if found is None:
                sys.exit("fatdamage: no %s in the image" % path)
            cluster = found[2]
        return found[1:]

    def set_start(self, entry_offset, cluster):
        struct.pack_into("<H", self.data, entry_offset + 20, cluster >> 16)
        struct.pack_into("<H", self.data, entry_offset + 26, cluster & 0xFFFF)


def damage(kind, img):
    beyond = img.clusters + 2 + 100          # a cluster number past the volume's last
    random_chain = img.chain(img.find("/DATA/RANDOM.BIN")[1])
    if kind == "bad-boot":
        img.data[510:512] = b"\0\0"
    elif kind == "loop":
        img.set_fat(random_chain[10], random_chain[5])
    elif kind == "off-volume":
        img.set_fat(random_chain[10], beyond)
    elif kind == "cross-link":
        img.set_fat(random_chain[10], img.find("/HELLO.TXT")[1])
    elif kind == "outside":
        img.set_start(img.find("/HELLO.TXT")[0], beyond)
        img.set_start(img.find("/BIN")[0], beyond)
    elif kind == "truncated":
        return bytes(img.data[:len(img.data) // 2])
    elif kind == "empty":
        return b""
    else:
        sys.exit("fatdamage: unknown kind %s" % kind)
    return bytes(img.data)


def main(argv):
    if len(argv) == 5 and argv[1] == "make":
        with open(argv[3], "rb") as f:
            out = damage(argv[2], Image(f.read()))
        with open(argv[4], "wb") as f:
            f.write(out)
    elif len(argv) == 4 and argv[1] == "sectors":
        with open(argv[2], "rb") as f:
            img = Image(f.read())
        chain = img.chain(img.find(argv[3])[1])
        if chain != list(range(chain[0], chain[0] + len(chain))):
            sys.exit("fatdamage: %s is not contiguous" % argv[3])
        print(img.sector(chain[0]), img.sector(chain[-1]) + img.spc - 1)
    elif len(argv) == 3 and argv[1] == "free":
        with open(argv[2], "rb") as f:
            img = Image(f.read())
        last = max(c for c in range(2, img.clusters + 2) if img.fat(c) != 0)
        print(img.sector(last + 1), img.total - 1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/env bash
# tools/mkdisk.sh: builds a FAT32 data disk image with real tools (mkfs.fat
# and mtools), byte for byte the same on every run: a fixed volume id and
# label, --invariant for everything else mkfs.fat would randomise, and every
# timestamp at SOURCE_DATE_EPOCH (2026-01-01 00:00 UTC by default) in UTC.
# 64 MiB with 512-byte clusters is about 130,000 clusters: FAT32 by cluster
# count, as the specification decides the type (a small `mkfs.fat -F 32`
# volume would be FAT16 by count).
#
# Contents (the tests check them):
#   /hello.txt                                    a short text file
#   /data/random.bin                              2 MiB of deterministic bytes
#   /bin/ticker                                   a user program (ELF from the initrd)
#   /Documents/Projects/A very long directory name for VFAT entries/nested.txt
#   /Documents/Projects/Größenänderung – 日本語.txt   a long, non-ASCII name
#   /bin/busybox                                  with BUSYBOX=FILE (make disk: Debian's arm64
#                                                 busybox-static, a Linux program, docs/linux.md)
#
# Usage: [BUSYBOX=FILE] tools/mkdisk.sh OUT.img PROGRAM-ELF [SIZE-MiB]
set -euo pipefail
out=${1:?usage: mkdisk.sh OUT.img PROGRAM-ELF [SIZE-MiB]}
elf=${2:?usage: mkdisk.sh OUT.img PROGRAM-ELF [SIZE-MiB]}
mib=${3:-64}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}
export TZ=UTC LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1
for tool in mkfs.fat mmd mcopy; do
  command -v "$tool" >/dev/null || { echo "mkdisk: $tool is missing (make deps installs dosfstools and mtools)" >&2; exit 1; }
done
[ -f "$elf" ] || { echo "mkdisk: no program $elf (make userland builds it)" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
printf 'Hello from the Kenix data disk.\nThis file was written by mtools; Kenix reads it through the block server.\n' >"$stage/hello.txt"
python3 - "$stage/random.bin" <<'PY'
import hashlib, sys
# 2 MiB: SHA-256 of a counter, block after block.
with open(sys.argv[1], "wb") as f:
    for i in range(2 * 1024 * 1024 // 32):
        f.write(hashlib.sha256(b"kenix-disk-%d" % i).digest())
PY
printf 'nested three levels deep\n' >"$stage/nested.txt"
printf 'Ünïcødé names work: Größenänderung, 日本語.\n' >"$stage/unicode.txt"
cp "$elf" "$stage/ticker"
if [ -n "${BUSYBOX:-}" ]; then
  [ -f "$BUSYBOX" ] || { echo "mkdisk: no busybox $BUSYBOX (make busybox fetches it)" >&2; exit 1; }
  cp "$BUSYBOX" "$stage/busybox"
fi
touch -d "@$SOURCE_DATE_EPOCH" "$stage"/*

tmp="$out.tmp"
rm -f "$tmp"
mkfs.fat -F 32 -C --invariant -i 4B454E58 -n KENIX -s 1 "$tmp" $((mib * 1024)) >/dev/null
mmd -i "$tmp" ::/data ::/bin ::/Documents ::/Documents/Projects \
  "::/Documents/Projects/A very long directory name for VFAT entries"
mcopy -m -i "$tmp" "$stage/hello.txt" ::/hello.txt
mcopy -m -i "$tmp" "$stage/random.bin" ::/data/random.bin
mcopy -m -i "$tmp" "$stage/ticker" ::/bin/ticker
[ -f "$stage/busybox" ] && mcopy -m -i "$tmp" "$stage/busybox" ::/bin/busybox
mcopy -m -i "$tmp" "$stage/nested.txt" "::/Documents/Projects/A very long directory name for VFAT entries/nested.txt"
mcopy -m -i "$tmp" "$stage/unicode.txt" "::/Documents/Projects/Größenänderung – 日本語.txt"
fsck.fat -n "$tmp" >/dev/null || { echo "mkdisk: fsck.fat finds errors in the new image" >&2; exit 1; }
mv "$tmp" "$out"
echo "mkdisk: $out: ${mib} MiB FAT32, volume KENIX 4B45-4E58, sha256 $(sha256sum "$out" | cut -c1-16)…"

#!/usr/bin/env bash
# Tests/QEMU/fsbench.sh: the file service's benchmark (issue 10). Boots the
# initrd with a fresh copy of `make disk`'s image as data disk 0 and types
# `run fsbench` at the shell (Userland/programs/fsbench.swift: 2 MiB
# sequential reads cold and warm, a 2 MiB write and sync, 256 seeded 4 KiB
# random reads, open+fstat+close three directories deep; on /disk and /tmp).
# fsbench reads the kernel clock and the retired-instruction counter around
# each workload:
#   - QEMU with -icount shift=0,align=off,sleep=off and `-append kenix.pmu`
#     (the kernel starts the counter only when asked): the PMU counts every
#     guest instruction (every task and the kernel), exactly; the clock also
#     holds the idle time that sleep=off warps past while the disk works (to
#     the next timer, the supervisor's heartbeat), so the table uses the count;
#   - kenix-sim: simulated nanoseconds (user instructions at 1 ns each, plus
#     the simulated disk's latency while every task waits).
# Host time per workload comes from the lines' arrival (Tests/QEMU/stamp.py),
# from ROUNDS interleaved pairs of runs: kenix-sim, then QEMU TCG without
# -icount, ROUNDS times. Every run must end with "fsbench: ok" (fsbench checks
# each byte it reads), fsck.fat -n must pass on its image, and the copy
# fsbench wrote must be byte for byte the original (mtools).
# Prints the report (tools/fsbench-table.py); exit 1 if a run failed.
# Usage: QEMU=qemu-system-aarch64 KERNEL=build/kenix.img INITRD=build/initrd.cpio \
#        KENIX_SIM=.build/release/kenix-sim ROUNDS=2 bash Tests/QEMU/fsbench.sh
# (DISK_IMAGE=FILE uses a copy of FILE instead of a fresh image from tools/mkdisk.sh, as make disk builds.)
set -uo pipefail
QEMU=${QEMU:-qemu-system-aarch64}
KERNEL=${KERNEL:-build/kenix.img}
INITRD=${INITRD:-build/initrd.cpio}
KENIX_SIM=${KENIX_SIM:-.build/release/kenix-sim}
DISK_IMAGE=${DISK_IMAGE:-}
ROUNDS=${ROUNDS:-2}
TIMEOUT=${TIMEOUT:-900}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for f in "$KERNEL" "$INITRD" "$KENIX_SIM"; do
  [ -e "$f" ] || { echo "fsbench.sh: $f is missing (make kernel userland; swift build -c release --product kenix-sim)" >&2; exit 1; }
done
# make disk's image, fresh (build/disk.img may hold a run's writes): tools/mkdisk.sh makes the same bytes.
if [ -z "$DISK_IMAGE" ]; then
  DISK_IMAGE=$WORK/disk.img
  bash "$HERE/../../tools/mkdisk.sh" "$DISK_IMAGE" "$(dirname "$INITRD")/userland/initrd/ticker" >/dev/null || exit 1
fi
printf 'run fsbench\nexit\n' >"$WORK/session.txt"
export MTOOLS_SKIP_CHECK=1

# check NAME: the run ended well and left a clean volume holding a true copy.
failed=0
check() {
  local name=$1
  if ! grep -q "fsbench: ok" "$WORK/$name.out"; then
    echo "fsbench.sh: $name: fsbench did not finish:" >&2; grep "fsbench:" "$WORK/$name.out" | tail -3 >&2; failed=1; return
  fi
  if ! fsck.fat -n "$WORK/$name.img" >"$WORK/$name.fsck" 2>&1; then
    echo "fsbench.sh: $name: fsck.fat -n finds errors" >&2; cat "$WORK/$name.fsck" >&2; failed=1
  fi
  if ! cmp -s <(mcopy -n -i "$WORK/$name.img" ::/fsbench/seq.bin -) <(mcopy -n -i "$WORK/$name.img" ::/data/random.bin -); then
    echo "fsbench.sh: $name: /fsbench/seq.bin is not a copy of /data/random.bin" >&2; failed=1
  fi
}

# qemu NAME [extra QEMU args]: a boot of the session on QEMU virt (cortex-a53, GICv3, as bench.sh).
qemu() {
  local name=$1; shift
  cp "$DISK_IMAGE" "$WORK/$name.img"
  python3 "$HERE/stamp.py" python3 "$HERE/typist.py" "$WORK/session.txt" "$TIMEOUT" "$QEMU" \
    -M virt,gic-version=3 -cpu cortex-a53 -m 128M -nographic -no-reboot -monitor none -serial stdio \
    -kernel "$KERNEL" -initrd "$INITRD" -rtc base=2026-01-01T00:00:00 \
    -drive "if=none,id=data0,format=raw,file=$WORK/$name.img" -device virtio-blk-device,drive=data0,serial=kenix-data0 \
    -global virtio-mmio.force-legacy=false "$@" >"$WORK/$name.out"
  check "$name"
}

# sim NAME: the same session in kenix-sim (128 MiB, as above).
sim() {
  local name=$1
  cp "$DISK_IMAGE" "$WORK/$name.img"
  python3 "$HERE/stamp.py" "$KENIX_SIM" run --initrd "$INITRD" --no-display --seed 1 \
    --disk "$WORK/$name.img" --input "$WORK/session.txt" >"$WORK/$name.out"
  check "$name"
}

echo "fsbench.sh: QEMU -icount shift=0 (instructions)" >&2
qemu icount -icount shift=0,align=off,sleep=off -append kenix.pmu
pairs=()
for r in $(seq 1 "$ROUNDS"); do
  echo "fsbench.sh: round $r of $ROUNDS: kenix-sim, then QEMU TCG (host time)" >&2
  sim "sim$r"
  qemu "tcg$r"
  pairs+=("$WORK/sim$r.out" "$WORK/tcg$r.out")
done
[ "$failed" = 0 ] || exit 1
python3 "$HERE/../../tools/fsbench-table.py" "$WORK/icount.out" "${pairs[@]}"

#!/usr/bin/env bash
# tools/sim-vs-qemu.sh: the "kenix-sim vs QEMU" table of `make bench`: the
# same kernel image and initrd, the same work, timed from the outside as
# wall-clock seconds of whole processes (process start and engine set-up
# count), kenix-sim and QEMU runs interleaved, medians of REPEATS.
# QEMU is TCG without -icount, `-M virt,gic-version=3 -cpu cortex-a72`, as
# `make run-kernel` runs it, with the same RAM as kenix-sim for each row.
# Rows: boot + self-tests + `exit`; boot, `run vm`, `exit`; the swap program
# (24 MiB of RAM and a swap disk: with busybox in the boot image QEMU has no
# room for its DTB in 16); ipcbench (per round trip: a run of N minus a
# run of N/10); the demo at 1280x720 (per frame: a run of DEMO_FRAMES frames
# minus one of DEMO_BASE, 124 and 64 by default: both past the warm-up, the
# JIT engine's loop compiler building the pixel loop in the background after
# 32 time slices and QEMU's TCG translating, so the row is the steady state).
# Usage: SIM=.build/release/kenix-sim QEMU=qemu-system-aarch64 KERNEL=build/kenix.img
#        INITRD=build/initrd.cpio REPEATS=5 bash tools/sim-vs-qemu.sh
set -uo pipefail
SIM=${SIM:-.build/release/kenix-sim}
QEMU=${QEMU:-qemu-system-aarch64}
KERNEL=${KERNEL:-build/kenix.img}
INITRD=${INITRD:-build/initrd.cpio}
REPEATS=${REPEATS:-5}
IPC_N=${IPC_N:-200000}
DEMO_FRAMES=${DEMO_FRAMES:-124}
DEMO_BASE=${DEMO_BASE:-64}
CPU=${CPU:-jit}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
HERE=$(cd "$(dirname "$0")" && pwd)
TYPIST="$HERE/../Tests/QEMU/typist.py"

now() { date +%s%N; }
# timed FILE COMMAND...: appends the command's wall time (s) to FILE; fails if it fails.
timed() {
  local file=$1; shift
  local t0 t1
  t0=$(now); "$@" >"$WORK/last.out" 2>&1; local rc=$?; t1=$(now)
  if [ $rc -ne 0 ]; then echo "failed ($rc): $*" >&2; tail -5 "$WORK/last.out" >&2; return 1; fi
  echo "scale=6; ($t1 - $t0) / 1000000000" | bc >>"$file"
}
median() { sort -g "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

qemu_base=(-M virt,gic-version=3 -cpu cortex-a72 -nographic -no-reboot -kernel "$KERNEL" -initrd "$INITRD")
printf 'exit\n' >"$WORK/exit.txt"
printf 'run vm\nexit\n' >"$WORK/vm.txt"

sim_boot() { "$SIM" run --cpu "$CPU" --initrd "$INITRD" --headless --input "$WORK/exit.txt"; }
qemu_boot() { python3 "$TYPIST" --eot "$WORK/exit.txt" 300 "$QEMU" "${qemu_base[@]}" -m 512M; }
sim_vm() { "$SIM" run --cpu "$CPU" --initrd "$INITRD" --headless --ram 512M --input "$WORK/vm.txt"; }
qemu_vm() { python3 "$TYPIST" --eot "$WORK/vm.txt" 300 "$QEMU" "${qemu_base[@]}" -m 512M; }
sim_swap() { rm -f "$WORK/s.img"; "$SIM" run --cpu "$CPU" --initrd "$INITRD" --no-display --ram 24M --swap "$WORK/s.img" --init swap; }
qemu_swap() {
  rm -f "$WORK/q.img"; truncate -s 64M "$WORK/q.img"
  python3 "$TYPIST" --eot "$WORK/exit.txt" 300 "$QEMU" "${qemu_base[@]}" -m 24M \
    -drive "if=none,id=swap,format=raw,file=$WORK/q.img" -device virtio-blk-device,drive=swap,serial=kenix-swap \
    -global virtio-mmio.force-legacy=false -append "kenix.init=swap"
}
sim_ipc() { "$SIM" run --cpu "$CPU" --initrd "$INITRD" --no-display --ram 512M --init ipcbench --init-arg $(( $1 | 1 << 62 )); }
qemu_ipc() { python3 "$TYPIST" --eot "$WORK/exit.txt" 300 "$QEMU" "${qemu_base[@]}" -m 512M -append "kenix.init=ipcbench kenix.arg=$(( $1 | 1 << 62 ))"; }
sim_demo() { "$SIM" run --cpu "$CPU" --initrd "$INITRD" --headless --fb-size 1280x720 --ram 512M --init demo --init-arg $(( ($1 - 1) | 1 << 62 )); }
qemu_demo() { python3 "$TYPIST" --eot "$WORK/exit.txt" 300 "$QEMU" "${qemu_base[@]}" -m 512M -display none -device ramfb \
                -append "kenix.fb=1280x720 kenix.init=demo kenix.arg=$(( ($1 - 1) | 1 << 62 ))"; }

ok=1
for i in $(seq "$REPEATS"); do
  timed "$WORK/sim_boot" sim_boot || ok=0
  timed "$WORK/qemu_boot" qemu_boot || ok=0
  timed "$WORK/sim_vm" sim_vm || ok=0
  timed "$WORK/qemu_vm" qemu_vm || ok=0
  timed "$WORK/sim_swap" sim_swap || ok=0
  timed "$WORK/qemu_swap" qemu_swap || ok=0
  for side in sim qemu; do
    timed "$WORK/${side}_ipc_long" ${side}_ipc "$IPC_N" || ok=0
    timed "$WORK/${side}_ipc_short" ${side}_ipc $((IPC_N / 10)) || ok=0
    timed "$WORK/${side}_demo_long" ${side}_demo "$DEMO_FRAMES" || ok=0
    timed "$WORK/${side}_demo_short" ${side}_demo "$DEMO_BASE" || ok=0
  done
done
[ $ok = 1 ] || { echo "sim-vs-qemu: a run failed" >&2; exit 1; }

row() {  # row LABEL SIM_SECONDS QEMU_SECONDS UNIT TARGET
  local ratio; ratio=$(echo "scale=2; $3 / $2" | bc)
  printf '| %s | %s %s | %s %s | **%s×** | %s |\n' "$1" "$2" "$4" "$3" "$4" "$ratio" "$5"
}
per() {  # per SIDE NAME UNITS -> seconds per unit (long minus short)
  echo "scale=9; ($(median "$WORK/$1_$2_long") - $(median "$WORK/$1_$2_short")) / $3" | bc
}
ms() { echo "scale=3; $1 * 1000 / 1" | bc; }
us() { echo "scale=3; $1 * 1000000 / 1" | bc; }
echo "| workload | kenix-sim ($CPU) | QEMU TCG | kenix-sim speed-up | target (aim) |"
echo "|---|---|---|---|---|"
row "boot, 9 self-tests, shell \`exit\` (512 MiB)" "$(median "$WORK/sim_boot")" "$(median "$WORK/qemu_boot")" s "≥ 1× (2×)"
row "boot, \`run vm\`, \`exit\` (512 MiB)" "$(median "$WORK/sim_vm")" "$(median "$WORK/qemu_vm")" s "≥ 3× (10×)"
row "\`swap\` program, 24 MiB of RAM and a swap disk" "$(median "$WORK/sim_swap")" "$(median "$WORK/qemu_swap")" s "≥ 3× (10×)"
row "ipcbench, per call/reply round trip" "$(us "$(per sim ipc $((IPC_N - IPC_N / 10)))")" "$(us "$(per qemu ipc $((IPC_N - IPC_N / 10)))")" µs "≥ 3× (10×)"
row "demo at 1280×720, per frame" "$(ms "$(per sim demo $((DEMO_FRAMES - DEMO_BASE)))")" "$(ms "$(per qemu demo $((DEMO_FRAMES - DEMO_BASE)))")" ms "≥ 3× (10×)"

#!/usr/bin/env bash
# Tests/QEMU/bench.sh: instruction counts on QEMU virt under
# `-icount shift=0,align=off,sleep=off` (Tests/QEMU/icount.sh says how they
# are taken: each bench program booted as init, a run of N units minus a run
# of N/10).
# Usage: QEMU=... KERNEL=build/kenix.img INITRD=build/initrd.cpio N=20000 bash Tests/QEMU/bench.sh
set -uo pipefail
QEMU=${QEMU:-qemu-system-aarch64}
KERNEL=${KERNEL:-build/kenix.img}
INITRD=${INITRD:-build/initrd.cpio}
N=${N:-20000}

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/icount.sh"
SWAPIMG=$(mktemp); trap 'rm -f "$ICOUNT_EXIT" "$SWAPIMG"' EXIT
run() { icount_run "$@"; }

selftest=$(run "")
reset_ticks=$(echo "$selftest" | sed -n 's/^kenix: timing: ticks from reset \([0-9]*\),.* at \([0-9]*\) Hz$/\1 \2/p')
set -- ${reset_ticks:-0 62500000}
REPORT=$(mktemp); trap 'rm -f "$ICOUNT_EXIT" "$SWAPIMG" "$REPORT"' EXIT
exec 3>&1 >"$REPORT"   # the report, checked at the end before it is shown
echo "QEMU virt (cortex-a53, GICv3, -icount shift=0), $(basename "$KERNEL") $(stat -c %s "$KERNEL") bytes"
echo "  round trip, 4 words, ipc.h stubs:        $(per_unit ipcbench 0 1) instructions"
echo "  round trip, 4 words, registers only:     $(per_unit ipcbench $((1 << 62)) 1) instructions"
echo "  null syscall (getpid):                   $(per_unit sysbench 0 1) instructions"
echo "  yield that switches tasks:               $(per_unit sysbench $((1 << 60)) 2) instructions"
echo "  notification signal -> wait hand-over:   $(per_unit notifybench 0 2) instructions"
wake=$(run "kenix.init=timerbench kenix.arg=2000" | sed -n 's/^timerbench: wake latency \([0-9]*\) ns$/\1/p')
echo "  timer interrupt -> sleeping task runs:   ${wake:-?} instructions (mean over 2000 wake-ups)"
faults=$(run "kenix.init=faultbench kenix.arg=$(( (1 << 60) | 4096 ))")
zero=$(echo "$faults" | sed -n 's/^faultbench: demand-zero fault \([0-9]*\) ns$/\1/p')
cow=$(echo "$faults" | sed -n 's/^faultbench: copy-on-write fault \([0-9]*\) ns$/\1/p')
echo "  demand-zero page fault (zeroes 4 KB):    ${zero:-?} instructions (mean over 4096 pages)"
echo "  copy-on-write fault (copies 4 KB):       ${cow:-?} instructions (mean over 4096 pages)"
# Swapping: the swap program booted as init on 24 MiB of RAM with a fresh
# 64 MiB virtio-blk disk. Under -icount a simulated second is 1e9 instructions,
# so the figure is the kernel's and the program's work per page, not the speed
# of the host file behind the disk.
truncate -s 0 "$SWAPIMG"; truncate -s 64M "$SWAPIMG"
swap=$(python3 "$HERE/typist.py" "$ICOUNT_EXIT" 300 "$QEMU" -M virt,gic-version=3 -cpu cortex-a53 -m 24M -nographic \
    -no-reboot -monitor none -serial stdio -icount shift=0,align=off,sleep=off -kernel "$KERNEL" -initrd "$INITRD" \
    -drive "if=none,id=swap,format=raw,file=$SWAPIMG" -device virtio-blk-device,drive=swap,serial=kenix-swap \
    -global virtio-mmio.force-legacy=false -append "kenix.init=swap" 2>/dev/null | tr -d '\r')
rate=$(echo "$swap" | sed -n 's/^swap: .* read back, \([0-9]*\) pages per simulated second$/\1/p')
moved=$(echo "$swap" | sed -n 's/^swap: \([0-9]*\) pages written out, \([0-9]*\) read back.*/\1 + \2/p')
echo "  swap-out + swap-in throughput:           ${rate:-?} pages per simulated second ($((${moved:-0})) pages moved; 24 MiB RAM)"
echo "  reset to init's exit (self-test, shell exit):        $(( $1 * (1000000000 / $2) )) ns of virtual time (instructions plus the idle time of the sleep test)"
echo "  $(echo "$selftest" | grep -m1 '^kenix: kernel ready')"
exec 1>&3
cat "$REPORT"
# A bench program that failed shows as "?" (per_unit: init did not exit 0), 0 or a negative
# figure: the report must not be written as if it had worked.
if grep -Eq '(:| ) +(\?|-[0-9.]*|0(\.0)?) (instructions|pages)' "$REPORT"; then
  echo "bench: a figure is missing (a bench program failed); see the lines with ?, 0 or a minus" >&2
  exit 1
fi

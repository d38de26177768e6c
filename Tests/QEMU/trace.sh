#!/usr/bin/env bash
# Tests/QEMU/trace.sh: the kernel's trace ring on QEMU (boot argument
# kenix.trace=ring, docs/tracing.md). Boots ipcbench as init (N call/reply
# round trips between two tasks, then power-off), turns the ring dumped on
# the serial line into Chrome JSON with tools/trace-to-json.py, and checks it
# with Tests/System/check-trace-json.py: valid JSON, slices closed, threads
# named, syscall slices and flows present. With KENIX_SIM, the same program
# runs in kenix-sim with --trace-json, and both traces must show the same
# number of syscall slices per program: the backends record the same events.
# Run by Tests/QEMU/boot.sh; alone:
#   QEMU=qemu-system-aarch64 KERNEL=build/kenix.img INITRD=build/initrd.cpio \
#   KENIX_SIM=.build/debug/kenix-sim bash Tests/QEMU/trace.sh
set -uo pipefail
QEMU=${QEMU:-qemu-system-aarch64}
KERNEL=${KERNEL:-build/kenix.img}
INITRD=${INITRD:-build/initrd.cpio}
TIMEOUT=${TIMEOUT:-120}
KENIX_SIM=${KENIX_SIM:-}
ROUNDS=300
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
. "$HERE/../lib/tally.sh"

echo "==> the trace ring on QEMU (kenix.trace=ring), ipcbench $ROUNDS round trips"
timeout "$TIMEOUT" "$QEMU" -M virt,gic-version=3 -cpu cortex-a72 -m 256M -nographic -no-reboot \
  -monitor none -serial stdio -net none -kernel "$KERNEL" -initrd "$INITRD" \
  -append "kenix.trace=ring kenix.init=ipcbench kenix.arg=$ROUNDS" </dev/null >"$WORK/serial.log" 2>&1
rc=$?
tr -d '\r' <"$WORK/serial.log" >"$WORK/serial.out"
if [ $rc = 0 ] && grep -qx "kenix: init exited with status 0" "$WORK/serial.out" &&
   grep -Eq "^kenix-trace: begin events=[0-9]+ dropped=0 frequency=[0-9]+$" "$WORK/serial.out" &&
   grep -qx "kenix-trace: end" "$WORK/serial.out"; then
  pass "ipcbench exits 0 and the ring is dumped whole at shutdown"
else fail "trace ring boot (QEMU status $rc)" "$WORK/serial.out"; fi
if python3 "$HERE/../../tools/trace-to-json.py" "$WORK/serial.out" "$WORK/qemu.json" >"$WORK/convert.out" 2>&1 &&
   python3 "$HERE/../System/check-trace-json.py" "$WORK/qemu.json" --thread ipcbench --counts >"$WORK/qemu.check" 2>&1; then
  pass "tools/trace-to-json.py: $(head -1 "$WORK/qemu.check")"
else fail "the QEMU trace does not convert or check" "$WORK/qemu.check"; cat "$WORK/convert.out"; fi
if grep -q '"name":"reply_recv"' "$WORK/qemu.json" 2>/dev/null && grep -q '"ph":"s"' "$WORK/qemu.json"; then
  pass "QEMU trace: reply_recv slices and IPC flows"; else fail "QEMU trace: no reply_recv slices or flows"; fi

if [ -n "$KENIX_SIM" ]; then
  "$KENIX_SIM" run --initrd "$INITRD" --init ipcbench --init-arg $ROUNDS --no-display \
    --trace-json "$WORK/sim.json" </dev/null >"$WORK/sim.out" 2>&1
  python3 "$HERE/../System/check-trace-json.py" "$WORK/sim.json" --thread ipcbench --counts >"$WORK/sim.check" 2>&1
  if [ -s "$WORK/sim.check" ] && diff <(tail -n +2 "$WORK/sim.check") <(tail -n +2 "$WORK/qemu.check") >"$WORK/counts.diff"; then
    pass "kenix-sim and QEMU traces: the same syscall slices per program ($(tail -n +2 "$WORK/sim.check" | tr '\n' ' '))"
  else fail "kenix-sim and QEMU traces differ in syscall slices per program" "$WORK/counts.diff"; fi
fi
echo "trace: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

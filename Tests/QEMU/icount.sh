# Tests/QEMU/icount.sh: instruction counts on QEMU virt, for scripts that
# source it (bench.sh, ipc-budget.sh). Under `-icount shift=0,align=off,
# sleep=off` one instruction takes 1 ns of virtual time, so a tick of the
# generic timer (CNTFRQ, 62.5 MHz on QEMU 7.2) is exactly 16 instructions.
# The kernel prints the ticks from reset and from its start to init's exit
# ("kenix: timing: ..."); a bench program is booted as init with -append
# "kenix.init=PROGRAM kenix.arg=N", and a run of N/10 units is subtracted
# from a run of N (which removes boot and teardown).
# Needs QEMU, KERNEL, INITRD and N set, and HERE (this directory).

ICOUNT_EXIT=$(mktemp)
echo exit >"$ICOUNT_EXIT"   # ends the shell that init starts after the self-test

icount_run() {  # icount_run APPEND -> prints the serial log
  python3 "$HERE/typist.py" "$ICOUNT_EXIT" 300 "$QEMU" -M virt,gic-version=3 -cpu cortex-a53 -m 256M -nographic \
    -no-reboot -monitor none -serial stdio -icount shift=0,align=off,sleep=off \
    -kernel "$KERNEL" -initrd "$INITRD" -append "$1" 2>/dev/null | tr -d '\r'
}

icount_ticks() { sed -n 's/^kenix: timing: .*kernel start to init exit \([0-9]*\) at \([0-9]*\) Hz$/\1 \2/p'; }

# The kernel prints its timing however init ends: a figure counts only when
# the bench program, booted as init, exited with status 0 in both runs.
icount_finished() { grep -q '^kenix: init exited with status 0$' <<<"$1" && icount_ticks <<<"$1"; }

per_unit() {  # per_unit PROGRAM FLAGS DIVISOR -> instructions per unit (N units in the long run), or "?"
  local program=$1 flags=$2 divisor=$3 long short
  long=$(icount_finished "$(icount_run "kenix.init=$program kenix.arg=$((N | flags))")")
  short=$(icount_finished "$(icount_run "kenix.init=$program kenix.arg=$((N / 10 | flags))")")
  [ -n "$long" ] && [ -n "$short" ] || { echo "?"; return; }
  set -- $long; local tl=$1 f=$2
  set -- $short; local ts=$1
  echo "scale=1; ($tl - $ts) * (1000000000 / $f) / (($N - $N / 10) * $divisor)" | bc
}

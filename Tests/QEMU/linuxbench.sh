#!/usr/bin/env bash
# Tests/QEMU/linuxbench.sh: the Linux personality's benchmarks (issue 11).
# Boots into busybox's sh (kenix.arg=1 / --init-arg 1) and types one timed
# loop per boot; busybox's `time` prints the loop's guest time (centiseconds).
#   fork+exec+exit+wait of `busybox true`: a loop of N `/bin/busybox true`
#     (ash forks and execs it, and waits) minus the same loop with the
#     builtin `true` (no process), divided by N;
#   pipe throughput: `dd if=/dev/zero bs=64k count=256 | cat > /dev/null`
#     four times, minus the same pipelines with count=0 (the processes
#     without the data), divided by the bytes (4 x 16 MiB).
# Three machines run the same loops:
#   QEMU -icount shift=0,align=off,sleep=off: a guest nanosecond is one
#     instruction, so the guest's time is the instruction count (the
#     resolution, 10 ms of `time`, is 10 M instructions: the loops are long);
#   QEMU TCG without -icount: the guest clock is the host's, so the guest's
#     time is host time;
#   kenix-sim (KENIX_SIM): its clock is simulated, so host time is taken
#     from the arrival of two marker lines the shell echoes just before and
#     just after the loop (Tests/QEMU/stamp.py). Timing each whole process
#     instead (boot and exit included) left the pipe's ~0.1 s inside the
#     noise of two whole runs, and one report read a negative time.
# The kenix-sim ratio is its host time for a loop over QEMU TCG's.
# Usage: QEMU=... KERNEL=build/kenix.img INITRD=build/initrd.cpio KENIX_SIM=.build/release/kenix-sim \
#        [N=400] bash Tests/QEMU/linuxbench.sh
set -uo pipefail
QEMU=${QEMU:-qemu-system-aarch64}
KERNEL=${KERNEL:-build/kenix.img}
INITRD=${INITRD:-build/initrd.cpio}
KENIX_SIM=${KENIX_SIM:-.build/release/kenix-sim}
N=${N:-400}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The loops, each typed alone into a fresh boot.
loop() {  # loop NAME -> the shell line
  case $1 in
    fork) echo "time sh -c 'i=0; while [ \$i -lt $N ]; do /bin/busybox true; i=\$((i+1)); done'" ;;
    nofork) echo "time sh -c 'i=0; while [ \$i -lt $N ]; do true; i=\$((i+1)); done'" ;;
    pipe) echo "time sh -c 'for k in 1 2 3 4; do dd if=/dev/zero bs=64k count=256 2>/dev/null | cat > /dev/null; done'" ;;
    nopipe) echo "time sh -c 'for k in 1 2 3 4; do dd if=/dev/zero bs=64k count=0 2>/dev/null | cat > /dev/null; done'" ;;
    none) echo "true" ;;
  esac
}
PIPE_BYTES=$((4 * 256 * 65536))

# seconds LOG -> the loop's real time in seconds, from busybox's "real\t0m 1.23s".
seconds() { tr -d '\r' <"$1" | sed -n 's/^real\t\([0-9]*\)m \([0-9.]*\)s$/\1 \2/p' | tail -1 | awk '{ printf "%.2f", $1 * 60 + $2 }'; }

qemu_run() {  # qemu_run NAME LOOP [qemu flags...]: guest seconds of LOOP
  local name=$1 what=$2; shift 2
  printf '%s\nexit\n' "$(loop "$what")" >"$WORK/$name.in"
  python3 "$HERE/typist.py" --prompt "# " "$WORK/$name.in" 600 "$QEMU" -M virt,gic-version=3 -cpu cortex-a72 \
    -m 512M -nographic -no-reboot -monitor none -serial stdio -net none "$@" \
    -kernel "$KERNEL" -initrd "$INITRD" -append "kenix.arg=1" >"$WORK/$name.log" 2>&1
  seconds "$WORK/$name.log"
}

sim_run() {  # sim_run NAME LOOP: host seconds between the loop's two marker lines in kenix-sim
  local name=$1 what=$2
  printf 'echo linuxbench-begin; %s; echo linuxbench-end\nexit\n' "$(loop "$what")" >"$WORK/$name.in"
  python3 "$HERE/stamp.py" "$KENIX_SIM" run --initrd "$INITRD" --no-display --seed 1 --init-arg 1 \
    --input "$WORK/$name.in" >"$WORK/$name.log" 2>&1 </dev/null
  # The markers' own output lines (the typed command line holds them too, with more around them).
  awk -F '\t' '$2 == "linuxbench-begin" { b = $1 } $2 == "linuxbench-end" { e = $1 }
                END { if (b != "" && e != "") printf "%.6f", e - b }' "$WORK/$name.log"
}

ICOUNT=(-icount shift=0,align=off,sleep=off)
declare -A ins tcg sim
for what in fork nofork pipe nopipe; do
  ins[$what]=$(qemu_run "icount-$what" "$what" "${ICOUNT[@]}")
  tcg[$what]=$(qemu_run "tcg-$what" "$what")
  if [ -x "$KENIX_SIM" ]; then sim[$what]=$(sim_run "sim-$what" "$what"); fi
done

calc() { echo "scale=6; $*" | bc 2>/dev/null; }
fmt() { [ -n "$1" ] && printf "%.${2:-0}f" "$1" || echo "?"; }
fork_ins=$(calc "(${ins[fork]:-0} - ${ins[nofork]:-0}) * 1000000000 / $N")
pipe_ins=$(calc "(${ins[pipe]:-0} - ${ins[nopipe]:-0}) * 1000000000 / $PIPE_BYTES")
fork_tcg=$(calc "(${tcg[fork]:-0} - ${tcg[nofork]:-0}) / $N")
pipe_tcg=$(calc "(${tcg[pipe]:-0} - ${tcg[nopipe]:-0})")
echo "Linux personality: busybox sh on QEMU virt (cortex-a72, GICv3) and kenix-sim, N=$N"
echo "  fork+exec+exit+wait of busybox true:     $(fmt "$fork_ins") instructions (QEMU -icount; target under 2000000)"
echo "  pipe, dd bs=64k count=256 | cat:         $(fmt "$pipe_ins" 2) instructions per byte (QEMU -icount; target at most 5)"
echo "  the same on QEMU TCG, host time:         $(fmt "$(calc "$fork_tcg * 1000000")") us per fork+exec, $(fmt "$pipe_tcg" 2) s for 4 x 16 MiB"
if [ -x "$KENIX_SIM" ]; then
  fork_sim=$(calc "(${sim[fork]} - ${sim[nofork]}) / $N")
  pipe_sim=$(calc "(${sim[pipe]} - ${sim[nopipe]})")
  echo "  kenix-sim ($(basename "$(dirname "$KENIX_SIM")")), host time:             $(fmt "$(calc "$fork_sim * 1000000")") us per fork+exec, $(fmt "$pipe_sim" 2) s for 4 x 16 MiB"
  echo "  kenix-sim / QEMU TCG, fork+exec:         $(fmt "$(calc "$fork_sim / $fork_tcg")" 2)x"
  echo "  kenix-sim / QEMU TCG, pipe:              $(fmt "$(calc "$pipe_sim / $pipe_tcg")" 2)x"
fi
# A loop that did not run leaves no time: fail rather than print a made-up figure.
for what in fork nofork pipe nopipe; do
  if [ -z "${ins[$what]}" ] || [ -z "${tcg[$what]}" ]; then
    echo "linuxbench: the $what loop printed no time" >&2; tail -20 "$WORK/icount-$what.log" >&2; exit 1
  fi
  if [ -x "$KENIX_SIM" ] && [ -z "${sim[$what]}" ]; then
    echo "linuxbench: kenix-sim's $what loop printed no markers" >&2; tail -20 "$WORK/sim-$what.log" >&2; exit 1
  fi
done

#!/usr/bin/env bash
# The differential check: every session booted on the JIT engine (the
# default) and on the Unicorn engine (--cpu unicorn) must give the same
# console output, exit status, simulated time and trace hash, and the same
# screenshots, byte for byte. A difference is a bug in one engine or the
# other. Covers the self-tests (several seeds), the shell session, vm, swap
# (--ram 12M --swap), the disks (blktest with injected faults on a blank
# disk, the FAT32 session on make disk's image; the disk files afterwards
# must be identical too), the console on screen, the demo's frame 12, a task tree
# touching ~98k pages (--ram 384M, vm's out-of-memory child: it used to crash
# the simulator on vm.max_map_count), and kenix-sim swarm --cpu both over
# many seeds, and busybox's sh running lxtest cpu (the AT_HWCAP baseline);
# and a Unicorn library that cannot be loaded. The JIT runs with
# --loop-compiler synchronous, so that a loop hot enough to be compiled runs
# compiled from then on (the demo's pixel loop), and the check covers the
# compiled code too. Called by Tests/System/run.sh; usable alone:
#   KENIX_SIM=path INITRD=path bash Tests/System/engines.sh
set -uo pipefail
SIM=${KENIX_SIM:-.build/debug/kenix-sim}
INITRD=${INITRD:-build/initrd.cpio}
SWARM_SEEDS=${SWARM_SEEDS:-1-16}
unset DISPLAY WAYLAND_DISPLAY
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
. "$(dirname "$0")/../lib/tally.sh"

# both NAME [kenix-sim run flags...]: runs on both engines and compares.
# {swap} in the flags becomes a swap file of the engine's own, {shot} a
# screenshot path, {disk} a data disk of the engine's own: a copy of
# $DISK_SOURCE (a blank 8 MiB file when that is empty). Screenshots and the
# disk files after the run are compared too.
DISK_SOURCE=
both() {
  local name=$1; shift
  for cpu in jit unicorn; do
    local args=() a
    for a in "$@"; do
      if [[ $a == *'{disk}'* ]]; then
        rm -f "$WORK/$name-$cpu.img"
        if [ -n "$DISK_SOURCE" ]; then cp "$DISK_SOURCE" "$WORK/$name-$cpu.img"; else truncate -s 8M "$WORK/$name-$cpu.img"; fi
      fi
      a=${a//\{swap\}/$WORK/$name-$cpu.swap}
      a=${a//\{shot\}/$WORK/$name-$cpu.png}
      a=${a//\{disk\}/$WORK/$name-$cpu.img}
      args+=("$a")
    done
    [ "$cpu" = jit ] && args+=(--loop-compiler synchronous)
    "$SIM" run --cpu "$cpu" --initrd "$INITRD" --max-time 60s --headless "${args[@]}" \
      >"$WORK/$name-$cpu.out" 2>"$WORK/$name-$cpu.err" </dev/null
    echo $? >"$WORK/$name-$cpu.rc"
    # What the run is: exit status, simulated time, trace hash.
    { cat "$WORK/$name-$cpu.rc"; grep -E '^(trace hash|simulated time):' "$WORK/$name-$cpu.err"; } >"$WORK/$name-$cpu.sum"
  done
  local j=$WORK/$name-jit u=$WORK/$name-unicorn
  if [ "$(cat "$j.rc")" != 0 ]; then fail "$name: exit status $(cat "$j.rc") on the JIT" "$j.err"; return; fi
  if ! grep -q '^trace hash: ' "$j.sum"; then fail "$name: no trace hash" "$j.err"; return; fi
  if ! cmp -s "$j.sum" "$u.sum"; then
    fail "$name: engines disagree (jit | unicorn)"; paste "$j.sum" "$u.sum" | sed 's/^/       | /'; return
  fi
  if ! cmp -s "$j.out" "$u.out"; then fail "$name: console output differs"; diff "$j.out" "$u.out" | head -20 | sed 's/^/       | /'; return; fi
  if [ -e "$j.png" ] || [ -e "$u.png" ]; then
    if ! cmp -s "$j.png" "$u.png"; then fail "$name: screenshots differ"; return; fi
  fi
  if [ -e "$j.img" ] || [ -e "$u.img" ]; then
    if ! cmp -s "$j.img" "$u.img"; then fail "$name: the disk files differ"; return; fi
  fi
  pass "$name: same output, exit status, time and trace hash ($(sed -n 's/^trace hash: //p' "$j.sum"))"
}

echo "==> the engines agree (jit and unicorn, kenix-sim run --cpu)"
both selftests-seed1 --seed 1
both selftests-seed2 --seed 2
both selftests-seed9 --seed 9
both shell --seed 1 --input Tests/System/shell-session.txt
printf 'run vm\n' >"$WORK/vm.txt"
both vm --seed 1 --input "$WORK/vm.txt"
both swap --seed 1 --ram 12M --swap '{swap}' --input Tests/System/swap-session.txt
both blk --seed 1 --disk '{disk}' --disk-fail read@sectors=64-71 --disk-fail write@sectors=80-87 \
  --input Tests/System/blk-session.txt
if grep -qx "blktest: ok" "$WORK/blk-jit.out"; then pass "blktest passed (injected faults)"; else fail "blktest did not pass" "$WORK/blk-jit.out"; fi
PROGRAM="$(dirname "$INITRD")/userland/initrd/ticker"
if command -v mkfs.fat >/dev/null && [ -f "$PROGRAM" ] && bash tools/mkdisk.sh "$WORK/fat.img" "$PROGRAM" >/dev/null 2>"$WORK/mkdisk.err"; then
  DISK_SOURCE=$WORK/fat.img
  both disk --seed 1 --disk '{disk}' --input Tests/System/disk-session.txt
  DISK_SOURCE=
  if bash Tests/System/check-disk.sh "$WORK/disk-jit.out" "$WORK/disk-jit.img" >"$WORK/disk.checks"; then
    pass "the disk session on the JIT passes Tests/System/check-disk.sh"; else fail "the disk session's checks" "$WORK/disk.checks"; fi
else fail "no FAT32 image for the disk session (make deps userland)" "$WORK/mkdisk.err"; fi
both screen --seed 1 --input Tests/System/screen-session.txt --screenshot '{shot}' --screenshot-at input-end
both demo --seed 1 --input Tests/System/demo-session.txt --screenshot '{shot}' --screenshot-at input-end
for f in "$WORK"/demo-jit.out; do
  if grep -qx "demo: frame 12 shown; press Enter" "$f"; then pass "the demo ran to frame 12"; else fail "demo did not reach frame 12" "$f"; fi
done
both pages-98k --seed 1 --ram 384M --no-display --input "$WORK/vm.txt"
if grep -q "out of memory" "$WORK/pages-98k-jit.out" && grep -qxF "[vm exited with status 0]" "$WORK/pages-98k-jit.out"; then
  pass "98k pages: vm's out-of-memory child filled RAM; no engine crashed"
else fail "98k pages: vm did not fill RAM and pass" "$WORK/pages-98k-jit.out"; fi

# The CPU baseline a Linux program is told about (AT_HWCAP) runs on both engines.
printf '/boot/lxtest cpu\nexit\n' >"$WORK/lxcpu.txt"
both linux-cpu --seed 1 --init-arg 1 --no-display --input "$WORK/lxcpu.txt"
tr -d '\r' <"$WORK/linux-cpu-jit.out" >"$WORK/linux-cpu.log"   # the Linux terminal ends lines with CR LF
if grep -qx "lxcpu: AT_HWCAP 0xfb AT_HWCAP2 0x0" "$WORK/linux-cpu.log" && grep -Eqx "lxcpu: [0-9]+ passed, 0 failed" "$WORK/linux-cpu.log"; then
  pass "lxtest cpu: AT_HWCAP is the baseline, its crypto and CRC32 instructions run (the same on Unicorn)"
else fail "lxtest cpu on the engines" "$WORK/linux-cpu.log"; fi

# Unicorn is loaded when asked for, not linked: a library that cannot be
# loaded (here a file that is not one, found first) is a clear error for
# --cpu unicorn, and the JIT runs without it, the same run as ever.
mkdir -p "$WORK/nounicorn"; echo "not a library" >"$WORK/nounicorn/libunicorn.so.2"
LD_LIBRARY_PATH="$WORK/nounicorn" "$SIM" run --cpu unicorn --initrd "$INITRD" --max-time 60s --headless --seed 1 \
  >"$WORK/nounicorn.out" 2>"$WORK/nounicorn.err" </dev/null; rc=$?
if [ $rc -eq 69 ] && grep -q "error: cannot build the simulated machine: --cpu unicorn: cannot load Unicorn (libunicorn.so.2): " "$WORK/nounicorn.err"; then
  pass "Unicorn that cannot be loaded: --cpu unicorn says why (exit 69)"; else fail "Unicorn load failure (rc $rc)" "$WORK/nounicorn.err"; fi
LD_LIBRARY_PATH="$WORK/nounicorn" "$SIM" run --initrd "$INITRD" --max-time 60s --headless --seed 1 \
  >"$WORK/nounicorn-jit.out" 2>"$WORK/nounicorn-jit.err" </dev/null; rc=$?
if [ $rc -eq 0 ] && cmp -s "$WORK/nounicorn-jit.out" "$WORK/selftests-seed1-jit.out" &&
   [ "$(grep '^trace hash' "$WORK/nounicorn-jit.err")" = "$(grep '^trace hash' "$WORK/selftests-seed1-jit.err")" ]; then
  pass "the JIT engine runs without Unicorn: the same run"; else fail "JIT run without Unicorn (rc $rc)" "$WORK/nounicorn-jit.err"; fi

echo "==> kenix-sim swarm --cpu both --seeds $SWARM_SEEDS"
"$SIM" swarm --cpu both --seeds "$SWARM_SEEDS,1-2" --initrd "$INITRD" >"$WORK/swarm.out" 2>&1; rc=$?
tail -1 "$WORK/swarm.out" | sed 's/^/  /'
if [ $rc -eq 0 ] && grep -q "0 failed, 0 mismatches" "$WORK/swarm.out"; then
  pass "every seed agrees on both engines, and repeated seeds replay"
else fail "swarm (rc $rc)" "$WORK/swarm.out"; fi

echo "engines: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

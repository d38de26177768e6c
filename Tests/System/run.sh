#!/usr/bin/env bash
# System tests, tier 2: boot the real initrd in kenix-sim and check every
# self-test line, determinism by seed, clear errors for bad boot images, the
# shell session and swapping (little RAM and a swap file).
# Usage: KENIX_SIM=path INITRD=path bash Tests/System/run.sh
set -uo pipefail
SIM=${KENIX_SIM:-.build/debug/kenix-sim}
INITRD=${INITRD:-build/initrd.cpio}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0

pass() { echo "  ok   $1"; passed=$((passed + 1)); }
fail() { echo "  FAIL $1"; failed=$((failed + 1)); [ -n "${2:-}" ] && sed 's/^/       | /' "$2" | tail -40; }

# boot NAME [kenix-sim flags...]: runs the initrd, output in $WORK/NAME.{out,err,rc}
boot() {
  local name=$1; shift
  "$SIM" run --initrd "$INITRD" --max-time 60s "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null
  echo $? >"$WORK/$name.rc"
}
hash_of() { sed -n 's/^trace hash: //p' "$WORK/$1.err"; }

echo "==> boot the initrd (seed 1)"
boot seed1 --seed 1
cat "$WORK/seed1.out"
if [ "$(cat "$WORK/seed1.rc")" = 0 ]; then pass "init exits with status 0"; else fail "init exit status $(cat "$WORK/seed1.rc")" "$WORK/seed1.err"; fi
for t in ipc shm preempt priority fault sleep errors; do
  if grep -qx "PASS $t" "$WORK/seed1.out"; then pass "self-test $t"; else fail "self-test $t" "$WORK/seed1.out"; fi
done
if grep -qx "selftest: 7 passed, 0 failed" "$WORK/seed1.out"; then pass "summary line"; else fail "summary line" "$WORK/seed1.out"; fi
if ! grep -q "^FAIL" "$WORK/seed1.out"; then pass "no FAIL lines"; else fail "FAIL lines present" "$WORK/seed1.out"; fi
if grep -Eq "^kenix: killed task [0-9]+ \(fault\): data abort \(translation fault, level [0-3]\) on read at 0x0, pc 0x[0-9a-f]+$" "$WORK/seed1.out"; then
  pass "fault diagnostic line"; else fail "fault diagnostic line" "$WORK/seed1.out"; fi
if grep -Eq "^trace hash: [0-9a-f]{16}$" "$WORK/seed1.err" && grep -Eq "^simulated time: " "$WORK/seed1.err"; then
  pass "trace hash and simulated time on stderr"; else fail "trace hash / simulated time" "$WORK/seed1.err"; fi

echo "==> determinism"
boot seed1b --seed 1
if [ -n "$(hash_of seed1)" ] && [ "$(hash_of seed1)" = "$(hash_of seed1b)" ] && cmp -s "$WORK/seed1.out" "$WORK/seed1b.out"; then
  pass "same seed: same output and trace hash"; else fail "same seed differs: $(hash_of seed1) vs $(hash_of seed1b)"; fi
boot seed2 --seed 2
boot seed2b --seed 2
if [ "$(cat "$WORK/seed2.rc")" = 0 ] && [ "$(hash_of seed2)" = "$(hash_of seed2b)" ]; then
  pass "seed 2 passes and replays exactly"; else fail "seed 2 run or replay" "$WORK/seed2.out"; fi
if [ "$(hash_of seed1)" != "$(hash_of seed2)" ]; then
  pass "different seeds explore different interleavings"; else fail "seeds 1 and 2 gave the same trace hash"; fi

echo "==> bad boot images"
"$SIM" run --initrd "$WORK/does-not-exist.cpio" >"$WORK/missing.out" 2>&1 </dev/null; rc=$?
if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -qi "initrd" "$WORK/missing.out"; then pass "missing initrd: clear error"; else fail "missing initrd (rc $rc)" "$WORK/missing.out"; fi
head -c 300 /dev/urandom >"$WORK/garbage.cpio"
"$SIM" run --initrd "$WORK/garbage.cpio" >"$WORK/garbage.out" 2>&1 </dev/null; rc=$?
if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -qi "malformed initrd" "$WORK/garbage.out"; then pass "malformed initrd: clear error"; else fail "malformed initrd (rc $rc)" "$WORK/garbage.out"; fi
printf 'not an elf' >"$WORK/init"
python3 tools/mkinitrd.py -o "$WORK/badinit.cpio" "$WORK/init" >/dev/null 2>&1
"$SIM" run --initrd "$WORK/badinit.cpio" >"$WORK/badinit.out" 2>&1 </dev/null; rc=$?
if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -qi "init" "$WORK/badinit.out" && grep -qi "elf" "$WORK/badinit.out"; then
  pass "malformed init ELF: clear error"; else fail "malformed init ELF (rc $rc)" "$WORK/badinit.out"; fi

echo "==> time limit"
"$SIM" run --initrd "$INITRD" --max-time 1ms >"$WORK/limit.out" 2>"$WORK/limit.err" </dev/null; rc=$?
if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -qi "time limit" "$WORK/limit.err"; then pass "--max-time stops the run"; else fail "--max-time (rc $rc)" "$WORK/limit.err"; fi

echo "==> the shell, driven by Tests/System/shell-session.txt"
boot shell --seed 1 --input Tests/System/shell-session.txt
if [ "$(cat "$WORK/shell.rc")" = 0 ]; then pass "the session ends with the input, init exits 0"; else fail "shell session exit status $(cat "$WORK/shell.rc")" "$WORK/shell.err"; fi
if bash Tests/System/check-shell.sh "$WORK/shell.out"; then pass "shell session output"; else fail "shell session output" "$WORK/shell.out"; fi
cat Tests/System/shell-session.txt | "$SIM" run --initrd "$INITRD" --max-time 60s --seed 1 >"$WORK/piped.out" 2>"$WORK/piped.err"
if cmp -s "$WORK/shell.out" "$WORK/piped.out" && [ "$(hash_of shell)" = "$(sed -n 's/^trace hash: //p' "$WORK/piped.err")" ]; then
  pass "piped stdin gives the same run as --input"; else fail "piped stdin differs from --input" "$WORK/piped.out"; fi

echo "==> swapping: 8 MiB of RAM and a swap file, driven by Tests/System/swap-session.txt"
boot swap --seed 1 --ram 8M --swap "$WORK/swap.img" --input Tests/System/swap-session.txt
if [ "$(cat "$WORK/swap.rc")" = 0 ]; then pass "the swap session ends, init exits 0"; else fail "swap session exit status $(cat "$WORK/swap.rc")" "$WORK/swap.err"; fi
if bash Tests/System/check-swap.sh "$WORK/swap.out"; then pass "swap session output"; else fail "swap session output" "$WORK/swap.out"; fi
if [ "$(stat -c %s "$WORK/swap.img" 2>/dev/null)" = $((64 << 20)) ]; then pass "--swap makes a 64 MiB file by default"; else fail "swap file size"; fi
boot swapb --seed 1 --ram 8M --swap "$WORK/swap.img" --input Tests/System/swap-session.txt
if [ "$(hash_of swap)" = "$(hash_of swapb)" ] && cmp -s "$WORK/swap.out" "$WORK/swapb.out"; then
  pass "a swapping run replays exactly (an old swap file changes nothing)"; else fail "swapping run differs on replay"; fi
"$SIM" run --initrd "$INITRD" --swap "$WORK/no/such/dir/swap.img" >"$WORK/badswap.out" 2>&1 </dev/null; rc=$?
if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -q "swap.img" "$WORK/badswap.out"; then pass "unusable swap file: clear error"; else fail "unusable swap file (rc $rc)" "$WORK/badswap.out"; fi
"$SIM" run --initrd "$INITRD" --swap "$WORK/s.img" --swap-size 100 >"$WORK/badsize.out" 2>&1 </dev/null; rc=$?
if [ $rc -eq 64 ] && grep -q "swap-size" "$WORK/badsize.out"; then pass "bad --swap-size: clear error"; else fail "bad --swap-size (rc $rc)" "$WORK/badsize.out"; fi

echo "system: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

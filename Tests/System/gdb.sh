#!/usr/bin/env bash
# The gdb stub: gdb-multiarch in batch mode against `kenix-sim run --gdb`,
# booting build/userland/gdbtest (a loop storing to a global) as the first
# task, with its unstripped ELF for symbols. Checks: break in it, read C
# variables, line-step, continue to the exit (status 7); reverse-stepi back
# over a store shows the old value; reverse-step goes back line by line; a
# write watchpoint and reverse-continue; Ctrl-C and an unmapped read
# (gdb/interrupt.py); tasks that start and end are reported to gdb; a run
# that gdb only continues keeps the trace hash of a run without gdb.
# Usage: KENIX_SIM=path INITRD=path bash Tests/System/gdb.sh
set -uo pipefail
SIM=${KENIX_SIM:-.build/debug/kenix-sim}
INITRD=${INITRD:-build/initrd.cpio}
ELF=${GDBTEST_ELF:-$(dirname "$INITRD")/userland/gdbtest.elf}
HERE=$(dirname "$0")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
. "$HERE/../lib/tally.sh"
if ! command -v gdb-multiarch >/dev/null 2>&1; then
  echo "  skip gdb-multiarch is not installed (make deps installs it): the debugger checks did not run"
  exit 0
fi

# session NAME SCRIPT [kenix-sim flags...]: kenix-sim waits on a free port,
# gdb runs SCRIPT against it; $WORK/NAME.{out,err,rc,gdb}.
session() {
  local name=$1 script=$2; shift 2
  "$SIM" run --initrd "$INITRD" --no-display --max-time 30s --gdb 0 "$@" \
    >"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null &
  local pid=$! port=""
  for _ in $(seq 100); do
    port=$(sed -n 's/^kenix-sim: waiting for gdb on localhost:\([0-9]*\).*/\1/p' "$WORK/$name.err" 2>/dev/null)
    [ -n "$port" ] && break
    sleep 0.1
  done
  timeout 60 gdb-multiarch -batch -nx -ex "set remotetimeout 30" -ex "file $ELF" -ex "target remote :$port" -x "$script" \
    >"$WORK/$name.gdb" 2>&1
  wait $pid
  echo $? >"$WORK/$name.rc"
}
# value NAME N: the Nth "$k = V" line's V in gdb's output.
value() { grep -E '^\$[0-9]+ = ' "$WORK/$1.gdb" | sed -n "$2s/^\$[0-9]* = //p"; }

echo "==> break, read variables, step, continue to the exit"
session break "$HERE/gdb/break-step.gdb" --init gdbtest
check "stops at the breakpoint in bump" "$WORK/break.gdb" -E "Breakpoint 1, bump \(step=(step@entry=)?1\) at .*gdbtest.c:[0-9]+"
if [ "$(value break 1)" = 1 ] && [ "$(value break 2)" = 0 ]; then pass "reads the argument and the global (step 1, counter 0)"
else fail "variables: $(value break 1) $(value break 2)" "$WORK/break.gdb"; fi
if [ "$(value break 3)" = 1 ] && grep -qE "^[0-9]+[[:space:]]+return counter;" "$WORK/break.gdb"; then pass "next steps a line: counter is 1, at 'return counter;'"
else fail "line step" "$WORK/break.gdb"; fi
check "the task is a thread named gdbtest" "$WORK/break.gdb" -E "Thread [0-9a-f]+ \(task [0-9]+ gdbtest \(running\)\)"
check "continues to the exit with status 7" "$WORK/break.gdb" -E "exited with code 07"
if [ "$(cat "$WORK/break.rc")" = 7 ] && grep -qx "gdbtest: total 35" "$WORK/break.out"; then pass "kenix-sim ends with the program (its output, status 7)"
else fail "kenix-sim exit $(cat "$WORK/break.rc")" "$WORK/break.err"; fi

echo "==> reverse-stepi over a store"
session reverse "$HERE/gdb/reverse.gdb" --init gdbtest
if [ "$(value reverse 1)" = 1 ] && [ "$(value reverse 2)" = 3 ]; then pass "stepi forward over the store: counter 1 -> 3"
else fail "forward: $(value reverse 1) $(value reverse 2)" "$WORK/reverse.gdb"; fi
if [ "$(value reverse 3)" = 1 ]; then pass "reverse-stepi back over it: counter is 1 again"
else fail "reverse-stepi: counter $(value reverse 3)" "$WORK/reverse.gdb"; fi
if [ "$(value reverse 4)" = 3 ] && grep -q "exited with code 07" "$WORK/reverse.gdb" && [ "$(grep -c 'gdbtest: total 35' "$WORK/reverse.out")" = 1 ]; then
  pass "forward again: the same store, the same end, output printed once"
else fail "after the replay" "$WORK/reverse.gdb"; fi

echo "==> reverse-step, line by line"
session rstep "$HERE/gdb/reverse-step.gdb" --init gdbtest
if [ "$(value rstep 1)" = 1 ] && [ "$(value rstep 2)" = 0 ] && grep -qE "^16[[:space:]]+counter = counter \+ step;" "$WORK/rstep.gdb"; then
  pass "reverse-step from line 17 goes back over the store: line 16, counter 0"
else fail "reverse-step in bump: $(value rstep 1) $(value rstep 2)" "$WORK/rstep.gdb"; fi
main_at=$(grep -nE "^main \(.*\) at .*gdbtest.c:[0-9]+" "$WORK/rstep.gdb" | head -1 | cut -d: -f1)
last_hit=$(grep -nE "^Breakpoint 1, bump \(step=(step@entry=)?1\)" "$WORK/rstep.gdb" | tail -1 | cut -d: -f1)
if [ "$(value rstep 3)" = 0 ] && [ -n "$main_at" ] && [ -n "$last_hit" ] && [ "$last_hit" -gt "$main_at" ] \
   && grep -q "exited with code 07" "$WORK/rstep.gdb"; then
  pass "reverse-step again leaves bump for main; forward meets the same first call again, then the exit"
else fail "reverse-step out of bump and forward again" "$WORK/rstep.gdb"; fi

echo "==> a write watchpoint and reverse-continue"
session watch "$HERE/gdb/watch.gdb" --init gdbtest
if grep -q "Old value = 0" "$WORK/watch.gdb" && grep -q "New value = 1" "$WORK/watch.gdb" && [ "$(value watch 1)" = 1 ]; then
  pass "the watchpoint reports counter 0 -> 1"; else fail "watchpoint" "$WORK/watch.gdb"; fi
if [ "$(value watch 2)" = 0 ] && grep -q "New value = 0" "$WORK/watch.gdb"; then
  pass "reverse-continue stops at the write, going backwards (counter 1 -> 0)"; else fail "reverse-continue to the write: $(value watch 2)" "$WORK/watch.gdb"; fi
if [ "$(value watch 3)" = 0 ] && [ "$(grep -c "Breakpoint 1, bump" "$WORK/watch.gdb")" = 2 ]; then
  pass "reverse-continue goes back to the breakpoint before it"; else fail "reverse-continue to the breakpoint" "$WORK/watch.gdb"; fi
check "continues to the exit after going back" "$WORK/watch.gdb" -E "exited with code 07"

echo "==> line stepping in Embedded Swift (ticker, line tables only)"
ELF=$(dirname "$INITRD")/userland/ticker.elf session swift "$HERE/gdb/swift.gdb" --init ticker
# The source lines gdb showed after the breakpoint: line 16, then where each `next` went.
lines=$(sed -n '/^Breakpoint 1, main () at Userland\/programs\/ticker.swift:16/,$p' "$WORK/swift.gdb" | grep -oE '^[0-9]+' | tr '\n' ' ')
if [[ "$lines" =~ ^16\ ([0-9]+)\ 16\  ]] && [ "${BASH_REMATCH[1]}" != 16 ]; then
  pass "break at ticker.swift:16; next goes on to line ${BASH_REMATCH[1]} and round the loop to 16"
else fail "Swift line stepping (lines: $lines)" "$WORK/swift.gdb"; fi
check "a Swift program runs on to its exit" "$WORK/swift.gdb" -E "exited normally"

echo "==> the whole system: --gdb-wait gdbtest, started from the shell"
printf 'run gdbtest\nrun gdbtest\n' >"$WORK/run-gdbtest.txt"
session full "$HERE/gdb/full-system.gdb" --seed 1 --gdb-wait gdbtest --input "$WORK/run-gdbtest.txt"
if grep -qE "^\* [0-9]+ +Thread [0-9a-f]+ \(task [0-9]+ gdbtest \(running\)\) (0x[0-9a-f]+ in )?_start" "$WORK/full.gdb" \
   && grep -qE "Thread [0-9a-f]+ \(task [0-9]+ ksh\)" "$WORK/full.gdb" && grep -qE "Thread 1 \(task 1 init\)" "$WORK/full.gdb"; then
  pass "the first stop is gdbtest's first instruction; init, the shell and the rest are threads"
else fail "threads at the first stop" "$WORK/full.gdb"; fi
if grep -qE "hit Breakpoint 1, bump" "$WORK/full.gdb" && [ "$(value full 1)" = 0 ]; then pass "the breakpoint stops gdbtest, not the other programs at that address"
else fail "breakpoint in the whole system" "$WORK/full.gdb"; fi
check "another task's registers (init's pc is its own)" "$WORK/full.gdb" -E '^\$2 = \(void \(\*\)\(\)\) 0x[0-9a-f]+'
first=$(sed -n 's/.*Thread [0-9a-f]* (task \([0-9]*\) gdbtest (running)).*/\1/p' "$WORK/full.gdb" | head -1)
second=$(sed -n 's/^\[New Thread \([0-9]*\) (task \1 gdbtest)\]$/\1/p' "$WORK/full.gdb")
if [ -n "$first" ] && grep -qx "\[Thread $first (task $first gdbtest) exited\]" "$WORK/full.gdb" \
   && [ -n "$second" ] && [ "$second" != "$first" ] && grep -qx "\[Thread $second (task $second gdbtest) exited\]" "$WORK/full.gdb" \
   && [ "$(grep -n "exited\]$\|^\[New Thread" "$WORK/full.gdb" | head -2 | grep -c "task $first gdbtest) exited\|New Thread $second")" = 2 ]; then
  pass "gdb is told of tasks that start and end: gdbtest $first exits, the second gdbtest $second starts and exits"
else fail "task start and exit reports (first $first, second $second)" "$WORK/full.gdb"; fi
if grep -q "exited normally" "$WORK/full.gdb" && [ "$(cat "$WORK/full.rc")" = 0 ] && [ "$(grep -cF "[gdbtest exited with status 7]" "$WORK/full.out")" = 2 ]; then
  pass "the session ends, init exits 0, gdb is told"; else fail "end of the whole-system session" "$WORK/full.gdb"; fi
"$SIM" run --initrd "$INITRD" --no-display --max-time 10s --seed 1 --input "$WORK/run-gdbtest.txt" >"$WORK/fullplain.out" 2>"$WORK/fullplain.err" </dev/null
if [ "$(sed -n 's/^trace hash: //p' "$WORK/full.err")" = "$(sed -n 's/^trace hash: //p' "$WORK/fullplain.err")" ] && cmp -s "$WORK/full.out" "$WORK/fullplain.out"; then
  pass "with a breakpoint hit and stops: the same trace hash and output as without gdb"
else fail "the whole-system run changed under gdb" "$WORK/full.err"; fi

echo "==> Ctrl-C, an unmapped read, detach (Tests/System/gdb/interrupt.py speaks the protocol itself)"
"$SIM" run --initrd "$INITRD" --no-display --max-time 3s --gdb 0 --init gdbtest --init-arg 1 \
  >"$WORK/intr.out" 2>"$WORK/intr.err" </dev/null &
pid=$!
for _ in $(seq 100); do
  port=$(sed -n 's/^kenix-sim: waiting for gdb on localhost:\([0-9]*\).*/\1/p' "$WORK/intr.err" 2>/dev/null); [ -n "$port" ] && break; sleep 0.1
done
timeout 60 python3 "$HERE/gdb/interrupt.py" "$port" >"$WORK/intr.log" 2>&1; prc=$?
wait $pid; rc=$?
sed 's/^/  /' "$WORK/intr.log" | grep -v "^  ok" || true
if [ $prc -eq 0 ]; then pass "Ctrl-C stops a spinning program; unmapped memory is E14 ($(grep -c '^ok' "$WORK/intr.log") checks)"
else fail "interrupt.py" "$WORK/intr.log"; fi
if [ $rc -eq 124 ]; then pass "after detach the run goes on to its time limit"; else fail "after detach: exit $rc" "$WORK/intr.err"; fi

echo "==> determinism: gdb that only continues changes nothing"
"$SIM" run --initrd "$INITRD" --no-display --max-time 10s --init gdbtest >"$WORK/plain.out" 2>"$WORK/plain.err" </dev/null
printf 'set confirm off\nbreak bump\ncontinue\ndelete\ncontinue\n' >"$WORK/cont.gdb"
session cont "$WORK/cont.gdb" --init gdbtest
h1=$(sed -n 's/^trace hash: //p' "$WORK/plain.err"); h2=$(sed -n 's/^trace hash: //p' "$WORK/cont.err")
t1=$(grep '^simulated time' "$WORK/plain.err"); t2=$(grep '^simulated time' "$WORK/cont.err")
if [ -n "$h1" ] && [ "$h1" = "$h2" ] && [ "$t1" = "$t2" ] && cmp -s "$WORK/plain.out" "$WORK/cont.out"; then
  pass "same trace hash, time and output with and without gdb ($h1)"; else fail "gdb changed the run: $h1 vs $h2" "$WORK/cont.err"; fi

echo "gdb: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

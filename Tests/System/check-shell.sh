#!/usr/bin/env bash
# The shell system test's expectations, shared by every backend: checks the
# console log of a boot that was fed Tests/System/shell-session.txt.
# Usage: check-shell.sh LOG   (prints one line per check; exit 1 on a failure)
set -uo pipefail
log=$1
passed=0 failed=0
# Serial consoles may add CRs; compare without them.
clean=$(mktemp); trap 'rm -f "$clean"' EXIT
tr -d '\r' <"$log" >"$clean"

check() {   # check NAME grep-args...
  local name=$1; shift
  if grep -q "$@" "$clean"; then echo "  ok   $name"; passed=$((passed + 1))
  else echo "  FAIL $name"; failed=$((failed + 1)); fi
}

check "self-tests pass before the shell"  -Fx "selftest: 7 passed, 0 failed"
check "help lists the commands"           -Fx "  run NAME [N]    start a program from the initrd (argument N) and wait for it"
check "typed input is echoed"             -Fx "ksh> echo hello   kenix"
check "echo prints its words"             -Fx "hello kenix"
check "ps has a header"                   -Fx "   ID  STATE     PRI  NAME"
check "ps shows init"                     -Ex " +1  blocked +16  init"
check "ps shows the console server"       -Ex " +[0-9]+  blocked +30  console"
check "ps shows the shell running"        -Ex " +[0-9]+  running +16  ksh"
check "mem reports frames"                -Ex "frames: [0-9]+ free, [0-9]+ used, [0-9]+ total \(4 KiB each\)"
check "ticker ticks with sleep"           -Fx "ticker: tick 3"
check "ticker's receive times out"        -Fx "ticker: receive timed out after 50 ms, as asked"
check "run waits for the program"         -Fx "[ticker exited with status 0]"
check "run reports a missing program"     -Fx "run: nosuch: notFound"
check "kill reports a bad id"             -Fx "kill: noSuchTask"
check "unknown commands are reported"     -Fx "ksh: unknown command: bogus (try help)"
check "vm: mprotect revocation kills"      -E "^kenix: killed task [0-9]+ \(vm\): data abort \(permission fault, level 3\) on write"
check "vm: the memory hog is killed alone" -E "^kenix: killed task [0-9]+ \(vm\): out of memory at 0x"
check "vm self-test passes"               -Fx "[vm exited with status 0]"
echo "shell: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

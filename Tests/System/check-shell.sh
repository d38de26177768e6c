#!/usr/bin/env bash
# The shell system test's expectations, shared by every backend: checks the
# console log of a boot that was fed Tests/System/shell-session.txt.
# Usage: check-shell.sh LOG   (prints one line per check; exit 1 on a failure)
set -uo pipefail
log=$1
. "$(dirname "$0")/../lib/tally.sh"
read_log "$log"

in_log "self-tests pass before the shell"  -Fx "selftest: 7 passed, 0 failed"
in_log "help lists the commands"           -Fx "  run NAME [N]    start a program from the initrd (argument N) and wait for it"
in_log "typed input is echoed"             -Fx "ksh> echo hello   kenix"
in_log "echo prints its words"             -Fx "hello kenix"
in_log "ps has a header"                   -Fx "   ID  STATE     PRI  NAME"
in_log "ps shows init"                     -Ex " +1  blocked +16  init"
in_log "ps shows the console server"       -Ex " +[0-9]+  blocked +30  console"
in_log "ps shows the shell running"        -Ex " +[0-9]+  running +16  ksh"
in_log "mem reports frames"                -Ex "frames: [0-9]+ free, [0-9]+ used, [0-9]+ total \(4 KiB each\)"
in_log "ticker ticks with sleep"           -Fx "ticker: tick 3"
in_log "ticker's receive times out"        -Fx "ticker: receive timed out after 50 ms, as asked"
in_log "run waits for the program"         -Fx "[ticker exited with status 0]"
in_log "run reports a missing program"     -Fx "run: nosuch: notFound"
in_log "kill reports a bad id"             -Fx "kill: noSuchTask"
in_log "unknown commands are reported"     -Fx "ksh: unknown command: bogus (try help)"
in_log "vm: mprotect revocation kills"      -E "^kenix: killed task [0-9]+ \(vm\): data abort \(permission fault, level 3\) on write"
in_log "vm: the memory hog is killed alone" -E "^kenix: killed task [0-9]+ \(vm\): out of memory at 0x"
in_log "vm self-test passes"               -Fx "[vm exited with status 0]"
echo "shell: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

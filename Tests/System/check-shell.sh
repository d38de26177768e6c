#!/usr/bin/env bash
# The shell system test's expectations, shared by every backend: checks the
# console log of a boot that was fed Tests/System/shell-session.txt — the
# task commands, then the file commands on the RAM file system (times are
# matched loosely: kenix-sim's clock starts at a fixed epoch, QEMU's PL031
# at the host's time).
# Usage: check-shell.sh LOG   (prints one line per check; exit 1 on a failure)
set -uo pipefail
log=$1
. "$(dirname "$0")/../lib/tally.sh"
read_log "$log"

in_log "self-tests pass before the shell"  -Fx "selftest: 9 passed, 0 failed"
in_log "help lists the commands"           -Fx "  run PROGRAM [N|ARGS...] run a program to its end (a Linux one gets ARGS)"
in_log "help lists the file commands"      -Fx "  ls [-l] [PATH...]       list directories (-l: kind, size, time)"
in_log "typed input is echoed"             -Fx "ksh> echo hello   kenix"
in_log "echo prints its words"             -Fx "hello kenix"
in_log "ps has a header"                   -Fx "   ID  STATE     PRI  FRAMES/QUOTA   TASKS  OBJECTS  RESTARTS  NAME"
in_log "ps shows init"                     -Ex " +1  blocked +16 +[0-9]+/[0-9]+ +[0-9]+ +[0-9]+ +-  init"
in_log "ps shows the supervisor"           -Ex " +[0-9]+  blocked +31 +[0-9]+/[0-9]+ +[0-9]+ +[0-9]+ +-  supervisor"
in_log "ps shows the console server, never restarted" -Ex " +[0-9]+  blocked +30 +[0-9]+/[0-9]+ +0 +[0-9]+ +0  console"
in_log "ps shows the file server"          -Ex " +[0-9]+  blocked +28 +[0-9]+/[0-9]+ +0 +[0-9]+ +0  vfs"
in_log "ps shows the shell running"        -Ex " *[0-9]+  running +16 +[0-9]+/[0-9]+ +[0-9]+ +[0-9]+ +-  ksh"
in_log "mem reports frames"                -Ex "frames: [0-9]+ free, [0-9]+ used, [0-9]+ total \(4 KiB each\)"
in_log "mem reports the shell's quota"     -Ex "shell quota: [0-9]+ of [0-9]+ frames, [0-9]+ of [0-9]+ tasks, [0-9]+ of [0-9]+ swap pages, [0-9]+ of [0-9]+ objects"
# The swap ceiling is the swap area (mem's "swap:" line), or 0 without one
# (it was 30,000,000,000 in kenix-sim and 441,806,400 on QEMU: read out of
# a nil swap area's uninitialised bytes).
slots=$(sed -n 's/^swap: [0-9]* of \([0-9]*\) pages used.*/\1/p' "$clean" | head -1)
in_log "mem: the swap ceiling is the swap area (${slots:-none})" -Ex "shell quota: .* [0-9]+ of ${slots:-0} swap pages, .*"
in_log "ticker ticks with sleep"           -Fx "ticker: tick 3"
in_log "ticker's receive times out"        -Fx "ticker: receive timed out after 50 ms, as asked"
in_log "run waits for the program"         -Fx "[ticker exited with status 0]"
in_log "run reports a missing program"     -Fx "run: nosuch: notFound"
in_log "kill reports a bad id"             -Fx "kill: noSuchTask"
in_log "unknown commands are reported"     -Fx "ksh: unknown command: bogus (try help)"
in_log "sec: every isolation and authority check" -Fx "sec: 12 passed, 0 failed"
in_log "sec exits 0"                       -Fx "[sec exited with status 0]"
in_log "vm: mprotect revocation kills"      -E "^kenix: killed task [0-9]+ \(vm\): data abort \(permission fault, level 3\) on write"
in_log "vm: the memory hog is killed alone" -E "^kenix: killed task [0-9]+ \(vm\): out of memory at 0x"
in_log "vm self-test passes"               -Fx "[vm exited with status 0]"

# after LINE: the line that follows the first line equal to LINE.
after() { awk -v want="$1" 'found { print; exit } $0 == want { found = 1 }' "$clean"; }
expect_after() {   # NAME PROMPT-LINE EXPECTED-NEXT-LINE (a regular expression)
  local got; got=$(after "$2")
  if [[ "$got" =~ ^$3$ ]]; then pass "$1"; else echo "       | after '$2': '$got'"; fail "$1"; fi
}
expect_after "pwd starts at /"                "ksh> pwd" "/"
expect_after "cd and pwd"                     "ksh> cd /tmp/work" "ksh> pwd"
in_log "the current directory is shown"       -Fx "/tmp/work"
expect_after "cat shows what write wrote"     "ksh> cat notes.txt" "hello from the shell"
in_log "echo >> appends a line"               -Fx "a second line"
expect_after "ls lists sorted names"          "ksh> ls" "notes.txt"
in_log "ls shows the directory"               -Fx "sub"
expect_after "ls -l: kind, size, time, name"  "ksh> ls -l sub" "-        35  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}  copy.txt"
expect_after "cp and mv keep the contents"    "ksh> cat sub/copy.txt" "hello from the shell"
in_log "rm reports a missing file"            -Fx "rm: nothing.txt: notFound"
in_log "rmdir refuses a full directory"       -Fx "rmdir: sub: notEmpty"
expect_after "an empty directory lists nothing" "ksh> ls /tmp" "ksh> cp /boot/ticker /tmp/ticker"
in_log "run starts a program from a path"     -Fx "[/tmp/ticker exited with status 0]"
if [ "$(grep -cFx "ticker: tick 3" "$clean")" = 2 ]; then pass "the copied program runs like the original"
else fail "the copied program runs like the original"; fi
in_log "run reports a missing path"           -Fx "run: /boot/nosuch: notFound"
in_log "df has a header"                      -Fx "TYPE     SIZE KiB   USED KiB   FREE KiB  MOUNTED ON"
in_log "df shows the RAM file system at /"    -Ex "ramfs +[0-9]+ +[0-9]+ +[0-9]+  /"
expect_after "sync succeeds quietly"          "ksh> sync" "ksh> cat /nope"
in_log "cat reports a missing file"           -Fx "cat: /nope: notFound"
expect_after ".. resolves across directories" "ksh> cd /tmp/../boot" "ksh> pwd"
in_log "pwd after cd through .."              -Fx "/boot"
echo "shell: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

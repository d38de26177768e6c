#!/usr/bin/env bash
# The Linux session's expectations, shared by every backend: checks the
# console log of a boot into busybox's sh (init argument 1) that was fed
# Tests/System/linux-session.txt. The acceptance script's output is compared
# byte for byte with the host's busybox (Tests/Linux/compare.sh).
# Usage: check-linux.sh LOG   (prints one line per check; exit 1 on a failure)
set -uo pipefail
log=$1
HERE=$(dirname "$0")
. "$HERE/../lib/tally.sh"
read_log "$log"

if bash "$HERE/../Linux/compare.sh" "$log" >"$clean.compare" 2>&1; then
  pass "acceptance commands: output identical to the host's busybox"
else
  fail "acceptance commands differ from the host's busybox" "$clean.compare"
fi
in_log "busybox sh started"                  -F "BusyBox v1.35.0"
in_log "signal handlers, frames, masks"      -Ex "lxsignals: [0-9]+ passed, 0 failed"
in_log "pipes between processes"             -Ex "lxpipes: [0-9]+ passed, 0 failed"
in_log "fork storms and wait statuses"       -Ex "lxfork: [0-9]+ passed, 0 failed"
in_log "sh reports the segfault"             -Fx "Segmentation fault"
in_log "with status 128 + SIGSEGV"           -Fx "segv status 139"
in_log "and the system goes on"              -Fx "still here"
in_log "sleep 1 takes a second"              -Ex "real	0m 1\.0[0-9]s"
in_log "ls / shows the Linux layout"         -Ex "bin +boot +dev +disk +etc +proc +tmp"
in_log "the fuzzer's calls all answered"     -Ex "lxfuzz: [0-9]+ passed, 0 failed"
in_log "unknown syscalls logged once"        -E "^linux: unsupported syscall 999 from pid [0-9]+: -ENOSYS$"
echo "linux: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# The supervision test's expectations, shared by both backends: the shell
# kills the console server (task 3: init, the supervisor, then the console
# are the first three tasks) in the middle of a session typed from
# Tests/System/restart-session.txt; the supervisor restarts it, the shell's
# next line reaches the new console, and ps counts the restart.
# Usage: check-restart.sh LOG   (prints one line per check; exit 1 on a failure)
set -uo pipefail
log=$1
. "$(dirname "$0")/../lib/tally.sh"
read_log "$log"

in_log "the session starts on the first console"  -Fx "before the restart"
in_log "the supervisor sees the console end"      -Fx "supervisor: console ended (killed (killedByTask)); restart 1 in 100 ms"
in_log "and restarts it"                          -Fx "supervisor: console restarted"
in_log "the shell goes on with the new console"   -Fx "after the restart"
in_log "ps counts one restart of the console"     -Ex " *[0-9]+  blocked +30 +[0-9]+/[0-9]+ +0 +[0-9]+ +1  console"
in_log "the other servers never restarted"        -Ex " *[0-9]+  blocked +28 +[0-9]+/[0-9]+ +0 +[0-9]+ +0  vfs"
echo "restart: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

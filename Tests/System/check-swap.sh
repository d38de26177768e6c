#!/usr/bin/env bash
# The swapping system test's expectations, shared by every backend: checks the
# console log of a boot with little RAM and a swap disk that was fed
# Tests/System/swap-session.txt (`run swap`, then `mem`).
# Usage: check-swap.sh LOG   (prints one line per check; exit 1 on a failure)
set -uo pipefail
log=$1
. "$(dirname "$0")/../lib/tally.sh"
read_log "$log"

in_log "more pages than RAM come back byte for byte" \
  -Ex "swap: [0-9]+ pages through [0-9]+ frames of RAM: every byte came back"
in_log "pages went out and came back"   -Ex "swap: [1-9][0-9]* pages written out, [1-9][0-9]* read back, [0-9]+ pages per simulated second"
in_log "the swap test exits 0"          -Fx "[swap exited with status 0]"
in_log "mem reports the swap area"      -Ex "swap: [0-9]+ of [1-9][0-9]* pages used; [0-9]+ written out, [0-9]+ read back"
# The program's own arithmetic: it maps a quarter more pages than RAM has frames.
if line=$(grep -Eo "^swap: [0-9]+ pages through [0-9]+ frames" "$clean") && read -r pages frames <<<"$(echo "$line" | awk '{print $2, $5}')" \
   && [ "$pages" -gt "$frames" ]; then pass "it touched more pages than RAM ($pages > $frames)"
else fail "it touched more pages than RAM"; fi
[ "$failed" -eq 0 ]

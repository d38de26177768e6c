#!/usr/bin/env bash
# The swapping system test's expectations, shared by every backend: checks the
# console log of a boot with little RAM and a swap disk that was fed
# Tests/System/swap-session.txt (`run swap`, then `mem`).
# Usage: check-swap.sh LOG   (prints one line per check; exit 1 on a failure)
set -uo pipefail
log=$1
passed=0 failed=0
clean=$(mktemp); trap 'rm -f "$clean"' EXIT
tr -d '\r' <"$log" >"$clean"

check() {   # check NAME grep-args...
  local name=$1; shift
  if grep -q "$@" "$clean"; then echo "  ok   $name"; passed=$((passed + 1))
  else echo "  FAIL $name"; failed=$((failed + 1)); fi
}

check "more pages than RAM come back byte for byte" \
  -Ex "swap: [0-9]+ pages through [0-9]+ frames of RAM: every byte came back"
check "pages went out and came back"   -Ex "swap: [1-9][0-9]* pages written out, [1-9][0-9]* read back, [0-9]+ pages per simulated second"
check "the swap test exits 0"          -Fx "[swap exited with status 0]"
check "mem reports the swap area"      -Ex "swap: [0-9]+ of [1-9][0-9]* pages used; [0-9]+ written out, [0-9]+ read back"
# The program's own arithmetic: it maps a quarter more pages than RAM has frames.
if line=$(grep -Eo "^swap: [0-9]+ pages through [0-9]+ frames" "$clean") && read -r pages frames <<<"$(echo "$line" | awk '{print $2, $5}')" \
   && [ "$pages" -gt "$frames" ]; then echo "  ok   it touched more pages than RAM ($pages > $frames)"; passed=$((passed + 1))
else echo "  FAIL it touched more pages than RAM"; failed=$((failed + 1)); fi
[ "$failed" -eq 0 ]

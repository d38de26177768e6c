#!/usr/bin/env bash
# The console-on-screen expectations, shared by every backend: reads the text
# back from a screenshot taken after Tests/System/screen-session.txt was typed
# (tools/screentext.py matches every 8x16 cell against the console's font, so
# one wrong pixel shows as '?') and checks the prompt and the commands' output.
# Usage: check-screen.sh SCREENSHOT   (PNG or PPM; exit 1 on a failure)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../..
text=$(mktemp); trap 'rm -f "$text"' EXIT
passed=0 failed=0
if python3 "$root/tools/screentext.py" --strict --font "$root/Userland/data/Lat15-Terminus16.psf" "$1" >"$text"; then
  echo "  ok   every cell of the screen is a glyph of the font"; passed=$((passed + 1))
else
  echo "  FAIL cells that match no glyph (shown as ?)"; failed=$((failed + 1)); sed 's/^/       | /' "$text"
fi
check() {   # check NAME grep-args...
  local name=$1; shift
  if grep -q "$@" "$text"; then echo "  ok   $name"; passed=$((passed + 1))
  else echo "  FAIL $name"; failed=$((failed + 1)); fi
}
check "the self-test summary is on screen"   -Fx "selftest: 7 passed, 0 failed"
check "the typed command is echoed"          -Fx "ksh> echo hello kenix"
check "echo's output"                        -Fx "hello kenix"
check "help's output"                        -Fx "  run NAME [N]    start a program from the initrd (argument N) and wait for it"
if [ "$(tail -n 1 "$text")" = "ksh>" ]; then echo "  ok   the prompt waits on the last line"; passed=$((passed + 1))
else echo "  FAIL the last line is not the prompt"; failed=$((failed + 1)); sed 's/^/       | /' "$text" | tail -5; fi
[ "$failed" -eq 0 ]

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
. "$here/../lib/tally.sh"
if python3 "$root/tools/screentext.py" --strict --font "$root/Userland/data/Lat15-Terminus16.psf" "$1" >"$text"; then
  pass "every cell of the screen is a glyph of the font"
else fail "cells that match no glyph (shown as ?)" "$text"; fi
on_screen() { local name=$1; shift; check "$name" "$text" "$@"; }
on_screen "the self-test summary is on screen"   -Fx "selftest: 9 passed, 0 failed"
on_screen "the typed command is echoed"          -Fx "ksh> echo hello kenix"
on_screen "echo's output"                        -Fx "hello kenix"
on_screen "help's output"                        -Fx "  run PROGRAM [N|ARGS...] run a program to its end (a Linux one gets ARGS)"
if [ "$(tail -n 1 "$text")" = "ksh>" ]; then pass "the prompt waits on the last line"
else fail "the last line is not the prompt" "$text"; fi
# The cursor (one inverted cell) stands just after the prompt "ksh> ".
cursor=$(python3 "$root/tools/screentext.py" --cursor --font "$root/Userland/data/Lat15-Terminus16.psf" "$1" | grep '^cursor:')
if [ "$cursor" = "cursor: row $(( $(wc -l <"$text") - 1 )) column 5" ]; then pass "the cursor waits after the prompt"
else echo "$cursor" >"$text"; fail "cursor: expected after the prompt" "$text"; fi
[ "$failed" -eq 0 ]

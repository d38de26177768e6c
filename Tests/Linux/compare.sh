#!/usr/bin/env bash
# compare.sh LOG [RUNS]: checks the acceptance sections of a Kenix console log
# (each from "=== accept begin" to "=== accept end", printed by
# Tests/Linux/accept.sh run by busybox's sh on Kenix; RUNS of them, default 1,
# e.g. one in /tmp and one on the FAT disk: the output does not depend on the
# directory) byte for byte against the same script run by the host's busybox
# on a pseudo-terminal (oracle.py). Carriage returns and the terminal queries
# busybox sends after a prompt (ESC [ 6 n) are removed from the log first.
# Prints the diff and exits 1 on a difference.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
log=$1 runs=${2:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v busybox >/dev/null || { echo "compare.sh: no host busybox (Debian busybox-static)"; exit 1; }
(cd "$work" && python3 "$HERE/oracle.py" busybox sh "$HERE/accept.sh" "$work/scratch") >"$work/once" 2>&1
for _ in $(seq "$runs"); do cat "$work/once"; done >"$work/expected"
tr -d '\r' <"$log" | sed 's/\x1b\[6n//g' | sed -n '/^=== accept begin$/,/^=== accept end$/p' >"$work/actual"
if [ ! -s "$work/actual" ]; then echo "compare.sh: no acceptance output in $log"; exit 1; fi
if diff -u "$work/expected" "$work/actual"; then
  echo "acceptance output matches the host's busybox ($runs run(s) of $(grep -c '^== ' "$work/once") sections)"
else
  exit 1
fi

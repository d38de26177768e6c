#!/usr/bin/env bash
# A FAT32 volume after a power cut (kenix-sim --power-cut N) in the middle of
# Tests/System/powercut-session.txt, at a point after its `sync`: fsck.fat -n
# finds at most what a cut may leave (lost clusters, a stale free count, the
# dirty flag, the second FAT a write behind the first), and the files synced
# before the cut read back byte for byte. ORIGINAL is `make disk`'s image.
# Usage: check-powercut.sh IMAGE ORIGINAL   (one line per check; exit 1 on a failure)
set -uo pipefail
image=$1 original=$2
. "$(dirname "$0")/../lib/tally.sh"
export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8
out=$(mktemp); trap 'rm -f "$out"' EXIT
fsck.fat -n "$image" >"$out" 2>&1
# Everything fsck.fat may say about a cut, and nothing else.
allowed='^(fsck\.fat [0-9.]+ .*|Reclaimed [0-9]+ unused clusters? \([0-9]+ bytes\)\.|Dirty bit is set\. Fs was not properly unmounted and some data may be corrupt\.| Automatically removing dirty bit\.|Free cluster summary wrong \([0-9]+ vs\. really [0-9]+\)|  Auto-correcting\.|FATs differ but appear to be intact\.|  Using first FAT\.|Leaving filesystem unchanged\.|.*: [0-9]+ files, [0-9]+/[0-9]+ clusters|)$'
if ! grep -Evq "$allowed" "$out"; then pass "fsck.fat -n: only what a cut may leave"; else fail "fsck.fat -n found more" "$out"; fi
if [ "$(mtype -i "$image" ::/synced/note.txt)" = "synced before the power cut" ]; then
  pass "the small synced file reads back"; else fail "the small synced file"; fi
if cmp -s <(mcopy -n -i "$image" ::/synced/random.bin -) <(mcopy -n -i "$original" ::/data/random.bin -); then
  pass "the 2 MiB synced file reads back byte for byte"; else fail "the 2 MiB synced file"; fi
if cmp -s <(mcopy -n -i "$image" ::/data/random.bin -) <(mcopy -n -i "$original" ::/data/random.bin -) \
   && cmp -s <(mcopy -n -i "$image" ::/bin/ticker -) <(mcopy -n -i "$original" ::/bin/ticker -); then
  pass "mtools' files the session only read are intact"; else fail "files the session only read"; fi
echo "powercut: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# The data disk session's expectations, shared by every backend: the console
# log of a boot with a copy of `make disk`'s image as data disk 0, fed
# Tests/System/disk-session.txt (the file server's FAT32 volume at /disk,
# through the block server), and then the image itself, checked with the
# host's dosfstools and mtools: fsck.fat finds nothing to fix, and the files
# Kenix wrote read back byte for byte.
# Usage: check-disk.sh LOG IMAGE   (one line per check; exit 1 on a failure)
set -uo pipefail
log=$1 image=$2
. "$(dirname "$0")/../lib/tally.sh"
read_log "$log"

in_log "the self-tests still pass"            -Ex "selftest: [0-9]+ passed, 0 failed"
if grep -q "^vfs: /disk" "$clean"; then fail "the volume mounts without a complaint"; else pass "the volume mounts without a complaint"; fi
in_log "ls /disk shows the directories"       -Fx "Documents"
in_log "and the text file"                    -Fx "hello.txt"
in_log "long and non-ASCII names, mtools' times" -Ex -- "- +54  2026-01-01 00:00  Größenänderung – 日本語\.txt"
in_log "a long directory name"                -Ex "d +-  2026-01-01 00:00  A very long directory name for VFAT entries"
in_log "mtools' text reads back"              -Fx "This file was written by mtools; Kenix reads it through the block server."
in_log "Kenix's own file reads back"          -Fx "written by Kenix on a FAT32 disk"
in_log "the copy is listed"                   -Fx "copy.bin"
in_log "Kenix's files carry the real-time clock's date (kenix-sim --epoch, QEMU -rtc base=)" -Ex -- "- +2097152  2026-01-01 00:0[0-9]  copy.bin"
in_log "a program runs from the disk"         -Fx "[/disk/bin/ticker exited with status 0]"
in_log "df shows the FAT32 volume"            -Ex "fat32 +64511 +[0-9]+ +[0-9]+  /disk"
if grep -q "notFound\|ioError\|noSpace\|readOnly" "$clean"; then fail "no file errors" ; else pass "no file errors"; fi

export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8
# Files mtools wrote, read byte-exact inside Kenix: ksh's cksum against the host's.
for f in /hello.txt /data/random.bin /bin/ticker "/Documents/Projects/A very long directory name for VFAT entries/nested.txt"; do
  in_log "mtools wrote $f, Kenix reads it byte for byte (cksum)" -Fx "$(mcopy -n -i "$image" "::$f" - | cksum) /disk$f"
done
if fsck.fat -n "$image" >"$clean.fsck" 2>&1; then pass "fsck.fat -n: no errors"; else fail "fsck.fat -n" "$clean.fsck"; fi
if [ "$(mtype -i "$image" ::/kenix/notes.txt)" = "written by Kenix on a FAT32 disk" ]; then
  pass "mtools reads the file Kenix wrote"; else fail "mtools reads the file Kenix wrote"; fi
if cmp -s <(mcopy -n -i "$image" ::/kenix/copy.bin -) <(mcopy -n -i "$image" ::/data/random.bin -) \
   && [ "$(mcopy -n -i "$image" ::/kenix/copy.bin - | wc -c)" = 2097152 ]; then
  pass "the 2 MiB copy Kenix made is byte for byte the original"; else fail "the 2 MiB copy"; fi
rm -f "$clean.fsck"
echo "disk: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

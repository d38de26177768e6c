#!/usr/bin/env bash
# Damaged FAT images in the running system: the console log of one boot with
# eight data disks (tools/fatdamage.py's kinds on disks 0-6, a good copy of
# `make disk`'s image on disk 7) fed Tests/System/damaged-session.txt. Every
# damaged disk gets a clean error (a refusal line with its reason, a read-only
# mount, or ioError on the damaged file), and the kernel, the other disks and
# every other task go on. GOOD is the good disk's image after the run.
# Usage: check-damaged.sh LOG GOOD-IMAGE   (one line per check; exit 1 on a failure)
set -uo pipefail
log=$1 good=$2
. "$(dirname "$0")/../lib/tally.sh"
read_log "$log"
export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8
sum_of() { mcopy -n -i "$good" "::$1" - | cksum | cut -d' ' -f1-2; }

in_log "the self-tests still pass"               -Ex "selftest: [0-9]+ passed, 0 failed"
in_log "bad boot sector: refused, with the reason" -Fx "vfs: /disk: data disk 0 is not mounted: no FAT boot sector (jump instruction or 0x55AA signature missing)"
in_log "a looping chain: mounted read-only"      -Fx "vfs: /disk1: the FAT is damaged (cross-linked or broken chains): mounted read-only; run fsck.fat"
in_log "a chain off the volume: read-only"       -Fx "vfs: /disk2: the FAT is damaged (cross-linked or broken chains): mounted read-only; run fsck.fat"
in_log "truncated image: refused"                -Fx "vfs: /disk5: data disk 5 is not mounted: the volume is larger than its disk (a truncated image?)"
in_log "zero-size disk: refused"                 -Fx "vfs: /disk6: data disk 6 is not mounted: the disk is empty"
[ "$(grep -c '^vfs: ' "$clean")" = 5 ] && pass "one line per refused or damaged disk, no more" || fail "vfs lines" "$clean"
in_log "loop: an undamaged file reads back"      -Fx "$(sum_of /hello.txt) /disk1/hello.txt"
in_log "loop: the looping file is ioError"       -Fx "cksum: /disk1/data/random.bin: ioError"
in_log "loop: writing is readOnly"               -Fx "write: /disk1/new.txt: readOnly"
in_log "off the volume: ioError"                 -Fx "cksum: /disk2/data/random.bin: ioError"
in_log "cross-link: the linking file is ioError" -Fx "cksum: /disk3/data/random.bin: ioError"
in_log "cross-link: the linked-into file is ioError" -Fx "cksum: /disk3/hello.txt: ioError"
in_log "cross-link: truncating it is ioError"    -Fx "write: /disk3/hello.txt: ioError"
in_log "entry outside: a file is ioError"        -Fx "cat: /disk4/hello.txt: ioError"
in_log "entry outside: a directory is ioError"   -Fx "ls: /disk4/bin: ioError"
in_log "entry outside: the rest lists"           -Fx "Documents"
in_log "the good disk beside them reads byte-exact" -Fx "$(sum_of /data/random.bin) /disk7/data/random.bin"
in_log "a non-ASCII name mtools wrote reads byte-exact" -Fx "$(sum_of "/Documents/Projects/Größenänderung – 日本語.txt") /disk7/Documents/Projects/Größenänderung – 日本語.txt"
in_log "and writes"                              -Fx "the good disk beside them still works"
in_log "a boot-image program runs"               -Fx "[ticker exited with status 0]"
in_log "a program from the good disk runs"       -Fx "[/disk7/bin/ticker exited with status 0]"
in_log "the RAM file system works"               -Fx "and so does the RAM file system"
if fsck.fat -n "$good" >"$clean.fsck" 2>&1 && [ "$(mtype -i "$good" ::/after.txt)" = "the good disk beside them still works" ]; then
  pass "the good disk: fsck.fat -n clean, mtools reads Kenix's file"; else fail "the good disk" "$clean.fsck"; fi
rm -f "$clean.fsck"
echo "damaged: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

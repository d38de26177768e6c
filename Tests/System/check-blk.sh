#!/usr/bin/env bash
# The block server test's expectations, shared by every backend: checks the
# console log of a boot with a blank data disk (data disk 0) whose reads of
# sectors 64-71 and writes of sectors 80-87 fail, fed
# Tests/System/blk-session.txt (`run blktest 1`). The disk file itself is
# checked by tools/blkcheck.py.
# Usage: check-blk.sh LOG   (prints one line per check; exit 1 on a failure)
set -uo pipefail
log=$1
. "$(dirname "$0")/../lib/tally.sh"
read_log "$log"

in_log "the self-tests still pass"          -Ex "selftest: [0-9]+ passed, 0 failed"
in_log "blktest sees the disk"              -Ex "blktest: disk 0: [0-9]+ sectors of 512 bytes"
in_log "2 MiB in 4 + 4 device requests"     -Fx "blktest: 2 MiB written and read back, one call each way: 4 + 4 device requests, every byte checked"
in_log "small runs and the last sector"     -Fx "blktest: small runs and the last sector written and read back, flushed"
in_log "bad requests are refused"           -Fx "blktest: bad requests refused (outOfRange, invalidRequest)"
in_log "injected I/O errors reach the client" -Fx "blktest: injected read and write failures come back as ioError; the disk goes on"
in_log "two clients, one killed mid-read"   -Fx "blktest: a second client at the same time; a client killed mid-read; the server goes on"
in_log "blktest passes"                     -Fx "blktest: ok"
in_log "and exits 0"                        -Fx "[blktest exited with status 0]"
if grep -q "FAILED" "$clean"; then fail "no FAILED lines"; else pass "no FAILED lines"; fi
[ "$failed" -eq 0 ]

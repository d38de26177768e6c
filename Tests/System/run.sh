#!/usr/bin/env bash
# System tests, tier 2: boot the real initrd in kenix-sim and check every
# self-test line, determinism by seed, clear errors for bad boot images, the
# shell session, swapping (little RAM and a swap file), data disks and the
# block server (blktest, faults, two disks, bad disk files, locks, a power
# cut, SIGTERM) and the display (headless fallback, screenshots, a window
# under Xvfb, an SDL that cannot be loaded), kenix-sim on a pseudo-terminal (terminal.py), the gdb stub
# (gdb.sh); then the differential check of the two CPU engines (engines.sh).
# Usage: KENIX_SIM=path INITRD=path bash Tests/System/run.sh
set -uo pipefail
SIM=${KENIX_SIM:-.build/debug/kenix-sim}
INITRD=${INITRD:-build/initrd.cpio}
# No windows during the tests: kenix-sim falls back to headless (the Xvfb
# check below gives its run a display of its own).
unset DISPLAY WAYLAND_DISPLAY
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
. "$(dirname "$0")/../lib/tally.sh"

# boot NAME [kenix-sim flags...]: runs the initrd, output in $WORK/NAME.{out,err,rc}
boot() {
  local name=$1; shift
  "$SIM" run --initrd "$INITRD" --max-time 60s "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null
  echo $? >"$WORK/$name.rc"
}
hash_of() { sed -n 's/^trace hash: //p' "$WORK/$1.err"; }

echo "==> boot the initrd (seed 1)"
boot seed1 --seed 1
cat "$WORK/seed1.out"
if [ "$(cat "$WORK/seed1.rc")" = 0 ]; then pass "init exits with status 0"; else fail "init exit status $(cat "$WORK/seed1.rc")" "$WORK/seed1.err"; fi
for t in ipc shm preempt priority fault sleep errors files cfiles; do
  if grep -qx "PASS $t" "$WORK/seed1.out"; then pass "self-test $t"; else fail "self-test $t" "$WORK/seed1.out"; fi
done
if grep -qx "selftest: 9 passed, 0 failed" "$WORK/seed1.out"; then pass "summary line"; else fail "summary line" "$WORK/seed1.out"; fi
if ! grep -q "^FAIL" "$WORK/seed1.out"; then pass "no FAIL lines"; else fail "FAIL lines present" "$WORK/seed1.out"; fi
if grep -Eq "^kenix: killed task [0-9]+ \(fault\): data abort \(translation fault, level [0-3]\) on read at 0x0, pc 0x[0-9a-f]+$" "$WORK/seed1.out"; then
  pass "fault diagnostic line"; else fail "fault diagnostic line" "$WORK/seed1.out"; fi
if grep -Eq "^trace hash: [0-9a-f]{16}$" "$WORK/seed1.err" && grep -Eq "^simulated time: " "$WORK/seed1.err"; then
  pass "trace hash and simulated time on stderr"; else fail "trace hash / simulated time" "$WORK/seed1.err"; fi

echo "==> determinism"
boot seed1b --seed 1
if [ -n "$(hash_of seed1)" ] && [ "$(hash_of seed1)" = "$(hash_of seed1b)" ] && cmp -s "$WORK/seed1.out" "$WORK/seed1b.out"; then
  pass "same seed: same output and trace hash"; else fail "same seed differs: $(hash_of seed1) vs $(hash_of seed1b)"; fi
boot seed2 --seed 2
boot seed2b --seed 2
if [ "$(cat "$WORK/seed2.rc")" = 0 ] && [ "$(hash_of seed2)" = "$(hash_of seed2b)" ]; then
  pass "seed 2 passes and replays exactly"; else fail "seed 2 run or replay" "$WORK/seed2.out"; fi
if [ "$(hash_of seed1)" != "$(hash_of seed2)" ]; then
  pass "different seeds explore different interleavings"; else fail "seeds 1 and 2 gave the same trace hash"; fi

echo "==> bad boot images"
"$SIM" run --initrd "$WORK/does-not-exist.cpio" >"$WORK/missing.out" 2>&1 </dev/null; rc=$?
if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -qi "initrd" "$WORK/missing.out"; then pass "missing initrd: clear error"; else fail "missing initrd (rc $rc)" "$WORK/missing.out"; fi
head -c 300 /dev/urandom >"$WORK/garbage.cpio"
"$SIM" run --initrd "$WORK/garbage.cpio" >"$WORK/garbage.out" 2>&1 </dev/null; rc=$?
if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -qi "malformed initrd" "$WORK/garbage.out"; then pass "malformed initrd: clear error"; else fail "malformed initrd (rc $rc)" "$WORK/garbage.out"; fi
printf 'not an elf' >"$WORK/init"
python3 tools/mkinitrd.py -o "$WORK/badinit.cpio" "$WORK/init" >/dev/null 2>&1
"$SIM" run --initrd "$WORK/badinit.cpio" >"$WORK/badinit.out" 2>&1 </dev/null; rc=$?
if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -qi "init" "$WORK/badinit.out" && grep -qi "elf" "$WORK/badinit.out"; then
  pass "malformed init ELF: clear error"; else fail "malformed init ELF (rc $rc)" "$WORK/badinit.out"; fi

echo "==> inputs without end, and outputs that cannot be written"
cli_error() {   # cli_error NAME RC TEXT kenix-sim-run-flags...: a clear error and its status, never a trap
  local name=$1 want=$2 text=$3; shift 3
  timeout 60 "$SIM" run --headless "$@" >"$WORK/$name.out" 2>&1 </dev/null; local rc=$?
  if [ $rc -eq "$want" ] && grep -qF -- "$text" "$WORK/$name.out"; then pass "$name: status $want, clear error"; else fail "$name (rc $rc)" "$WORK/$name.out"; fi
}
cli_error initrd-no-end 64 "initrd '/dev/zero' is larger than 64 MiB, half the simulated RAM (--ram)" --initrd /dev/zero
cli_error initrd-over-ram 64 "is larger than 1536 KiB, half the simulated RAM (--ram)" --initrd "$INITRD" --ram 3M
cli_error bad-ram 64 "RAM size must be a multiple of 4 KiB" --initrd "$INITRD" --ram 0
cli_error input-no-end 66 "cannot read input '/dev/zero': larger than 64 MiB" --initrd "$INITRD" --input /dev/zero
cli_error trace-full 74 "the --trace file is incomplete: No space left on device" --initrd "$INITRD" --max-time 50ms --trace /dev/full
cli_error trace-json-full 74 "the --trace-json file is incomplete: No space left on device" --initrd "$INITRD" --max-time 50ms --trace-json /dev/full
# kenix-bench reads its boot image with the same bound (SimHost's readFile).
BENCH=${KENIX_BENCH:-$(dirname "$SIM")/kenix-bench}
timeout 60 "$BENCH" --initrd /dev/zero >"$WORK/bench-no-end.out" 2>&1; rc=$?
if [ $rc -eq 64 ] && grep -qF "kenix-bench: /dev/zero is larger than 64 MiB, the largest boot image kenix-bench reads" "$WORK/bench-no-end.out"; then
  pass "kenix-bench --initrd /dev/zero: status 64, clear error"; else fail "kenix-bench --initrd /dev/zero (rc $rc)" "$WORK/bench-no-end.out"; fi
cli_error trace-unopenable 74 "cannot create trace file '$WORK/no-dir/t.json': No such file or directory" --initrd "$INITRD" --trace-json "$WORK/no-dir/t.json"
# stdin with no newline at all is read in bounded pieces: the run goes on to its time limit.
timeout 60 "$SIM" run --headless --initrd "$INITRD" --max-time 200ms </dev/zero >"$WORK/zero-stdin.out" 2>&1; rc=$?
if [ $rc -eq 124 ] && grep -q "time limit" "$WORK/zero-stdin.out"; then pass "stdin without newlines: read in pieces, no trap"; else fail "stdin from /dev/zero (rc $rc)" "$WORK/zero-stdin.out"; fi

echo "==> time limit"
"$SIM" run --initrd "$INITRD" --max-time 1ms >"$WORK/limit.out" 2>"$WORK/limit.err" </dev/null; rc=$?
if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -qi "time limit" "$WORK/limit.err"; then pass "--max-time stops the run"; else fail "--max-time (rc $rc)" "$WORK/limit.err"; fi

echo "==> the shell, driven by Tests/System/shell-session.txt"
boot shell --seed 1 --input Tests/System/shell-session.txt
if [ "$(cat "$WORK/shell.rc")" = 0 ]; then pass "the session ends with the input, init exits 0"; else fail "shell session exit status $(cat "$WORK/shell.rc")" "$WORK/shell.err"; fi
if bash Tests/System/check-shell.sh "$WORK/shell.out"; then pass "shell session output"; else fail "shell session output" "$WORK/shell.out"; fi
cat Tests/System/shell-session.txt | "$SIM" run --initrd "$INITRD" --max-time 60s --seed 1 >"$WORK/piped.out" 2>"$WORK/piped.err"
if cmp -s "$WORK/shell.out" "$WORK/piped.out" && [ "$(hash_of shell)" = "$(sed -n 's/^trace hash: //p' "$WORK/piped.err")" ]; then
  pass "piped stdin gives the same run as --input"; else fail "piped stdin differs from --input" "$WORK/piped.out"; fi

echo "==> supervision: the console server killed mid-session, driven by Tests/System/restart-session.txt"
boot restart --seed 1 --input Tests/System/restart-session.txt
if [ "$(cat "$WORK/restart.rc")" = 0 ]; then pass "the session ends with the input after the restart"; else fail "restart session exit status $(cat "$WORK/restart.rc")" "$WORK/restart.err"; fi
if bash Tests/System/check-restart.sh "$WORK/restart.out"; then pass "restart session output"; else fail "restart session output" "$WORK/restart.out"; fi

echo "==> swapping: 12 MiB of RAM and a swap file, driven by Tests/System/swap-session.txt"
boot swap --seed 1 --ram 12M --swap "$WORK/swap.img" --input Tests/System/swap-session.txt
if [ "$(cat "$WORK/swap.rc")" = 0 ]; then pass "the swap session ends, init exits 0"; else fail "swap session exit status $(cat "$WORK/swap.rc")" "$WORK/swap.err"; fi
if bash Tests/System/check-swap.sh "$WORK/swap.out"; then pass "swap session output"; else fail "swap session output" "$WORK/swap.out"; fi
if [ "$(stat -c %s "$WORK/swap.img" 2>/dev/null)" = $((64 << 20)) ]; then pass "--swap makes a 64 MiB file by default"; else fail "swap file size"; fi
boot swapb --seed 1 --ram 12M --swap "$WORK/swap.img" --input Tests/System/swap-session.txt
if [ "$(hash_of swap)" = "$(hash_of swapb)" ] && cmp -s "$WORK/swap.out" "$WORK/swapb.out"; then
  pass "a swapping run replays exactly (an old swap file changes nothing)"; else fail "swapping run differs on replay"; fi
"$SIM" run --initrd "$INITRD" --swap "$WORK/no/such/dir/swap.img" >"$WORK/badswap.out" 2>&1 </dev/null; rc=$?
if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -q "swap.img" "$WORK/badswap.out"; then pass "unusable swap file: clear error"; else fail "unusable swap file (rc $rc)" "$WORK/badswap.out"; fi
"$SIM" run --initrd "$INITRD" --swap "$WORK/s.img" --swap-size 100 >"$WORK/badsize.out" 2>&1 </dev/null; rc=$?
if [ $rc -eq 64 ] && grep -q "swap-size" "$WORK/badsize.out"; then pass "bad --swap-size: clear error"; else fail "bad --swap-size (rc $rc)" "$WORK/badsize.out"; fi

echo "==> data disks and the block server: blktest on a blank disk with injected faults (Tests/System/blk-session.txt)"
# blank NAME [SIZE]: a fresh all-zero disk file $WORK/NAME.img (default 8 MiB).
blank() { rm -f "$WORK/$1.img"; truncate -s "${2:-8M}" "$WORK/$1.img"; }
FAULTS=(--disk-fail read@sectors=64-71 --disk-fail write@sectors=80-87)
blank blk
boot blk --seed 1 --disk "$WORK/blk.img" "${FAULTS[@]}" --input Tests/System/blk-session.txt
if [ "$(cat "$WORK/blk.rc")" = 0 ]; then pass "the blktest session ends, init exits 0"; else fail "blktest session exit status $(cat "$WORK/blk.rc")" "$WORK/blk.err"; fi
if bash Tests/System/check-blk.sh "$WORK/blk.out" >"$WORK/blk.checks"; then pass "blktest output (Tests/System/check-blk.sh)"; else fail "blktest output" "$WORK/blk.checks"; fi
if python3 tools/blkcheck.py "$WORK/blk.img" >"$WORK/blk.check" 2>&1; then pass "the disk file, byte for byte (tools/blkcheck.py)"; else fail "the disk file" "$WORK/blk.check"; fi
if [ "$(stat -c %s "$WORK/blk.img")" = $((8 << 20)) ]; then pass "the disk file keeps its size"; else fail "the disk file's size changed"; fi
cp "$WORK/blk.img" "$WORK/blk.first"
blank blk
boot blkb --seed 1 --disk "$WORK/blk.img" "${FAULTS[@]}" --input Tests/System/blk-session.txt
if [ "$(hash_of blk)" = "$(hash_of blkb)" ] && cmp -s "$WORK/blk.out" "$WORK/blkb.out" && cmp -s "$WORK/blk.img" "$WORK/blk.first"; then
  pass "a disk run replays exactly: trace hash, output and the file's bytes"; else fail "the disk run differs on replay"; fi

echo "==> two data disks: blktest on disk 1 leaves disk 0 (a FAT image) untouched"
python3 - "$WORK/fat.img" <<'PY'
import sys
# Not blank: blktest must refuse it, and nothing may write it.
open(sys.argv[1], "wb").write(bytes([0xEB, 0x58, 0x90]) + b"KENIXFAT" + bytes(8 * 1024 * 1024 - 11))
PY
cp "$WORK/fat.img" "$WORK/fat.orig"
blank two
printf 'run blktest\nrun blktest 256\n' >"$WORK/two-session.txt"
boot two --seed 2 --disk "$WORK/fat.img" --disk "$WORK/two.img" --input "$WORK/two-session.txt"
if [ "$(cat "$WORK/two.rc")" = 0 ] && grep -qx "blktest: FAILED disk 0 is not blank (sector 0 holds data): blktest overwrites a disk, so it runs only on a blank one" "$WORK/two.out" \
   && grep -qx "blktest: disk 1: 16384 sectors of 512 bytes" "$WORK/two.out" && grep -qx "blktest: ok" "$WORK/two.out"; then
  pass "the server serves both disks; blktest refuses a disk that is not blank"; else fail "two disks" "$WORK/two.out"; fi
if cmp -s "$WORK/fat.img" "$WORK/fat.orig" && python3 tools/blkcheck.py "$WORK/two.img" >/dev/null; then
  pass "disk 0 untouched, disk 1 exactly as blktest wrote it"; else fail "two disks: the files"; fi

echo "==> data disk files: never created, resized or opened twice"
disk_error() {   # disk_error NAME RC TEXT kenix-sim-flags...: cli_error on the default boot image
  local name=$1 want=$2 text=$3; shift 3
  cli_error "$name" "$want" "$text" --initrd "$INITRD" --max-time 5s "$@"
}
disk_error missing 66 "no such file (a data disk is never created" --disk "$WORK/no-such.img"
[ ! -e "$WORK/no-such.img" ] && pass "a missing disk file is not created" || fail "a missing disk file was created"
head -c 1000 /dev/zero >"$WORK/odd.img"
disk_error odd 65 "its size, 1000 bytes, is not a whole number of 512-byte sectors" --disk "$WORK/odd.img"
[ "$(stat -c %s "$WORK/odd.img")" = 1000 ] && pass "an odd-sized file is left as it was" || fail "the odd-sized file changed"
blank twice 1M
disk_error twice 64 "given twice" --disk "$WORK/twice.img" --disk "$WORK/twice.img"
disk_error swap-and-disk 64 "given twice" --swap "$WORK/twice.img" --disk "$WORK/twice.img"
disk_error bad-fault 64 "--disk-fail 'write@sectors=9-3'" --disk "$WORK/twice.img" --disk-fail write@sectors=9-3
disk_error fault-no-disk 64 "there is no data disk 1" --disk "$WORK/twice.img" --disk-fail disk1:read@1
disk_error latency-no-disk 64 "--disk-latency needs a --disk" --disk-latency 1s
disk_error swap-device 65 "disk file '/dev/null': not a regular file" --swap /dev/null
flock "$WORK/twice.img" -c "sleep 3" & holder=$!
sleep 0.5
disk_error locked 75 "in use by another program" --disk "$WORK/twice.img"
wait $holder

echo "==> a power cut in the middle of blktest's writes (--power-cut 3)"
blank cut
printf 'run blktest\n' >"$WORK/cut-session.txt"
boot cut --seed 3 --disk "$WORK/cut.img" --power-cut 3 --input "$WORK/cut-session.txt"
if [ "$(cat "$WORK/cut.rc")" = 125 ] && grep -qx "kenix-sim: power cut after 3 completed disk writes (--power-cut)" "$WORK/cut.err"; then
  pass "the run stops at the cut, status 125"; else fail "power cut (rc $(cat "$WORK/cut.rc"))" "$WORK/cut.err"; fi
if python3 tools/blkcheck.py --power-cut 3 "$WORK/cut.img" >"$WORK/cut.check" 2>&1; then
  pass "exactly the 3 writes completed before the cut are in the file, byte for byte"; else fail "the file after the cut" "$WORK/cut.check"; fi

echo "==> SIGTERM: the run stops, every completed write is in the file"
blank term
( echo $BASHPID >"$WORK/term.feeder"; printf 'run blktest\n'; exec sleep 60 ) \
  | "$SIM" run --initrd "$INITRD" --seed 1 --disk "$WORK/term.img" >"$WORK/term.out" 2>"$WORK/term.err" &
sim=$!
for _ in $(seq 200); do grep -qx "blktest: ok" "$WORK/term.out" 2>/dev/null && break; sleep 0.1; done
kill -TERM $sim; wait $sim; rc=$?
kill "$(cat "$WORK/term.feeder")" 2>/dev/null
if [ $rc = 143 ] && grep -qx "kenix-sim: stopped by SIGTERM; disk writes flushed" "$WORK/term.err" \
   && python3 tools/blkcheck.py "$WORK/term.img" >/dev/null; then
  pass "SIGTERM: status 143, the disk file complete"; else fail "SIGTERM (rc $rc)" "$WORK/term.err"; fi

echo "==> make disk's image (tools/mkdisk.sh): FAT32 by cluster count, the same bytes every time"
PROGRAM="$(dirname "$INITRD")/userland/initrd/ticker"
if command -v mkfs.fat >/dev/null && [ -f "$PROGRAM" ]; then
  bash tools/mkdisk.sh "$WORK/fat1.img" "$PROGRAM" >/dev/null 2>"$WORK/mkdisk.err"
  sleep 1   # another second on the clock: the timestamps must not follow it
  bash tools/mkdisk.sh "$WORK/fat2.img" "$PROGRAM" >/dev/null 2>>"$WORK/mkdisk.err"
  if [ -f "$WORK/fat1.img" ] && cmp -s "$WORK/fat1.img" "$WORK/fat2.img" && [ "$(stat -c %s "$WORK/fat1.img")" = $((64 << 20)) ]; then
    pass "two builds, identical 64 MiB images"; else fail "make disk is not deterministic" "$WORK/mkdisk.err"; fi
  clusters=$(fsck.fat -n -v "$WORK/fat1.img" 2>/dev/null | sed -n 's/^ *\([0-9]*\) data clusters.*/\1/p')
  if [ -n "$clusters" ] && [ "$clusters" -ge 65525 ] && fsck.fat -n "$WORK/fat1.img" >/dev/null 2>&1; then
    pass "FAT32 by cluster count ($clusters clusters), fsck.fat finds no errors"; else fail "FAT type or fsck ($clusters clusters)"; fi
  export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8
  if mtype -i "$WORK/fat1.img" ::/hello.txt | grep -q "Hello from the Kenix data disk" \
     && [ "$(mcopy -n -i "$WORK/fat1.img" ::/data/random.bin - | wc -c)" = 2097152 ] \
     && mcopy -n -i "$WORK/fat1.img" ::/bin/ticker - | cmp -s - "$PROGRAM" \
     && mtype -i "$WORK/fat1.img" "::/Documents/Projects/A very long directory name for VFAT entries/nested.txt" | grep -q nested \
     && mtype -i "$WORK/fat1.img" "::/Documents/Projects/Größenänderung – 日本語.txt" | grep -q "Ünïcødé"; then
    pass "the text file, the 2 MiB file, the program and the long and non-ASCII names read back"
  else fail "the image's contents"; fi
  unset MTOOLS_SKIP_CHECK LC_ALL

  echo "==> the file server's FAT32 volume on the data disk: Tests/System/disk-session.txt"
  cp "$WORK/fat1.img" "$WORK/fatdisk.img"
  boot fatdisk --seed 1 --disk "$WORK/fatdisk.img" --input Tests/System/disk-session.txt
  if [ "$(cat "$WORK/fatdisk.rc")" = 0 ]; then pass "the disk session ends, init exits 0"; else fail "disk session exit status $(cat "$WORK/fatdisk.rc")" "$WORK/fatdisk.err"; fi
  if bash Tests/System/check-disk.sh "$WORK/fatdisk.out" "$WORK/fatdisk.img" >"$WORK/fatdisk.checks"; then
    pass "/disk through the block server: Tests/System/check-disk.sh (the log, fsck.fat, mtools)"; else fail "the disk session" "$WORK/fatdisk.checks"; fi

  echo "==> fsbench (the file-service benchmark of make bench, quick mode) runs to its end: no timings checked"
  cp "$WORK/fat1.img" "$WORK/fsbench.img"
  printf 'run fsbench 2\n' >"$WORK/fsbench-session.txt"   # quick: fewer random reads and opens
  boot fsbench --seed 1 --disk "$WORK/fsbench.img" --input "$WORK/fsbench-session.txt"
  if [ "$(cat "$WORK/fsbench.rc")" = 0 ] && grep -qx "fsbench: ok" "$WORK/fsbench.out" && grep -qx "\[fsbench exited with status 0\]" "$WORK/fsbench.out" \
     && [ "$(grep -c "^fsbench: /.*: [0-9]* bytes, [0-9]* ns, [0-9]* instructions, " "$WORK/fsbench.out")" = 12 ] && fsck.fat -n "$WORK/fsbench.img" >/dev/null 2>&1 \
     && cmp -s <(MTOOLS_SKIP_CHECK=1 mcopy -n -i "$WORK/fsbench.img" ::/fsbench/seq.bin -) <(MTOOLS_SKIP_CHECK=1 mcopy -n -i "$WORK/fat1.img" ::/data/random.bin -); then
    pass "fsbench: every workload on /disk and /tmp, status 0; fsck-clean, its 2 MiB copy byte for byte"
  else fail "fsbench (rc $(cat "$WORK/fsbench.rc"))" "$WORK/fsbench.out"; fi

  echo "==> a slow data disk (--disk-latency 1500ms): the file server waits on it for seconds, which is not a hang (Tests/System/slowdisk-session.txt)"
  cp "$WORK/fat1.img" "$WORK/slow.img"
  "$SIM" run --initrd "$INITRD" --max-time 600s --seed 1 --disk "$WORK/slow.img" --disk-latency 1500ms \
    --input Tests/System/slowdisk-session.txt >"$WORK/slow.out" 2>"$WORK/slow.err" </dev/null
  if [ $? = 0 ] && grep -qx "written through a slow disk" "$WORK/slow.out" && ! grep -q "missed 3 heartbeats" "$WORK/slow.out" \
     && grep -Eq "^ +[0-9]+  blocked +28 +[0-9]+/[0-9]+ +0 +[0-9]+ +0  vfs$" "$WORK/slow.out" \
     && [ "$(MTOOLS_SKIP_CHECK=1 mtype -i "$WORK/slow.img" ::/slow.txt)" = "written through a slow disk" ]; then
    pass "reads and a synced write through a 1.5 s-per-request disk; the supervisor never killed the file server (ps: 0 restarts)"
  else fail "the slow disk session" "$WORK/slow.out"; fi

  echo "==> damaged FAT images in the running system (tools/fatdamage.py): eight disks in one boot, Tests/System/damaged-session.txt"
  kinds=(bad-boot loop off-volume cross-link outside truncated empty)
  disks=()
  for k in "${kinds[@]}"; do
    python3 tools/fatdamage.py make "$k" "$WORK/fat1.img" "$WORK/dmg-$k.img"
    [ "$k" = cross-link ] || [ "$k" = outside ] || cp "$WORK/dmg-$k.img" "$WORK/dmg-$k.orig"
    disks+=(--disk "$WORK/dmg-$k.img")
  done
  fsck.fat -n "$WORK/dmg-cross-link.img" >"$WORK/dmg-cl.before" 2>&1; fsck.fat -n "$WORK/dmg-outside.img" >"$WORK/dmg-out.before" 2>&1
  cp "$WORK/fat1.img" "$WORK/dmg-good.img"
  boot damaged --seed 1 "${disks[@]}" --disk "$WORK/dmg-good.img" --input Tests/System/damaged-session.txt
  if [ "$(cat "$WORK/damaged.rc")" = 0 ]; then pass "the damaged-disks session ends, init exits 0"; else fail "damaged session exit status $(cat "$WORK/damaged.rc")" "$WORK/damaged.err"; fi
  if bash Tests/System/check-damaged.sh "$WORK/damaged.out" "$WORK/dmg-good.img" >"$WORK/damaged.checks"; then
    pass "a clean error for every damage, everything else goes on: Tests/System/check-damaged.sh"; else fail "damaged disks" "$WORK/damaged.checks"; fi
  same=1
  for k in bad-boot loop off-volume truncated empty; do cmp -s "$WORK/dmg-$k.img" "$WORK/dmg-$k.orig" || same=0; done
  fsck.fat -n "$WORK/dmg-cross-link.img" >"$WORK/dmg-cl.after" 2>&1; fsck.fat -n "$WORK/dmg-outside.img" >"$WORK/dmg-out.after" 2>&1
  if [ $same = 1 ] && cmp -s "$WORK/dmg-cl.before" "$WORK/dmg-cl.after" && cmp -s "$WORK/dmg-out.before" "$WORK/dmg-out.after"; then
    pass "refused and read-only disks are untouched; the writable damaged ones are no worse (fsck.fat -n the same)"
  else fail "a damaged disk was changed" "$WORK/dmg-cl.after"; fi

  echo "==> disk errors (--disk-fail): a FAT16 disk refused, bad sectors and failed writes reach the caller as ioError"
  mkfs.fat -F 32 -C --invariant -s 1 "$WORK/fat16.img" 16384 >/dev/null 2>&1
  cp "$WORK/fat1.img" "$WORK/fail.img"
  # Reads fail on the 4 KiB blocks wholly inside /data/random.bin, writes on every sector after the last used cluster.
  read -r first last < <(python3 tools/fatdamage.py sectors "$WORK/fat1.img" /DATA/RANDOM.BIN)
  read -r free end < <(python3 tools/fatdamage.py free "$WORK/fat1.img")
  boot diskfail --seed 1 --disk "$WORK/fail.img" --disk "$WORK/fat16.img" --input Tests/System/diskfail-session.txt \
    --disk-fail "read@sectors=$(( (first + 7) / 8 * 8 ))-$(( (last + 1) / 8 * 8 - 1 ))" --disk-fail "write@sectors=$free-$end"
  f=$(tr -d '\r' <"$WORK/diskfail.out")
  if [ "$(cat "$WORK/diskfail.rc")" = 0 ] && grep -qx "selftest: 9 passed, 0 failed" <<<"$f" \
     && grep -qx "vfs: /disk1: data disk 1 is not mounted: FAT16 volume (fewer than 65525 clusters): only FAT32 is supported (32232 clusters)" <<<"$f"; then
    pass "a FAT16 volume (mkfs.fat -F 32 on 16 MiB) is refused by cluster count, once, and the run goes on"; else fail "FAT16 refusal" "$WORK/diskfail.out"; fi
  if grep -qx "This file was written by mtools; Kenix reads it through the block server." <<<"$f" && grep -qx "hello.txt" <<<"$f" \
     && grep -qx "cksum: /disk/data/random.bin: ioError" <<<"$f" && grep -qx "cp: /disk/data/random.bin: ioError" <<<"$f"; then
    pass "a failed read is ioError for its file only (read-ahead over a bad sector does not fail its neighbours)"; else fail "failed reads" "$WORK/diskfail.out"; fi
  if [ "$(grep -cx "sync: ioError" <<<"$f")" = 2 ] && grep -qx "this write cannot reach the disk" <<<"$f" \
     && grep -qx "init: unmount /disk: ioError" <<<"$f"; then
    pass "failed writes (write-back): each sync and the shutdown unmount say ioError; the unwritten data stays readable"; else fail "failed writes" "$WORK/diskfail.out"; fi
  fsck.fat -n "$WORK/fail.img" >"$WORK/fail.fsck" 2>&1
  if ! grep -Evq '^(fsck\.fat .*|Dirty bit is set\. Fs was not properly unmounted and some data may be corrupt\.| Automatically removing dirty bit\.|Leaving filesystem unchanged\.|.*: [0-9]+ files, [0-9]+/[0-9]+ clusters|)$' "$WORK/fail.fsck" \
     && cmp -s <(MTOOLS_SKIP_CHECK=1 mcopy -n -i "$WORK/fail.img" ::/data/random.bin -) <(MTOOLS_SKIP_CHECK=1 mcopy -n -i "$WORK/fat1.img" ::/data/random.bin -); then
    pass "after the failures: fsck.fat -n finds only the dirty flag, the old files intact"; else fail "the image after disk errors" "$WORK/fail.fsck"; fi

  echo "==> power cuts at seeded points after a sync, in the middle of FAT32 writes (Tests/System/powercut-session.txt)"
  head -n 4 Tests/System/powercut-session.txt >"$WORK/pc-prefix.txt"   # up to and including the sync
  cp "$WORK/fat1.img" "$WORK/pc-prefix.img"; boot pcprefix --seed 1 --disk "$WORK/pc-prefix.img" --input "$WORK/pc-prefix.txt"
  cp "$WORK/fat1.img" "$WORK/pc-full.img"; boot pcfull --seed 1 --disk "$WORK/pc-full.img" --input Tests/System/powercut-session.txt
  synced=$(sed -n 's/^data disk writes: \([0-9]*\) completed$/\1/p' "$WORK/pcprefix.err")
  total=$(sed -n 's/^data disk writes: \([0-9]*\) completed$/\1/p' "$WORK/pcfull.err")
  if [ -n "$synced" ] && [ -n "$total" ] && [ "$total" -gt $((synced + 10)) ] && bash Tests/System/check-powercut.sh "$WORK/pc-full.img" "$WORK/fat1.img" >/dev/null \
     && fsck.fat -n "$WORK/pc-full.img" >/dev/null 2>&1; then
    pass "without a cut: $total disk writes ($synced up to the sync and shutdown), fsck-clean"; else fail "the power-cut session without a cut" "$WORK/pcfull.err"; fi
  RANDOM=10   # the seed of the cut points
  for _ in 1 2 3; do
    n=$((synced + 1 + RANDOM % (total - synced)))
    cp "$WORK/fat1.img" "$WORK/pc-$n.img"
    boot "pc$n" --seed 1 --disk "$WORK/pc-$n.img" --power-cut "$n" --input Tests/System/powercut-session.txt
    if [ "$(cat "$WORK/pc$n.rc")" = 125 ] && bash Tests/System/check-powercut.sh "$WORK/pc-$n.img" "$WORK/fat1.img" >"$WORK/pc$n.checks"; then
      pass "a cut after write $n of $total: fsck.fat finds only what a cut leaves, the synced files intact"
    else fail "a cut after write $n (rc $(cat "$WORK/pc$n.rc"))" "$WORK/pc$n.checks"; fi
  done
else
  echo "  skip mkfs.fat or $PROGRAM is missing (make deps userland)"
fi

echo "==> the display: headless fallback, screenshots, usage errors"
NOTICE="kenix-sim: no window (DISPLAY is not set); running headless"
# png_ok FILE W H: a valid 8-bit RGB PNG of W x H (CRCs, zlib, sizes), checked by Python's zlib.
png_ok() {
  python3 - "$@" <<'PY'
import struct, sys, zlib
path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
d = open(path, "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "signature"
i, idat, types = 8, b"", []
while i < len(d):
    n, = struct.unpack(">I", d[i:i + 4]); t = d[i + 4:i + 8]; c = d[i + 8:i + 8 + n]
    assert struct.unpack(">I", d[i + 8 + n:i + 12 + n])[0] == zlib.crc32(t + c), "CRC of %r" % t
    types.append(t); idat += c if t == b"IDAT" else b""; i += 12 + n
assert types[0] == b"IHDR" and types[-1] == b"IEND", types
assert struct.unpack(">IIBBBBB", d[16:29]) == (w, h, 8, 2, 0, 0, 0), "IHDR"
assert len(zlib.decompress(idat)) == h * (3 * w + 1), "pixel data size"
PY
}
grep -qxF "$NOTICE" "$WORK/seed1.err" && [ "$(grep -c "running headless" "$WORK/seed1.err")" = 1 ] \
  && pass "no DISPLAY: one notice, and the run goes on headless" || fail "headless fallback notice" "$WORK/seed1.err"
boot headless --seed 1 --headless
if [ "$(cat "$WORK/headless.rc")" = 0 ] && ! grep -q "running headless" "$WORK/headless.err" && [ "$(hash_of headless)" = "$(hash_of seed1)" ]; then
  pass "--headless: no notice, the same run"; else fail "--headless run" "$WORK/headless.err"; fi
boot nodisplay --seed 1 --no-display
if [ "$(cat "$WORK/nodisplay.rc")" = 0 ] && grep -qx "selftest: 9 passed, 0 failed" "$WORK/nodisplay.out" && ! grep -q "window" "$WORK/nodisplay.err"; then
  pass "--no-display: no framebuffer, no notice, self-tests pass"; else fail "--no-display run" "$WORK/nodisplay.err"; fi
boot shotend --seed 1 --screenshot "$WORK/end.png"
if [ "$(cat "$WORK/shotend.rc")" = 0 ] && png_ok "$WORK/end.png" 640 480 && [ "$(hash_of shotend)" = "$(hash_of seed1)" ]; then
  pass "--screenshot: a 640x480 PNG at the end, the same run"; else fail "--screenshot at the end" "$WORK/shotend.err"; fi
boot shotsize --seed 1 --fb-size 800x600 --screenshot "$WORK/size.png"
if [ "$(cat "$WORK/shotsize.rc")" = 0 ] && png_ok "$WORK/size.png" 800 600; then
  pass "--fb-size 800x600: an 800x600 screenshot"; else fail "--fb-size 800x600" "$WORK/shotsize.err"; fi
boot shotinput --seed 1 --input Tests/System/shell-session.txt --screenshot "$WORK/input-end.png" --screenshot-at input-end
if [ "$(cat "$WORK/shotinput.rc")" = 0 ] && png_ok "$WORK/input-end.png" 640 480 && ! grep -q "ended before" "$WORK/shotinput.err" \
   && [ "$(hash_of shotinput)" = "$(hash_of shell)" ]; then
  pass "--screenshot-at input-end: taken, the same run as without it"; else fail "--screenshot-at input-end" "$WORK/shotinput.err"; fi
boot shottime --seed 1 --screenshot "$WORK/time.png" --screenshot-at 10ms
if [ "$(cat "$WORK/shottime.rc")" = 0 ] && png_ok "$WORK/time.png" 640 480 && ! grep -q "ended before" "$WORK/shottime.err" \
   && [ "$(hash_of shottime)" = "$(hash_of seed1)" ]; then
  pass "--screenshot-at 10ms: taken, the same run"; else fail "--screenshot-at 10ms" "$WORK/shottime.err"; fi
boot shotlate --seed 1 --screenshot "$WORK/late.png" --screenshot-at 100s
if [ "$(cat "$WORK/shotlate.rc")" = 0 ] && png_ok "$WORK/late.png" 640 480 && grep -q "ended before --screenshot-at 100s" "$WORK/shotlate.err"; then
  pass "--screenshot-at after the end: the end, with a notice"; else fail "--screenshot-at 100s" "$WORK/shotlate.err"; fi
usage_error() {   # usage_error NAME EXPECTED-TEXT kenix-sim-flags...
  local name=$1 text=$2; shift 2
  "$SIM" run --initrd "$INITRD" "$@" >"$WORK/$name.out" 2>&1 </dev/null; local rc=$?
  if [ $rc -eq 64 ] && grep -qF -- "$text" "$WORK/$name.out"; then pass "usage error: $*"; else fail "usage error: $* (rc $rc)" "$WORK/$name.out"; fi
}
usage_error at-alone "--screenshot-at needs --screenshot" --screenshot-at input-end
usage_error at-bad "--screenshot-at" --screenshot "$WORK/x.png" --screenshot-at soon
usage_error at-nodisplay "--screenshot needs a display" --no-display --screenshot "$WORK/x.png"
usage_error fb-small "--fb-size must be WxH with each side from 64 to 4096" --fb-size 32x480
usage_error fb-bad "--fb-size must be WxH" --fb-size 640by480
usage_error fb-ram "more than half of simulated RAM" --ram 8M --fb-size 4096x4096
if [ ! -e "$WORK/x.png" ]; then pass "no screenshot written after a usage error"; else fail "a usage error wrote a screenshot"; fi
"$SIM" run --initrd "$INITRD" --screenshot "$WORK/no/such/dir/x.png" >"$WORK/badshot.out" 2>&1 </dev/null; rc=$?
if [ $rc -eq 74 ] && grep -q "cannot write screenshot" "$WORK/badshot.out"; then pass "unwritable screenshot: clear error, status 74"; else fail "unwritable screenshot (rc $rc)" "$WORK/badshot.out"; fi
"$SIM" run --initrd "$INITRD" --keys "$WORK/no-such-keys.txt" >"$WORK/badkeys.out" 2>&1 </dev/null; rc=$?
if [ $rc -eq 66 ] && grep -q "cannot read keys" "$WORK/badkeys.out"; then pass "missing --keys file: clear error"; else fail "missing --keys file (rc $rc)" "$WORK/badkeys.out"; fi

echo "==> the console on screen, the keyboard and the demo (Tests/System/{screen,keys,demo}-session.txt)"
boot screen --seed 1 --headless --input Tests/System/screen-session.txt --screenshot "$WORK/screen.png" --screenshot-at input-end
if [ "$(cat "$WORK/screen.rc")" = 0 ] && bash Tests/System/check-screen.sh "$WORK/screen.png" >"$WORK/screen.checks"; then
  pass "the shell on screen: Tests/System/check-screen.sh"; else fail "the shell on screen" "$WORK/screen.checks"; fi
boot keys --seed 1 --headless --keys Tests/System/keys-session.txt --input /dev/null --screenshot "$WORK/keys.png"
if [ "$(cat "$WORK/keys.rc")" = 0 ] && grep -qx "typed on the Keyboard!" "$WORK/keys.out" \
   && python3 tools/screentext.py --font Userland/data/Lat15-Terminus16.psf "$WORK/keys.png" >"$WORK/keys.text" \
   && grep -qx "ksh> echo typed on the Keyboard!" "$WORK/keys.text"; then
  pass "keys typed on the simulated keyboard reach the shell (kbd driver, shift, on serial and screen)"
else fail "keyboard input" "$WORK/keys.out"; fi
boot demo --seed 1 --headless --input Tests/System/demo-session.txt --screenshot "$WORK/demo.png" --screenshot-at input-end
if [ "$(cat "$WORK/demo.rc")" = 0 ] && grep -qx "demo: frame 12 shown; press Enter" "$WORK/demo.out" \
   && grep -qxF "[demo exited with status 0]" "$WORK/demo.out" \
   && [ "$(python3 tools/screentext.py --font Userland/data/Lat15-Terminus16.psf --fg ffffff --bg 000000 --origin 8,8 --rows 1 --columns 8 "$WORK/demo.png")" = "frame 12" ]; then
  pass "the demo leaves frame 12 on screen while it waits, then exits"; else fail "demo" "$WORK/demo.out"; fi
boot demoend --seed 1 --headless --input Tests/System/demo-session.txt --screenshot "$WORK/demoend.png"
if python3 tools/screentext.py --font Userland/data/Lat15-Terminus16.psf "$WORK/demoend.png" >"$WORK/demoend.text" \
   && grep -qxF "[demo exited with status 0]" "$WORK/demoend.text"; then
  pass "the console repaints its text when the demo gives the screen back"; else fail "console repaint after the demo"; fi

echo "==> Linux programs: busybox's sh (init argument 1) with make disk's FAT32 image at /disk, driven by Tests/System/linux-session.txt"
PROGRAM="$(dirname "$INITRD")/userland/initrd/ticker"
BUSYBOX="$(dirname "$INITRD")/linux/busybox" bash tools/mkdisk.sh "$WORK/linux.img" "$PROGRAM" >/dev/null 2>"$WORK/linux-mkdisk.err" || fail "tools/mkdisk.sh" "$WORK/linux-mkdisk.err"
cp "$WORK/linux.img" "$WORK/linuxb.img"
boot linux --seed 1 --init-arg 1 --disk "$WORK/linux.img" --input Tests/System/linux-session.txt
if [ "$(cat "$WORK/linux.rc")" = 0 ]; then pass "the Linux session ends, init exits 0"; else fail "Linux session exit status $(cat "$WORK/linux.rc")" "$WORK/linux.err"; fi
if bash Tests/System/check-linux.sh "$WORK/linux.out" "$WORK/linux.img"; then pass "Linux session: Tests/System/check-linux.sh"; else fail "Linux session" "$WORK/linux.out"; fi
boot linuxb --seed 1 --init-arg 1 --disk "$WORK/linuxb.img" --input Tests/System/linux-session.txt
if [ "$(hash_of linux)" = "$(hash_of linuxb)" ]; then pass "the Linux session replays exactly"; else fail "Linux session differs on replay"; fi

echo "==> kenix-sim on a terminal: Tests/System/terminal.py (a pseudo-terminal; raw mode, Ctrl-C while busy, Ctrl-A x, --record and --replay)"
python3 Tests/System/terminal.py "$SIM" "$INITRD" "$WORK" >"$WORK/terminal.log" 2>&1; rc=$?
sed 's/^/  /' "$WORK/terminal.log"
if [ $rc = 0 ]; then pass "the terminal session: $(tail -1 "$WORK/terminal.log")"; else fail "the terminal session (Tests/System/terminal.py)"; fi

echo "==> a window under Xvfb"
if command -v xvfb-run >/dev/null 2>&1; then
  xvfb-run -a "$SIM" run --initrd "$INITRD" --max-time 60s --seed 1 --input Tests/System/shell-session.txt \
    >"$WORK/xvfb.out" 2>"$WORK/xvfb.err" </dev/null; rc=$?
  if [ $rc -eq 0 ] && ! grep -q "running headless" "$WORK/xvfb.err" && grep -q "^trace hash: " "$WORK/xvfb.err"; then
    pass "a window opens (no fallback notice)"; else fail "window under Xvfb (rc $rc)" "$WORK/xvfb.err"; fi
  if [ "$(hash_of xvfb)" = "$(hash_of shell)" ] && cmp -s "$WORK/xvfb.out" "$WORK/shell.out"; then
    pass "with a window: the same output and trace hash as headless"; else fail "window run differs: $(hash_of xvfb) vs $(hash_of shell)"; fi
  # SDL is loaded on first use, not linked: a library that cannot be loaded
  # (here a file that is not one, found first) means headless, said why.
  mkdir -p "$WORK/nosdl"; echo "not a library" >"$WORK/nosdl/libSDL2-2.0.so.0"
  LD_LIBRARY_PATH="$WORK/nosdl" xvfb-run -a "$SIM" run --initrd "$INITRD" --max-time 60s --seed 1 --input Tests/System/shell-session.txt \
    >"$WORK/nosdl.out" 2>"$WORK/nosdl.err" </dev/null; rc=$?
  if [ $rc -eq 0 ] && grep -q "no window (SDL: cannot load SDL2 (libSDL2-2.0.so.0): .*); running headless" "$WORK/nosdl.err" &&
     [ "$(hash_of nosdl)" = "$(hash_of shell)" ] && cmp -s "$WORK/nosdl.out" "$WORK/shell.out"; then
    pass "SDL that cannot be loaded: headless with the reason, the same run"; else fail "SDL load failure (rc $rc)" "$WORK/nosdl.err"; fi
else
  echo "  skip xvfb-run is not installed (apt-get install xvfb): the window checks did not run"
fi

echo "==> the JSON trace (--trace-json), checked by Tests/System/check-trace-json.py against the text trace"
boot tracejson --seed 1 --trace "$WORK/trace.txt" --trace-json "$WORK/trace.json"
if [ "$(cat "$WORK/tracejson.rc")" = 0 ] && [ "$(hash_of tracejson)" = "$(hash_of seed1)" ] && cmp -s "$WORK/tracejson.out" "$WORK/seed1.out"; then
  pass "tracing changes nothing: the same output and trace hash as seed 1"; else fail "run with --trace-json differs from seed 1" "$WORK/tracejson.err"; fi
if python3 Tests/System/check-trace-json.py "$WORK/trace.json" "$WORK/trace.txt" --thread init >"$WORK/tracecheck.out" 2>&1; then
  pass "$(cat "$WORK/tracecheck.out")"; else fail "check-trace-json.py" "$WORK/tracecheck.out"; fi
# The checker must catch a slice left open and a flow that ends on the wrong thread.
sed '0,/"ph":"E","pid":1,"tid":[1-9]/{//d}' "$WORK/trace.json" >"$WORK/open.json"
sed '0,/"ph":"f"/s/"ph":"f","bp":"e","pid":1,"tid":[0-9]*/"ph":"f","bp":"e","pid":1,"tid":0/' "$WORK/trace.json" >"$WORK/misflow.json"
if ! python3 Tests/System/check-trace-json.py "$WORK/open.json" "$WORK/trace.txt" >/dev/null 2>&1 &&
   ! python3 Tests/System/check-trace-json.py "$WORK/misflow.json" "$WORK/trace.txt" >/dev/null 2>&1; then
  pass "the checker fails on a slice left open and on a misdirected flow"; else fail "check-trace-json.py accepts a broken trace"; fi
"$SIM" run --initrd "$INITRD" --seed 1 --max-time 20ms --trace-json "$WORK/limit.json" >/dev/null 2>&1 </dev/null; rc=$?
if [ $rc = 124 ] && python3 Tests/System/check-trace-json.py "$WORK/limit.json" --thread init >"$WORK/limitcheck.out" 2>&1; then
  pass "--max-time: the JSON trace is closed and valid"; else fail "--max-time JSON trace (rc $rc)" "$WORK/limitcheck.out"; fi
# SIGINT while the shell waits for a line that never comes (a FIFO held open).
mkfifo "$WORK/never"
"$SIM" run --initrd "$INITRD" --seed 1 --trace-json "$WORK/sigint.json" <"$WORK/never" >/dev/null 2>&1 &
simpid=$!
exec 9>"$WORK/never"
sleep 3; kill -INT $simpid
wait $simpid; rc=$?
exec 9>&-
if [ $rc = 130 ] && python3 Tests/System/check-trace-json.py "$WORK/sigint.json" --thread init >"$WORK/sigintcheck.out" 2>&1; then
  pass "SIGINT: the JSON trace is closed and valid"; else fail "SIGINT JSON trace (rc $rc)" "$WORK/sigintcheck.out"; fi
echo "==> the gdb stub: Tests/System/gdb.sh (gdb-multiarch against kenix-sim run --gdb)"
if KENIX_SIM=$SIM INITRD=$INITRD bash "$(dirname "$0")/gdb.sh" >"$WORK/gdb.log" 2>&1; then
  if grep -q "^  skip" "$WORK/gdb.log"; then grep "^  skip" "$WORK/gdb.log"
  else pass "gdb: break, variables, step, exit, reverse-stepi, watch, reverse-continue, determinism ($(grep -c '^  ok' "$WORK/gdb.log") checks)"; fi
else fail "the gdb stub (Tests/System/gdb.sh)" "$WORK/gdb.log"; fi

echo "==> the differential check: Tests/System/engines.sh (JIT and Unicorn engines)"
if KENIX_SIM=$SIM INITRD=$INITRD bash "$(dirname "$0")/engines.sh" >"$WORK/engines.log" 2>&1; then
  pass "both CPU engines give the same runs ($(grep -c '^  ok' "$WORK/engines.log") checks)"
else fail "the CPU engines disagree (Tests/System/engines.sh)" "$WORK/engines.log"; fi

echo "system: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# The Linux session's expectations, shared by every backend: checks the
# console log of a boot into busybox's sh (init argument 1) that was fed
# Tests/System/linux-session.txt, with an image made as `make disk` makes it
# (tools/mkdisk.sh with busybox) as data disk 0: the FAT32 volume at /disk.
# The acceptance script's output, once in /tmp and once on /disk, is compared
# byte for byte with the host's busybox (Tests/Linux/compare.sh); checksums of
# the disk's files with the host's md5sum of the same files read by mtools;
# the image with fsck.fat after the run.
# Usage: check-linux.sh LOG IMAGE   (prints one line per check; exit 1 on a failure)
set -uo pipefail
log=$1 image=$2
HERE=$(dirname "$0")
. "$HERE/../lib/tally.sh"
read_log "$log"

if bash "$HERE/../Linux/compare.sh" "$log" 2 >"$clean.compare" 2>&1; then
  pass "acceptance commands in /tmp and on the FAT disk: output identical to the host's busybox"
else
  fail "acceptance commands differ from the host's busybox" "$clean.compare"
fi
in_log "busybox sh started"                  -F "BusyBox v1.35.0"
in_log "signal handlers, frames, masks"      -Ex "lxsignals: [0-9]+ passed, 0 failed"
in_log "pipes between processes"             -Ex "lxpipes: [0-9]+ passed, 0 failed"
in_log "fork storms and wait statuses"       -Ex "lxfork: [0-9]+ passed, 0 failed"
# AT_HWCAP is KenixABI's CPUBaseline.hwcap (FP ASIMD AES PMULL SHA1 SHA2 CRC32), and what it
# advertises runs: on each kenix-sim engine and on QEMU's cortex-a72.
in_log "AT_HWCAP is the CPU baseline"        -Fx "lxcpu: AT_HWCAP 0xfb AT_HWCAP2 0x0"
in_log "its crypto and CRC32 instructions run" -Ex "lxcpu: [0-9]+ passed, 0 failed"
in_log "sh reports the segfault"             -Fx "Segmentation fault"
in_log "with status 128 + SIGSEGV"           -Fx "segv status 139"
in_log "and the system goes on"              -Fx "still here"
# kenix-sim's clock is simulated: exactly one second. QEMU's is the host's wall clock, which a
# loaded host stretches: its runner passes a looser SLEEP_1 pattern.
in_log "sleep 1 takes a second"              -Ex "real	0m ${SLEEP_1:-1\.00}s"
in_log "ls / shows the Linux layout"         -Ex "bin +boot +dev +disk +etc +proc +tmp"
in_log "ls /disk lists the FAT volume"       -Ex "Documents +bin +data +hello.txt"
in_log "cat of a file on /disk"              -Fx "This file was written by mtools; Kenix reads it through the block server."
in_log "cp onto /disk"                       -Fx "cp onto /disk: identical"
in_log "a Linux program runs from /disk"     -Fx "busybox runs from /disk"
export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8
for f in hello.txt data/random.bin; do
  sum=$(mcopy -n -i "$image" "::/$f" - 2>/dev/null | md5sum | cut -d' ' -f1)
  in_log "md5sum /disk/$f matches the host's"  -Fx "$sum  /disk/$f"
done
if fsck.fat -n "$image" >"$clean.fsck" 2>&1; then pass "fsck.fat -n: the volume is clean after the session"; else fail "fsck.fat -n" "$clean.fsck"; fi
if mcopy -n -i "$image" ::/copy.bin - 2>/dev/null | cmp -s - <(mcopy -n -i "$image" ::/data/random.bin -); then
  pass "mtools reads the copy busybox made, byte for byte"; else fail "the copy on the image"; fi
if mdir -b -i "$image" ::/accept >"$clean.mdir" 2>&1 && [ ! -s "$clean.mdir" ]; then pass "the acceptance scratch directory on /disk is empty again"; else fail "/disk/accept not emptied"; fi
unset MTOOLS_SKIP_CHECK LC_ALL
in_log "the fuzzer's calls all answered"     -Ex "lxfuzz: [0-9]+ passed, 0 failed"
in_log "unknown syscalls logged once"        -E "^linux: unsupported syscall 999 from pid [0-9]+: -ENOSYS$"
echo "linux: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Tests/QEMU/boot.sh: tier 3 of the test suite. Boots the AArch64 kernel image
# directly (-kernel, Linux arm64 Image protocol) on QEMU virt under TCG with
# the same initrd as kenix-sim, headless, and checks every self-test line,
# the summary, the fault diagnostics and that the kernel powered QEMU off
# (PSCI SYSTEM_OFF) by itself once the shell that init starts is told `exit`
# (typist.py types at the prompt, through the PL011's receive interrupts).
# The shell session of the system tests runs too, checked by the same
# Tests/System/check-shell.sh, and so does the swap session (24 MiB of RAM,
# Tests/System/check-swap.sh). A hang ends at the timeout with the serial
# log shown. Boots: GICv2 and GICv3 at EL1; GICv3 entered at EL2
# (virtualization=on, PSCI over SMC); 2 CPUs; RAM above 4 GB; no initrd;
# a deliberate kernel fault (panic report with a symbolized backtrace).
# Every boot gets a fresh, empty swap disk ($WORK/NAME.swap, SWAP_SIZE): a
# modern virtio-blk device with serial kenix-swap, as `make run-kernel`
# attaches. Two boots (GICv2, GICv3) run the HAL's disk self-test
# (-append kenix.disk-test); one has no disk at all; one a legacy transport.
# Display and keyboard (through screen.py: HMP monitor, sendkey, screendump):
# QEMU's ramfb with the HAL's kenix.fb-test pattern checked pixel for pixel in
# a screendump (Tests/QEMU/fb_pattern.py draws the expected picture); a
# virtio keyboard with kenix.kbd-test=4 and two keys typed by sendkey (a,
# shift-b: KEY_A 30, KEY_LEFTSHIFT 42, KEY_B 48); a boot without either.
# With ESP (a directory holding EFI/BOOT/BOOTAA64.EFI, kenix.img, initrd.cpio)
# and the AAVMF firmware, it also boots through UEFI with GICv2 and GICv3; the
# ESP is a (read-only) virtio-blk device too, which the HAL must not pick. A
# third UEFI boot proves the kernel's ramfb mode replaces the firmware's.
# A data disk (serial kenix-data0, through QEMU's blkdebug driver, which
# fails reads of sector 64 and writes of sector 80) runs blktest, checked by
# the same Tests/System/check-blk.sh and tools/blkcheck.py as in kenix-sim;
# QEMU's image locks and kenix-sim's (KENIX_SIM) keep each other off a disk.
# Last, Tests/QEMU/trace.sh: the kernel's trace ring (kenix.trace=ring).
# Usage: QEMU=qemu-system-aarch64 KERNEL=build/kenix.img INITRD=build/initrd.cpio \
#        ESP=build/esp OVMF_CODE=/usr/share/AAVMF/AAVMF_CODE.fd OVMF_VARS=/usr/share/AAVMF/AAVMF_VARS.fd \
#        SWAP_SIZE=64M TIMEOUT=120 KENIX_SIM=.build/debug/kenix-sim bash Tests/QEMU/boot.sh
set -uo pipefail
QEMU=${QEMU:-qemu-system-aarch64}
KERNEL=${KERNEL:-build/kenix.img}
INITRD=${INITRD:-build/initrd.cpio}
TIMEOUT=${TIMEOUT:-120}
ESP=${ESP:-}
OVMF_CODE=${OVMF_CODE:-/usr/share/AAVMF/AAVMF_CODE.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/AAVMF/AAVMF_VARS.fd}
SWAP_SIZE=${SWAP_SIZE:-64M}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
HERE=$(cd "$(dirname "$0")" && pwd)
# After the self-test init runs the shell (ksh); typing `exit` ends it, init
# exits and the kernel powers off. An initrd without the shell ignores it.
echo exit >"$WORK/exit.txt"
cat "$HERE/../System/shell-session.txt" "$WORK/exit.txt" >"$WORK/session.txt"
. "$(dirname "$0")/../lib/tally.sh"

# swap_disk NAME: a fresh, empty swap disk for boot NAME; its QEMU arguments in SWAP_ARGS.
swap_disk() {
  rm -f "$WORK/$1.swap"
  truncate -s "$SWAP_SIZE" "$WORK/$1.swap"
  SWAP_ARGS=(-drive "if=none,id=swap,format=raw,file=$WORK/$1.swap"
             -device virtio-blk-device,drive=swap,serial=kenix-swap -global virtio-mmio.force-legacy=false)
}

# uefi_boot NAME INPUT GIC [extra qemu args...]: boots $ESP through the firmware, with a swap disk.
uefi_boot() {
  local name=$1 input=$2 gic=$3; shift 3
  cp "$OVMF_VARS" "$WORK/$name.vars"
  swap_disk "$name"
  run_qemu "$name" "$input" -M "virt,gic-version=$gic,acpi=off" -cpu cortex-a72 -m 512M -nographic \
    -no-reboot -monitor none -serial stdio -net none \
    -drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE" -drive "if=pflash,format=raw,file=$WORK/$name.vars" \
    -drive "if=none,id=esp,format=raw,readonly=on,file=fat:$ESP" -device virtio-blk-device,drive=esp \
    "${SWAP_ARGS[@]}" "$@"
}

# run_qemu NAME INPUT ARGS...: runs QEMU headless; with INPUT (a file, or "-"
# for none) typed line by line at each shell prompt by typist.py. Serial log
# in $WORK/NAME.log (raw) and $WORK/NAME.out (no CRs or escapes), status in $WORK/NAME.rc.
run_qemu() {
  local name=$1 input=$2; shift 2
  local start=$(date +%s.%N)
  if [ "$input" = - ]; then
    timeout "$TIMEOUT" "$QEMU" "$@" </dev/null >"$WORK/$name.log" 2>&1
  else
    python3 "$HERE/typist.py" "$input" "$TIMEOUT" "$QEMU" "$@" >"$WORK/$name.log" 2>&1
  fi
  echo $? >"$WORK/$name.rc"
  tr -d '\r' <"$WORK/$name.log" | sed 's/\x1b\[[0-9;=]*[a-zA-Z]//g' >"$WORK/$name.out"
  printf '  (%s: %.2f s)\n' "$name" "$(echo "$(date +%s.%N) - $start" | bc)"
}

# run_screen NAME INPUT [screen.py steps...] -- QEMU ARGS...: as run_qemu, but
# through screen.py (QEMU's monitor on a socket for sendkey and screendump;
# no -monitor in ARGS); INPUT is typed at the shell prompts as typist.py does.
run_screen() {
  local name=$1 input=$2; shift 2
  local start=$(date +%s.%N) lines=()
  [ "$input" = - ] || lines=(--serial-lines "$input")
  python3 "$HERE/screen.py" --timeout "$TIMEOUT" "${lines[@]}" "$@" >"$WORK/$name.log" 2>&1
  echo $? >"$WORK/$name.rc"
  tr -d '\r' <"$WORK/$name.log" | sed 's/\x1b\[[0-9;=]*[a-zA-Z]//g' >"$WORK/$name.out"
  printf '  (%s: %.2f s)\n' "$name" "$(echo "$(date +%s.%N) - $start" | bc)"
}

# check_screen NAME PPM WIDTH HEIGHT: the screendump is kenix.fb-test's pattern, pixel for pixel.
check_screen() {
  local name=$1 dump=$2 w=$3 h=$4
  python3 "$HERE/fb_pattern.py" "$w" "$h" "$WORK/$name.expected.ppm"
  if [ -f "$dump" ] && python3 "$HERE/../../tools/image.py" compare "$WORK/$name.expected.ppm" "$dump" >"$WORK/$name.compare" 2>&1; then
    pass "$name: screendump is the fb-test pattern, ${w}x${h}, pixel for pixel"
  else fail "$name: screendump differs from the fb-test pattern" "$WORK/$name.compare"; fi
}

# boot NAME INPUT MACHINE MEM [extra qemu args...]: -kernel boot, with a
# swap disk unless DISK=none.
boot() {
  local name=$1 input=$2 machine=$3 mem=$4; shift 4
  SWAP_ARGS=()
  [ "${DISK:-}" = none ] || swap_disk "$name"
  run_qemu "$name" "$input" -M "$machine" -cpu cortex-a72 -m "$mem" -nographic -no-reboot \
    -monitor none -serial stdio -kernel "$KERNEL" "${SWAP_ARGS[@]}" "$@"
}

# The swap disk line of a boot whose disk is $WORK/NAME.swap.
check_swap_disk() {
  local name=$1 sectors=$(( $(stat -c %s "$WORK/$1.swap") / 512 ))
  if grep -Eq "^kenix: swap disk: virtio-blk at 0x[0-9a-f]+, INTID [0-9]+, $sectors sectors, serial kenix-swap$" "$WORK/$name.out"; then
    pass "$name: swap disk found by its serial ($sectors sectors)"; else fail "$name: swap disk" "$WORK/$name.out"; fi
}

check_selftest() {
  local name=$1 out="$WORK/$1.out" rc
  rc=$(cat "$WORK/$name.rc")
  if [ "$rc" = 0 ] && grep -qx "kenix: powering off (PSCI SYSTEM_OFF)" "$out"; then
    pass "$name: powered off by itself"
  elif [ "$rc" = 124 ]; then fail "$name: timed out after ${TIMEOUT}s" "$out"; return
  else fail "$name: QEMU exit status $rc" "$out"; fi
  for t in ipc shm preempt priority fault sleep errors files cfiles; do
    if grep -qx "PASS $t" "$out"; then pass "$name: self-test $t"; else fail "$name: self-test $t" "$out"; fi
  done
  if grep -qx "selftest: 9 passed, 0 failed" "$out"; then pass "$name: summary line"; else fail "$name: summary line" "$out"; fi
  if ! grep -q "^FAIL" "$out"; then pass "$name: no FAIL lines"; else fail "$name: FAIL lines" "$out"; fi
  if grep -Eq "^kenix: killed task [0-9]+ \(fault\): data abort \(translation fault, level [0-3]\) on read at 0x0, pc 0x[0-9a-f]+$" "$out" &&
     grep -Eq "^kenix: killed task [0-9]+ \(undef\): undefined instruction, pc 0x[0-9a-f]+$" "$out"; then
    pass "$name: fault diagnostic lines"; else fail "$name: fault diagnostic lines" "$out"; fi
  if grep -qx "kenix: init exited with status 0" "$out"; then pass "$name: init exit status 0"; else fail "$name: init exit status" "$out"; fi
  if grep -q "KERNEL PANIC" "$out"; then fail "$name: kernel panic" "$out"; fi
}

for f in "$KERNEL" "$INITRD"; do
  [ -f "$f" ] || { echo "missing $f (run: make kernel userland)"; exit 1; }
done

echo "==> tools/image.py: the image readers (PPM, QEMU's padded PPM, PNG with all five filters, RGB and RGBA)"
if python3 "$HERE/image_selftest.py" >"$WORK/ppm.out" 2>&1; then pass "image.py readers"; else fail "image.py readers" "$WORK/ppm.out"; fi

echo "==> QEMU virt, -kernel, GICv2"
boot gic2 "$WORK/exit.txt" virt,gic-version=2 512M -initrd "$INITRD"
check_selftest gic2
check_swap_disk gic2
grep -q "GICv2" "$WORK/gic2.out" && pass "gic2: GICv2 found in the device tree" || fail "gic2: GIC version" "$WORK/gic2.out"

echo "==> QEMU virt, -kernel, GICv3"
boot gic3 "$WORK/exit.txt" virt,gic-version=3 512M -initrd "$INITRD"
check_selftest gic3
grep -q "GICv3" "$WORK/gic3.out" && pass "gic3: GICv3 found in the device tree" || fail "gic3: GIC version" "$WORK/gic3.out"

echo "==> entered at EL2 (virtualization=on), GICv3, 2 CPUs"
boot el2 "$WORK/exit.txt" virt,gic-version=3,virtualization=on 512M -smp 2 -initrd "$INITRD"
check_selftest el2
grep -q "entered at EL2" "$WORK/el2.out" && pass "el2: dropped from EL2 to EL1" || fail "el2: entry EL" "$WORK/el2.out"

echo "==> the shell over the PL011 (receive interrupts), typed from Tests/System/shell-session.txt"
DISK=none boot shell "$WORK/session.txt" virt,gic-version=3 512M -initrd "$INITRD"
if [ "$(cat "$WORK/shell.rc")" = 0 ] && grep -qx "kenix: init exited with status 0" "$WORK/shell.out"; then
  pass "shell: the session ends with exit, init exits 0"; else fail "shell: exit status $(cat "$WORK/shell.rc")" "$WORK/shell.out"; fi
if bash "$HERE/../System/check-shell.sh" "$WORK/shell.out" >"$WORK/shell.checks"; then
  pass "shell: Tests/System/check-shell.sh (the checks kenix-sim passes)"
else fail "shell: Tests/System/check-shell.sh" "$WORK/shell.checks"; sed 's/^/       | /' "$WORK/shell.out" | tail -40; fi

echo "==> supervision: the console server killed mid-session, typed from Tests/System/restart-session.txt"
cat "$HERE/../System/restart-session.txt" "$WORK/exit.txt" >"$WORK/restart-session.txt"
boot restart "$WORK/restart-session.txt" virt,gic-version=3 512M -initrd "$INITRD"
if [ "$(cat "$WORK/restart.rc")" = 0 ] && grep -qx "kenix: init exited with status 0" "$WORK/restart.out"; then
  pass "restart: the session ends with exit, init exits 0"; else fail "restart: exit status $(cat "$WORK/restart.rc")" "$WORK/restart.out"; fi
if bash "$HERE/../System/check-restart.sh" "$WORK/restart.out" >"$WORK/restart.checks"; then
  pass "restart: Tests/System/check-restart.sh (the checks kenix-sim passes)"
else fail "restart: Tests/System/check-restart.sh" "$WORK/restart.checks"; sed 's/^/       | /' "$WORK/restart.out" | tail -40; fi

echo "==> swapping: 24 MiB of RAM and the swap disk, typed from Tests/System/swap-session.txt"
cat "$HERE/../System/swap-session.txt" "$WORK/exit.txt" >"$WORK/swap-session.txt"
boot swap "$WORK/swap-session.txt" virt,gic-version=3 24M -initrd "$INITRD"
if [ "$(cat "$WORK/swap.rc")" = 0 ] && grep -qx "kenix: init exited with status 0" "$WORK/swap.out"; then
  pass "swap: the session ends with exit, init exits 0"; else fail "swap: exit status $(cat "$WORK/swap.rc")" "$WORK/swap.out"; fi
if bash "$HERE/../System/check-swap.sh" "$WORK/swap.out" >"$WORK/swap.checks"; then
  pass "swap: Tests/System/check-swap.sh (the checks kenix-sim passes)"
else fail "swap: Tests/System/check-swap.sh" "$WORK/swap.checks"; sed 's/^/       | /' "$WORK/swap.out" | tail -40; fi

echo "==> a data disk (serial kenix-data0) and the block server: blktest with blkdebug faults, typed from Tests/System/blk-session.txt"
# The same faults kenix-sim's --disk-fail injects: reads of sector 64 and
# writes of sector 80 fail with EIO (QEMU's blkdebug driver; a rule matches
# every request that covers its sector).
printf '[inject-error]\nevent = "read_aio"\niotype = "read"\nsector = "64"\nerrno = "5"\n\n[inject-error]\nevent = "write_aio"\niotype = "write"\nsector = "80"\nerrno = "5"\n' >"$WORK/blkdebug.cfg"
truncate -s 8M "$WORK/data.img"
cat "$HERE/../System/blk-session.txt" "$WORK/exit.txt" >"$WORK/blk-session.txt"
boot blk "$WORK/blk-session.txt" virt,gic-version=3 512M -initrd "$INITRD" \
  -drive "if=none,id=data0,format=raw,file.driver=blkdebug,file.config=$WORK/blkdebug.cfg,file.image.filename=$WORK/data.img" \
  -device virtio-blk-device,drive=data0,serial=kenix-data0
check_swap_disk blk
if grep -Eq "^kenix: data disk 0: virtio-blk at 0x[0-9a-f]+, INTID [0-9]+, 16384 sectors, serial kenix-data0, write cache$" "$WORK/blk.out"; then
  pass "blk: data disk 0 found by its serial, beside the swap disk"; else fail "blk: data disk line" "$WORK/blk.out"; fi
if [ "$(cat "$WORK/blk.rc")" = 0 ] && grep -qx "kenix: init exited with status 0" "$WORK/blk.out"; then
  pass "blk: the session ends with exit, init exits 0"; else fail "blk: exit status $(cat "$WORK/blk.rc")" "$WORK/blk.out"; fi
if bash "$HERE/../System/check-blk.sh" "$WORK/blk.out" >"$WORK/blk.checks"; then
  pass "blk: Tests/System/check-blk.sh (the checks kenix-sim passes)"
else fail "blk: Tests/System/check-blk.sh" "$WORK/blk.checks"; sed 's/^/       | /' "$WORK/blk.out" | tail -40; fi
if python3 "$HERE/../../tools/blkcheck.py" "$WORK/data.img" >"$WORK/blk.check" 2>&1; then
  pass "blk: the disk file, byte for byte (tools/blkcheck.py)"; else fail "blk: the disk file" "$WORK/blk.check"; fi

echo "==> the file server's FAT32 volume on a data disk (DISK=): Tests/System/disk-session.txt, the same transcript as kenix-sim"
PROGRAM="$(dirname "$INITRD")/userland/initrd/ticker"
if command -v mkfs.fat >/dev/null && [ -f "$PROGRAM" ]; then
  bash "$HERE/../../tools/mkdisk.sh" "$WORK/fat.img" "$PROGRAM" >/dev/null
  cp "$WORK/fat.img" "$WORK/fatsim.img"
  cat "$HERE/../System/disk-session.txt" "$WORK/exit.txt" >"$WORK/disk-session.txt"
  # 128 MiB, as kenix-sim's default: the RAM file system's size (df) follows RAM.
  # The real-time clock starts where kenix-sim's --epoch does (2026-01-01 00:00 UTC); the
  # transcripts compare with the times masked (QEMU's clock runs on while it boots).
  boot fat "$WORK/disk-session.txt" virt,gic-version=3 128M -initrd "$INITRD" -rtc base=2026-01-01T00:00:00 \
    -drive "if=none,id=data0,format=raw,file=$WORK/fat.img" -device virtio-blk-device,drive=data0,serial=kenix-data0
  if bash "$HERE/../System/check-disk.sh" "$WORK/fat.out" "$WORK/fat.img" >"$WORK/fat.checks"; then
    pass "fat: Tests/System/check-disk.sh (the log, fsck.fat, mtools)"; else fail "fat: the disk session" "$WORK/fat.checks"; fi
  if [ -n "${KENIX_SIM:-}" ] && [ -x "$KENIX_SIM" ]; then
    "$KENIX_SIM" run --initrd "$INITRD" --no-display --seed 1 --disk "$WORK/fatsim.img" \
      --input "$HERE/../System/disk-session.txt" >"$WORK/fatsim.out" 2>/dev/null </dev/null
    transcript() { tr -d '\r' <"$1" | sed -n '/^ksh> ls \/disk$/,/^ksh> sync$/p' | sed -E 's/  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}  /  DATE TIME  /'; }
    if [ "$(transcript "$WORK/fat.out" | wc -l)" -gt 20 ] && diff <(transcript "$WORK/fatsim.out") <(transcript "$WORK/fat.out") >"$WORK/fat.diff"; then
      pass "fat: the session's transcript is the same in kenix-sim (--disk) and on QEMU (DISK=)"
    else fail "fat: kenix-sim and QEMU transcripts differ" "$WORK/fat.diff"; fi
  fi
else
  echo "  skip mkfs.fat or $PROGRAM is missing (make deps userland)"
fi

echo "==> a disk is never opened twice for writing: QEMU's image locks against kenix-sim's"
truncate -s 1M "$WORK/locked.img"
LOCKED=(-drive "if=none,id=data0,format=raw,file=$WORK/locked.img" -device virtio-blk-device,drive=data0,serial=kenix-data0
        -global virtio-mmio.force-legacy=false)
timeout 30 "$QEMU" -S -M virt -cpu cortex-a72 -m 128M -nographic -monitor none -serial null -kernel "$KERNEL" "${LOCKED[@]}" \
  >"$WORK/lockq.log" 2>&1 & qemu=$!
sleep 1
if [ -n "${KENIX_SIM:-}" ] && [ -x "$KENIX_SIM" ]; then
  "$KENIX_SIM" run --initrd "$INITRD" --no-display --disk "$WORK/locked.img" </dev/null >"$WORK/locksim.out" 2>&1; rc=$?
  if [ $rc = 75 ] && grep -q "in use by another program" "$WORK/locksim.out"; then
    pass "kenix-sim refuses a disk QEMU has open (status 75)"; else fail "kenix-sim on QEMU's disk (rc $rc)" "$WORK/locksim.out"; fi
fi
timeout 30 "$QEMU" -M virt -cpu cortex-a72 -m 128M -nographic -monitor none -serial null -kernel "$KERNEL" "${LOCKED[@]}" \
  >"$WORK/lockq2.log" 2>&1; rc=$?
if [ $rc != 0 ] && grep -q 'Failed to get "write" lock' "$WORK/lockq2.log"; then
  pass "a second QEMU refuses the disk"; else fail "a second QEMU on the same disk (rc $rc)" "$WORK/lockq2.log"; fi
kill $qemu 2>/dev/null; wait $qemu 2>/dev/null
if [ -n "${KENIX_SIM:-}" ] && [ -x "$KENIX_SIM" ]; then
  ( echo $BASHPID >"$WORK/lock.feeder"; exec sleep 30 ) | "$KENIX_SIM" run --initrd "$INITRD" --no-display \
    --disk "$WORK/locked.img" >/dev/null 2>&1 & sim=$!
  sleep 1
  timeout 30 "$QEMU" -M virt -cpu cortex-a72 -m 128M -nographic -monitor none -serial null -kernel "$KERNEL" "${LOCKED[@]}" \
    >"$WORK/lockq3.log" 2>&1; rc=$?
  if [ $rc != 0 ] && grep -Eq 'Failed to (get "write" lock|lock byte)' "$WORK/lockq3.log"; then
    pass "QEMU refuses a disk kenix-sim has open"; else fail "QEMU on kenix-sim's disk (rc $rc)" "$WORK/lockq3.log"; fi
  kill -TERM $sim 2>/dev/null; wait $sim 2>/dev/null
  kill "$(cat "$WORK/lock.feeder")" 2>/dev/null
fi

echo "==> the end of piped input ends the run (as \`printf ... | make run-kernel\` does)"
printf 'echo piped\n' >"$WORK/piped.txt"
timeout "$TIMEOUT" python3 "$HERE/typist.py" --eot "$WORK/piped.txt" "$TIMEOUT" "$QEMU" -M virt,gic-version=3 \
  -cpu cortex-a72 -m 256M -nographic -no-reboot -monitor none -serial stdio -kernel "$KERNEL" -initrd "$INITRD" \
  >"$WORK/piped.log" 2>&1; rc=$?
if [ $rc = 0 ] && grep -qx "piped" <(tr -d '\r' <"$WORK/piped.log") && grep -q "powering off" "$WORK/piped.log"; then
  pass "piped input: Ctrl-D at the end exits the shell, init and QEMU"
else fail "piped input (rc $rc)" "$WORK/piped.log"; fi

for g in 2 3; do
  echo "==> the HAL's disk self-test (-append kenix.disk-test), GICv$g"
  boot disktest$g "$WORK/exit.txt" virt,gic-version=$g 512M -initrd "$INITRD" -append kenix.disk-test
  check_selftest disktest$g
  check_swap_disk disktest$g
  sectors=$(( $(stat -c %s "$WORK/disktest$g.swap") / 512 ))
  if grep -qx "disk-test: ok ($sectors sectors)" "$WORK/disktest$g.out"; then
    pass "disktest$g: disk-test: ok ($sectors sectors)"; else fail "disktest$g: disk-test line" "$WORK/disktest$g.out"; fi
  # The test's two 4 KB patterns reached the image file (sectors 0..15).
  if [ "$(head -c 8192 "$WORK/disktest$g.swap" | tr -d '\0' | wc -c)" -gt 8000 ]; then
    pass "disktest$g: the patterns are in the image file"; else fail "disktest$g: image file unchanged"; fi
done

echo "==> no disk, display or keyboard at all (hal.disk, .display, .keyboard == nil): boots as before"
DISK=none boot nodisk "$WORK/exit.txt" virt,gic-version=3 512M -initrd "$INITRD" \
  -append "kenix.disk-test kenix.fb-test kenix.kbd-test=2"
check_selftest nodisk
if grep -qx "kenix: no writable virtio-blk disk: no swap" "$WORK/nodisk.out" &&
   grep -qx "disk-test: FAILED no writable virtio-blk disk" "$WORK/nodisk.out"; then
  pass "nodisk: no swap disk, reported"; else fail "nodisk: disk report" "$WORK/nodisk.out"; fi
if grep -qx "kenix: display: none (no -device ramfb)" "$WORK/nodisk.out" &&
   grep -qx "kenix: keyboard: none (no virtio-keyboard-device)" "$WORK/nodisk.out" &&
   grep -qx "fb-test: FAILED no ramfb display" "$WORK/nodisk.out" &&
   grep -qx "kbd-test: FAILED no virtio keyboard" "$WORK/nodisk.out"; then
  pass "nodisk: no display, no keyboard, reported"; else fail "nodisk: display/keyboard report" "$WORK/nodisk.out"; fi

echo "==> ramfb and the HAL's display self-test (kenix.fb-test kenix.fb=800x600), screendump after power-off"
# No initrd: the kernel stops right after the self-test, so nothing but the
# HAL has drawn; -no-shutdown keeps QEMU (and its display) after power-off.
run_screen fbtest - -e 'wait ^kenix: boot failed' -e "screendump $WORK/fbtest.ppm" -e quit -- \
  "$QEMU" -M virt,gic-version=3 -cpu cortex-a72 -m 256M -display none -no-reboot -no-shutdown \
  -kernel "$KERNEL" -device ramfb -append "kenix.fb-test kenix.fb=800x600"
if [ "$(cat "$WORK/fbtest.rc")" = 0 ] && grep -Eq "^kenix: display: ramfb 800x600 XR24 at 0x[0-9a-f]+$" "$WORK/fbtest.out" &&
   grep -qx "fb-test: drawn 800x600" "$WORK/fbtest.out"; then
  pass "fbtest: ramfb 800x600 configured, pattern drawn"; else fail "fbtest: display lines" "$WORK/fbtest.out"; fi
check_screen fbtest "$WORK/fbtest.ppm" 800 600

printf '%s\n' "kbd-test: waiting for 4 key events" "kbd-test: code 30 pressed" "kbd-test: code 30 released" \
  "kbd-test: code 42 pressed" "kbd-test: code 48 pressed" "kbd-test: ok" >"$WORK/kbdtest.expected"
for g in 2 3; do
  echo "==> virtio keyboard and the HAL's keyboard self-test (kenix.kbd-test=4, sendkey a, shift-b), GICv$g"
  # A tablet too (virtio-input, not a keyboard: skipped); ramfb with a bad kenix.fb (warned, default mode).
  swap_disk kbdtest$g
  run_screen kbdtest$g "$WORK/exit.txt" -e 'wait ^kbd-test: waiting' -e 'sendkey a' -e 'sendkey shift-b' -- \
    "$QEMU" -M virt,gic-version=$g -cpu cortex-a72 -m 512M -display none -no-reboot -kernel "$KERNEL" \
    -initrd "$INITRD" "${SWAP_ARGS[@]}" -device virtio-keyboard-device -device virtio-tablet-device -device ramfb \
    -append "kenix.kbd-test=4 kenix.fb=10x10"
  check_selftest kbdtest$g
  check_swap_disk kbdtest$g
  if grep -Eq '^kenix: keyboard: virtio-input "QEMU Virtio Keyboard" at 0x[0-9a-f]+, INTID [0-9]+, [0-9]+ event buffers$' "$WORK/kbdtest$g.out" &&
     grep -Eq '^kenix: virtio-input "QEMU Virtio Tablet" at 0x[0-9a-f]+: not a keyboard \(no KEY_A\), not used$' "$WORK/kbdtest$g.out"; then
    pass "kbdtest$g: the keyboard found, the tablet skipped"; else fail "kbdtest$g: keyboard discovery" "$WORK/kbdtest$g.out"; fi
  if grep "^kbd-test:" "$WORK/kbdtest$g.out" | diff "$WORK/kbdtest.expected" - >"$WORK/kbdtest$g.diff"; then
    pass "kbdtest$g: KEY_A pressed, released, KEY_LEFTSHIFT, KEY_B pressed, then ok"
  else fail "kbdtest$g: kbd-test lines" "$WORK/kbdtest$g.diff"; fi
  if grep -qx "kenix: display: kenix.fb=10x10 ignored (want WxH, each 64..4096); using 640x480" "$WORK/kbdtest$g.out" &&
     grep -Eq "^kenix: display: ramfb 640x480 XR24 at 0x[0-9a-f]+$" "$WORK/kbdtest$g.out"; then
    pass "kbdtest$g: bad kenix.fb warned, default mode"; else fail "kbdtest$g: kenix.fb warning" "$WORK/kbdtest$g.out"; fi
done

echo "==> a legacy (version 1) virtio-mmio disk: skipped with a hint"
truncate -s 1M "$WORK/legacy.swap"
DISK=none boot legacy - virt 256M -drive "if=none,id=swap,format=raw,file=$WORK/legacy.swap" \
  -device virtio-blk-device,drive=swap,serial=kenix-swap
if grep -Eq "^kenix: virtio-blk at 0x[0-9a-f]+: legacy \(version 1\) transport skipped; pass -global virtio-mmio.force-legacy=false$" "$WORK/legacy.out" &&
   grep -qx "kenix: no writable virtio-blk disk: no swap" "$WORK/legacy.out"; then
  pass "legacy: skipped with the force-legacy=false hint"; else fail "legacy transport" "$WORK/legacy.out"; fi

echo "==> 5 GB of RAM (linear map beyond 4 GB), GICv2"
boot bigmem "$WORK/exit.txt" virt,gic-version=2 5G -initrd "$INITRD"
check_selftest bigmem

echo "==> no initrd: a clear error, then power-off"
boot noinitrd - virt 256M
if [ "$(cat "$WORK/noinitrd.rc")" = 0 ] && grep -q "boot failed: no initrd" "$WORK/noinitrd.out"; then
  pass "no initrd: clear error and power-off"; else fail "no initrd" "$WORK/noinitrd.out"; fi

echo "==> kernel panic (-append kenix.panic-test): registers, symbolized backtrace, power-off"
boot panic - virt 256M -initrd "$INITRD" -append kenix.panic-test
if [ "$(cat "$WORK/panic.rc")" = 0 ] && grep -q "KERNEL PANIC: exception from EL1" "$WORK/panic.out" &&
   grep -Eq "ESR 0x0*96000004 .*FAR 0xffff800000000000" "$WORK/panic.out" &&
   grep -Eq "^  x30 0x[0-9a-f]{16}  sp  0x" "$WORK/panic.out" &&
   grep -Eq "^    0x[0-9a-f]{16} kenixMain\(" "$WORK/panic.out" &&
   grep -Eq "^    0x[0-9a-f]{16} high_entry\+0x" "$WORK/panic.out"; then
  pass "panic: registers, symbolized backtrace, power-off"; else fail "panic report" "$WORK/panic.out"; fi

if [ -n "$ESP" ] && [ -f "$ESP/EFI/BOOT/BOOTAA64.EFI" ] && [ -f "$OVMF_CODE" ]; then
  for g in 2 3; do
    echo "==> UEFI (AAVMF, ESP $ESP), GICv$g$([ $g = 3 ] && echo ", a data disk")"
    DATA=()
    if [ $g = 3 ]; then   # data disk 0 as `make run DISK=...` attaches it, and a read-only data disk 1
      truncate -s 4M "$WORK/uefi.data"
      truncate -s 1M "$WORK/uefi.ro"
      DATA=(-drive "if=none,id=data1,format=raw,readonly=on,file=$WORK/uefi.ro" -device virtio-blk-device,drive=data1,serial=kenix-data1
            -drive "if=none,id=data0,format=raw,file=$WORK/uefi.data" -device virtio-blk-device,drive=data0,serial=kenix-data0)
    fi
    uefi_boot uefi$g "$WORK/exit.txt" $g "${DATA[@]}"
    check_selftest uefi$g
    if [ $g = 3 ]; then
      if grep -Eq "^kenix: data disk 0: virtio-blk at 0x[0-9a-f]+, INTID [0-9]+, 8192 sectors, serial kenix-data0, write cache$" "$WORK/uefi3.out" &&
         grep -Eq "^kenix: data disk 1: virtio-blk at 0x[0-9a-f]+, INTID [0-9]+, 2048 sectors, serial kenix-data1, read-only" "$WORK/uefi3.out"; then
        pass "uefi3: data disks 0 and 1 (read-only) by serial, beside the ESP and the swap disk"; else fail "uefi3: data disk lines" "$WORK/uefi3.out"; fi
    fi
    if grep -q "kenix: booted by the UEFI loader; reserved [0-9]* firmware ranges" "$WORK/uefi$g.out" &&
       grep -q "GICv$g" "$WORK/uefi$g.out"; then
      pass "uefi$g: loader handover (memory map, initrd) and GICv$g"; else fail "uefi$g: handover" "$WORK/uefi$g.out"; fi
    check_swap_disk uefi$g
    if grep -Eq "^kenix: virtio-blk at 0x[0-9a-f]+: read-only, not used$" "$WORK/uefi$g.out"; then
      pass "uefi$g: the ESP (read-only virtio-blk) is not the swap disk"; else fail "uefi$g: ESP" "$WORK/uefi$g.out"; fi
  done

  echo "==> UEFI with ramfb: the firmware's mode (AAVMF QemuRamfbDxe, 800x600) replaced by the kernel's 640x480"
  # Boot arguments reach the UEFI path through fw_cfg (QEMU refuses -append
  # without -kernel); kenix.init=none stops the kernel after the self-test.
  cp "$OVMF_VARS" "$WORK/uefifb.vars"
  run_screen uefifb - -e 'wait BdsDxe: (loading|starting)' -e 'monitor stop' -e "screendump $WORK/uefifb.firmware.ppm" \
    -e 'monitor cont' -e 'wait ^kenix: boot failed' -e "screendump $WORK/uefifb.ppm" -e quit -- \
    "$QEMU" -M virt,gic-version=3,acpi=off -cpu cortex-a72 -m 512M -display none -no-reboot -no-shutdown -net none \
    -drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE" -drive "if=pflash,format=raw,file=$WORK/uefifb.vars" \
    -drive "if=none,id=esp,format=raw,readonly=on,file=fat:$ESP" -device virtio-blk-device,drive=esp \
    -global virtio-mmio.force-legacy=false -device ramfb \
    -fw_cfg "name=opt/kenix/bootargs,string=kenix.fb-test kenix.init=none"
  if [ "$(cat "$WORK/uefifb.rc")" = 0 ] && grep -Eq "^kenix: display: ramfb 640x480 XR24 at 0x[0-9a-f]+$" "$WORK/uefifb.out" &&
     grep -qx "fb-test: drawn 640x480" "$WORK/uefifb.out" && grep -qx "kenix: boot failed: no init in the initrd" "$WORK/uefifb.out"; then
    pass "uefifb: boot arguments through fw_cfg, ramfb 640x480"; else fail "uefifb: display lines" "$WORK/uefifb.out"; fi
  if [ "$(python3 "$HERE/../../tools/image.py" info "$WORK/uefifb.firmware.ppm" 2>&1 | cut -d' ' -f1)" = 800x600 ]; then
    pass "uefifb: the firmware had set ramfb up (800x600)"; else fail "uefifb: firmware mode" "$WORK/uefifb.out"; fi
  check_screen uefifb "$WORK/uefifb.ppm" 640 480
else
  echo "==> UEFI boots skipped (set ESP=build/esp and install qemu-efi-aarch64: make fetch-ovmf)"
fi

echo "==> the trace ring: Tests/QEMU/trace.sh (kenix.trace=ring, tools/trace-to-json.py)"
if QEMU=$QEMU KERNEL=$KERNEL INITRD=$INITRD TIMEOUT=$TIMEOUT KENIX_SIM=${KENIX_SIM:-} bash "$HERE/trace.sh" >"$WORK/trace.log" 2>&1; then
  pass "trace ring ($(grep -c '^  ok' "$WORK/trace.log") checks)"; else fail "Tests/QEMU/trace.sh" "$WORK/trace.log"; fi

echo "==> QEMU boot tests: $passed passed, $failed failed"
[ "$failed" = 0 ]

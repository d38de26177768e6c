#!/usr/bin/env bash
# Tests/QEMU/boot.sh: tier 3 of the test suite. Boots the AArch64 kernel image
# directly (-kernel, Linux arm64 Image protocol) on QEMU virt under TCG with
# the same initrd as kenix-sim, headless, and checks every self-test line,
# the summary, the fault diagnostics and that the kernel powered QEMU off
# (PSCI SYSTEM_OFF) by itself once the shell that init starts is told `exit`
# (typist.py types at the prompt, through the PL011's receive interrupts).
# The shell session of the system tests runs too, checked by the same
# Tests/System/check-shell.sh, and so does the swap session (16 MiB of RAM,
# Tests/System/check-swap.sh). A hang ends at the timeout with the serial
# log shown. Boots: GICv2 and GICv3 at EL1; GICv3 entered at EL2
# (virtualization=on, PSCI over SMC); 2 CPUs; RAM above 4 GB; no initrd;
# a deliberate kernel fault (panic report with a symbolized backtrace).
# Every boot gets a fresh, empty swap disk ($WORK/NAME.swap, SWAP_SIZE): a
# modern virtio-blk device with serial kenix-swap, as `make run-kernel`
# attaches. Two boots (GICv2, GICv3) run the HAL's disk self-test
# (-append kenix.disk-test); one has no disk at all; one a legacy transport.
# With ESP (a directory holding EFI/BOOT/BOOTAA64.EFI, kenix.img, initrd.cpio)
# and the AAVMF firmware, it also boots through UEFI with GICv2 and GICv3; the
# ESP is a (read-only) virtio-blk device too, which the HAL must not pick.
# Usage: QEMU=qemu-system-aarch64 KERNEL=build/kenix.img INITRD=build/initrd.cpio \
#        ESP=build/esp OVMF_CODE=/usr/share/AAVMF/AAVMF_CODE.fd OVMF_VARS=/usr/share/AAVMF/AAVMF_VARS.fd \
#        SWAP_SIZE=64M TIMEOUT=120 bash Tests/QEMU/boot.sh
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
passed=0
failed=0

pass() { echo "  ok   $1"; passed=$((passed + 1)); }
fail() { echo "  FAIL $1"; failed=$((failed + 1)); [ -n "${2:-}" ] && sed 's/^/       | /' "$2" | tail -60; }

# swap_disk NAME: a fresh, empty swap disk for boot NAME; its QEMU arguments in SWAP_ARGS.
swap_disk() {
  rm -f "$WORK/$1.swap"
  truncate -s "$SWAP_SIZE" "$WORK/$1.swap"
  SWAP_ARGS=(-drive "if=none,id=swap,format=raw,file=$WORK/$1.swap"
             -device virtio-blk-device,drive=swap,serial=kenix-swap -global virtio-mmio.force-legacy=false)
}

# uefi_boot NAME INPUT GIC: boots $ESP through the firmware, with a swap disk.
uefi_boot() {
  local name=$1 input=$2 gic=$3
  cp "$OVMF_VARS" "$WORK/$name.vars"
  swap_disk "$name"
  run_qemu "$name" "$input" -M "virt,gic-version=$gic,acpi=off" -cpu cortex-a72 -m 512M -nographic \
    -no-reboot -monitor none -serial stdio -net none \
    -drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE" -drive "if=pflash,format=raw,file=$WORK/$name.vars" \
    -drive "if=none,id=esp,format=raw,readonly=on,file=fat:$ESP" -device virtio-blk-device,drive=esp \
    "${SWAP_ARGS[@]}"
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
  for t in ipc shm preempt priority fault sleep errors; do
    if grep -qx "PASS $t" "$out"; then pass "$name: self-test $t"; else fail "$name: self-test $t" "$out"; fi
  done
  if grep -qx "selftest: 7 passed, 0 failed" "$out"; then pass "$name: summary line"; else fail "$name: summary line" "$out"; fi
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
boot shell "$WORK/session.txt" virt,gic-version=3 512M -initrd "$INITRD"
if [ "$(cat "$WORK/shell.rc")" = 0 ] && grep -qx "kenix: init exited with status 0" "$WORK/shell.out"; then
  pass "shell: the session ends with exit, init exits 0"; else fail "shell: exit status $(cat "$WORK/shell.rc")" "$WORK/shell.out"; fi
if bash "$HERE/../System/check-shell.sh" "$WORK/shell.out" >"$WORK/shell.checks"; then
  pass "shell: Tests/System/check-shell.sh (the checks kenix-sim passes)"
else fail "shell: Tests/System/check-shell.sh" "$WORK/shell.checks"; sed 's/^/       | /' "$WORK/shell.out" | tail -40; fi

echo "==> swapping: 16 MiB of RAM and the swap disk, typed from Tests/System/swap-session.txt"
cat "$HERE/../System/swap-session.txt" "$WORK/exit.txt" >"$WORK/swap-session.txt"
boot swap "$WORK/swap-session.txt" virt,gic-version=3 16M -initrd "$INITRD"
if [ "$(cat "$WORK/swap.rc")" = 0 ] && grep -qx "kenix: init exited with status 0" "$WORK/swap.out"; then
  pass "swap: the session ends with exit, init exits 0"; else fail "swap: exit status $(cat "$WORK/swap.rc")" "$WORK/swap.out"; fi
if bash "$HERE/../System/check-swap.sh" "$WORK/swap.out" >"$WORK/swap.checks"; then
  pass "swap: Tests/System/check-swap.sh (the checks kenix-sim passes)"
else fail "swap: Tests/System/check-swap.sh" "$WORK/swap.checks"; sed 's/^/       | /' "$WORK/swap.out" | tail -40; fi

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

echo "==> no disk at all (hal.disk == nil): boots as before"
DISK=none boot nodisk "$WORK/exit.txt" virt,gic-version=3 512M -initrd "$INITRD" -append kenix.disk-test
check_selftest nodisk
if grep -qx "kenix: no writable virtio-blk disk: no swap" "$WORK/nodisk.out" &&
   grep -qx "disk-test: FAILED no writable virtio-blk disk" "$WORK/nodisk.out"; then
  pass "nodisk: no swap disk, reported"; else fail "nodisk: disk report" "$WORK/nodisk.out"; fi

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
    echo "==> UEFI (AAVMF, ESP $ESP), GICv$g"
    uefi_boot uefi$g "$WORK/exit.txt" $g
    check_selftest uefi$g
    if grep -q "kenix: booted by the UEFI loader; reserved [0-9]* firmware ranges" "$WORK/uefi$g.out" &&
       grep -q "GICv$g" "$WORK/uefi$g.out"; then
      pass "uefi$g: loader handover (memory map, initrd) and GICv$g"; else fail "uefi$g: handover" "$WORK/uefi$g.out"; fi
    check_swap_disk uefi$g
    if grep -Eq "^kenix: virtio-blk at 0x[0-9a-f]+: read-only, not used$" "$WORK/uefi$g.out"; then
      pass "uefi$g: the ESP (read-only virtio-blk) is not the swap disk"; else fail "uefi$g: ESP" "$WORK/uefi$g.out"; fi
  done
else
  echo "==> UEFI boots skipped (set ESP=build/esp and install qemu-efi-aarch64: make fetch-ovmf)"
fi

echo "==> QEMU boot tests: $passed passed, $failed failed"
[ "$failed" = 0 ]

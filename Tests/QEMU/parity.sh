#!/usr/bin/env bash
# Tests/QEMU/parity.sh: the same initrd draws the same pixels in kenix-sim and
# on QEMU. For each scene, kenix-sim (headless) takes a screenshot when its
# typed input is used up and the machine waits (--screenshot-at input-end),
# and QEMU (ramfb, virtio keyboard) gets the same lines typed on its serial
# console by Tests/QEMU/screen.py, which takes a screendump at the same point.
# The two images must be identical, pixel for pixel:
#   - the console: Tests/System/screen-session.txt, also read back glyph by
#     glyph against the font (Tests/System/check-screen.sh) on both;
#   - the demo: Tests/System/demo-session.txt ("run demo 12"), frame 12,
#     chosen by frame number (the demo waits for Enter after drawing it).
# Then the keyboard path on QEMU: a command typed with sendkey on the virtio
# keyboard reaches the shell through the kbd driver.
# Usage: KENIX_SIM=.build/debug/kenix-sim QEMU=qemu-system-aarch64 KERNEL=build/kenix.img \
#        INITRD=build/initrd.cpio bash Tests/QEMU/parity.sh
set -uo pipefail
SIM=${KENIX_SIM:-.build/debug/kenix-sim}
QEMU=${QEMU:-qemu-system-aarch64}
KERNEL=${KERNEL:-build/kenix.img}
INITRD=${INITRD:-build/initrd.cpio}
TIMEOUT=${TIMEOUT:-120}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$HERE/../..
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
. "$ROOT/Tests/lib/tally.sh"

QEMU_ARGS=(-M virt,gic-version=3 -cpu cortex-a72 -m 512M -display none -no-reboot
           -kernel "$KERNEL" -initrd "$INITRD" -device ramfb -device virtio-keyboard-device
           -global virtio-mmio.force-legacy=false)
# screen NAME STEPS...: runs QEMU under screen.py; serial log in $WORK/NAME.log
screen() {
  local name=$1; shift
  python3 "$HERE/screen.py" --timeout "$TIMEOUT" --log "$WORK/$name.log" "$@" -- "$QEMU" "${QEMU_ARGS[@]}" \
    >"$WORK/$name.out" 2>&1
}
# steps_for SESSION: screen.py steps typing each line of SESSION at a prompt.
steps_for() {
  while IFS= read -r line; do printf -- "-e\0wait ksh> \$\0-e\0type %s\0" "$line"; done <"$1"
}
same() {   # same NAME SIM-IMAGE QEMU-IMAGE
  if python3 "$ROOT/tools/image.py" compare "$2" "$3" >"$WORK/$1.compare" 2>&1; then
    pass "$1: kenix-sim and QEMU drew identical pixels ($(cut -d' ' -f2 "$WORK/$1.compare"))"
  else fail "$1: the screens differ" "$WORK/$1.compare"; fi
}

echo "==> the console: Tests/System/screen-session.txt"
"$SIM" run --initrd "$INITRD" --max-time 60s --seed 1 --headless --input "$ROOT/Tests/System/screen-session.txt" \
  --screenshot "$WORK/console.png" --screenshot-at input-end >"$WORK/sim-console.out" 2>&1 </dev/null
mapfile -d '' steps < <(steps_for "$ROOT/Tests/System/screen-session.txt")
screen console "${steps[@]}" -e 'wait ksh> $' -e 'sleep 0.5' -e "screendump $WORK/console.ppm" -e 'type exit'
for shot in "$WORK/console.png" "$WORK/console.ppm"; do
  if bash "$ROOT/Tests/System/check-screen.sh" "$shot" >"$WORK/check.out" 2>&1; then
    pass "console: $(basename "$shot") reads back as the session (check-screen.sh)"; else fail "console: $(basename "$shot")" "$WORK/check.out"; fi
done
same console "$WORK/console.png" "$WORK/console.ppm"

echo "==> the demo: Tests/System/demo-session.txt, frame 12"
"$SIM" run --initrd "$INITRD" --max-time 60s --seed 1 --headless --input "$ROOT/Tests/System/demo-session.txt" \
  --screenshot "$WORK/demo.png" --screenshot-at input-end >"$WORK/sim-demo.out" 2>&1 </dev/null
screen demo -e 'wait ksh> $' -e 'type run demo 12' -e 'wait demo: frame 12 shown' -e 'sleep 0.5' \
  -e "screendump $WORK/demo.ppm" -e 'type ' -e 'wait ksh> $' -e 'type exit'
label=$(python3 "$ROOT/tools/screentext.py" --font "$ROOT/Userland/data/Lat15-Terminus16.psf" --fg ffffff --bg 000000 \
  --origin 8,8 --rows 1 --columns 8 "$WORK/demo.ppm" 2>&1)
if [ "$label" = "frame 12" ]; then pass "demo: QEMU shows frame 12"; else fail "demo: QEMU's label reads '$label'" "$WORK/demo.log"; fi
same demo "$WORK/demo.png" "$WORK/demo.ppm"

echo "==> the keyboard on QEMU: sendkey on the virtio keyboard, through the kbd driver"
screen keys -e 'wait ksh> $' -e 'keys echo typed on the Keyboard!' -e 'sendkey ret' -e 'wait ^typed on the Keyboard!' \
  -e 'wait ksh> $' -e "screendump $WORK/keys.ppm" -e 'type exit'
if grep -q "^typed on the Keyboard!" <(tr -d '\r' <"$WORK/keys.log") \
   && python3 "$ROOT/tools/screentext.py" --font "$ROOT/Userland/data/Lat15-Terminus16.psf" "$WORK/keys.ppm" >"$WORK/keys.text" \
   && grep -qx "ksh> echo typed on the Keyboard!" "$WORK/keys.text"; then
  pass "keys typed on the virtio keyboard reach the shell (serial and screen)"; else fail "virtio keyboard input" "$WORK/keys.out"; fi

echo "==> parity: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

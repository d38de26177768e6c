#!/usr/bin/env bash
# System tests, tier 2: boot the real initrd in kenix-sim and check every
# self-test line, determinism by seed, clear errors for bad boot images, the
# shell session, swapping (little RAM and a swap file) and the display
# (headless fallback, screenshots, a window under Xvfb); then the
# differential check of the two CPU engines (engines.sh).
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

echo "==> swapping: 8 MiB of RAM and a swap file, driven by Tests/System/swap-session.txt"
boot swap --seed 1 --ram 8M --swap "$WORK/swap.img" --input Tests/System/swap-session.txt
if [ "$(cat "$WORK/swap.rc")" = 0 ]; then pass "the swap session ends, init exits 0"; else fail "swap session exit status $(cat "$WORK/swap.rc")" "$WORK/swap.err"; fi
if bash Tests/System/check-swap.sh "$WORK/swap.out"; then pass "swap session output"; else fail "swap session output" "$WORK/swap.out"; fi
if [ "$(stat -c %s "$WORK/swap.img" 2>/dev/null)" = $((64 << 20)) ]; then pass "--swap makes a 64 MiB file by default"; else fail "swap file size"; fi
boot swapb --seed 1 --ram 8M --swap "$WORK/swap.img" --input Tests/System/swap-session.txt
if [ "$(hash_of swap)" = "$(hash_of swapb)" ] && cmp -s "$WORK/swap.out" "$WORK/swapb.out"; then
  pass "a swapping run replays exactly (an old swap file changes nothing)"; else fail "swapping run differs on replay"; fi
"$SIM" run --initrd "$INITRD" --swap "$WORK/no/such/dir/swap.img" >"$WORK/badswap.out" 2>&1 </dev/null; rc=$?
if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -q "swap.img" "$WORK/badswap.out"; then pass "unusable swap file: clear error"; else fail "unusable swap file (rc $rc)" "$WORK/badswap.out"; fi
"$SIM" run --initrd "$INITRD" --swap "$WORK/s.img" --swap-size 100 >"$WORK/badsize.out" 2>&1 </dev/null; rc=$?
if [ $rc -eq 64 ] && grep -q "swap-size" "$WORK/badsize.out"; then pass "bad --swap-size: clear error"; else fail "bad --swap-size (rc $rc)" "$WORK/badsize.out"; fi

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

echo "==> a window under Xvfb"
if command -v xvfb-run >/dev/null 2>&1; then
  xvfb-run -a "$SIM" run --initrd "$INITRD" --max-time 60s --seed 1 --input Tests/System/shell-session.txt \
    >"$WORK/xvfb.out" 2>"$WORK/xvfb.err" </dev/null; rc=$?
  if [ $rc -eq 0 ] && ! grep -q "running headless" "$WORK/xvfb.err" && grep -q "^trace hash: " "$WORK/xvfb.err"; then
    pass "a window opens (no fallback notice)"; else fail "window under Xvfb (rc $rc)" "$WORK/xvfb.err"; fi
  if [ "$(hash_of xvfb)" = "$(hash_of shell)" ] && cmp -s "$WORK/xvfb.out" "$WORK/shell.out"; then
    pass "with a window: the same output and trace hash as headless"; else fail "window run differs: $(hash_of xvfb) vs $(hash_of shell)"; fi
else
  echo "  skip xvfb-run is not installed (apt-get install xvfb): the window checks did not run"
fi

echo "==> the differential check: Tests/System/engines.sh (JIT and Unicorn engines)"
if KENIX_SIM=$SIM INITRD=$INITRD bash "$(dirname "$0")/engines.sh" >"$WORK/engines.log" 2>&1; then
  pass "both CPU engines give the same runs ($(grep -c '^  ok' "$WORK/engines.log") checks)"
else fail "the CPU engines disagree (Tests/System/engines.sh)" "$WORK/engines.log"; fi

echo "system: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

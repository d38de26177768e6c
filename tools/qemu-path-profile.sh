#!/usr/bin/env bash
# tools/qemu-path-profile.sh: where a hot kernel path spends its instructions
# on QEMU. Boots PROGRAM as init (kenix.init=PROGRAM kenix.arg=ARG) under
# QEMU's gdb stub, lets the kernel return to user space SKIP times (to reach
# the program's steady loop), then single-steps STEPS instructions and prints
# how many of them fell in each function (user code as "<user>").
# Single-stepping under the gdb stub masks interrupts, so the path is the
# program's own, with no timer tick in it. The instruction counts of
# Tests/QEMU/bench.sh say how much; this says where.
# Usage: tools/qemu-path-profile.sh PROGRAM [ARG] [SKIP] [STEPS]
#   e.g. tools/qemu-path-profile.sh ipcbench 20000 2000 2600
# PCS=FILE also keeps the stepped program counters, one per line, in FILE
# (llvm-objdump -d build/kenix.elf shows what each one is).
set -euo pipefail
PROGRAM=${1:?usage: tools/qemu-path-profile.sh PROGRAM [ARG] [SKIP] [STEPS]}
ARG=${2:-20000}; SKIP=${3:-2000}; STEPS=${4:-3000}
QEMU=${QEMU:-qemu-system-aarch64}; GDB=${GDB:-gdb-multiarch}
ELF=${ELF:-build/kenix.elf}; KERNEL=${KERNEL:-build/kenix.img}; INITRD=${INITRD:-build/initrd.cpio}
PORT=${PORT:-1239}
for f in "$ELF" "$KERNEL" "$INITRD"; do [ -f "$f" ] || { echo "qemu-path-profile: $f missing (make kernel userland)" >&2; exit 1; }; done

WORK=$(mktemp -d); trap 'kill ${QPID:-} 2>/dev/null || true; rm -rf "$WORK"' EXIT
"$QEMU" -M virt,gic-version=3 -cpu cortex-a53 -m 256M -display none -monitor none -serial null \
  -icount shift=0,align=off,sleep=off -kernel "$KERNEL" -initrd "$INITRD" \
  -append "kenix.init=$PROGRAM kenix.arg=$ARG" -gdb tcp::$PORT -S &
QPID=$!
sleep 1
echo "==> $PROGRAM: skipping $SKIP returns to user space, then stepping $STEPS instructions (a minute or two)" >&2
cat >"$WORK/step.gdb" <<EOF
set pagination off
set confirm off
set architecture aarch64
file $ELF
target remote :$PORT
break kenix_enter_user
ignore 1 $SKIP
continue
delete
python
out = open("$WORK/pcs", "w")
for _ in range($STEPS):
    out.write("%x\n" % int(gdb.parse_and_eval("\$pc")))
    gdb.execute("stepi", to_string=True)
out.close()
end
kill
quit
EOF
"$GDB" -q -batch -x "$WORK/step.gdb" >/dev/null 2>&1 || true
[ -s "$WORK/pcs" ] || { echo "qemu-path-profile: gdb recorded nothing" >&2; exit 1; }
[ -z "${PCS:-}" ] || cp "$WORK/pcs" "$PCS"
llvm-nm -n --defined-only "$ELF" | grep ' [tTwW] ' >"$WORK/syms"
python3 - "$WORK/pcs" "$WORK/syms" <<'EOF'
import bisect, subprocess, sys
pcs = [int(l, 16) for l in open(sys.argv[1]) if l.strip()]
addrs, names = [], []
for line in open(sys.argv[2]):
    a, _, n = line.split(None, 2)
    addrs.append(int(a, 16)); names.append(n.strip())
demangled = subprocess.run(["swift-demangle", "--simplified", "--compact"], input="\n".join(names),
                           capture_output=True, text=True).stdout.split("\n")
counts, order = {}, []
for pc in pcs:
    if pc < 0xffff000000000000:
        name = "<user>"
    else:
        i = bisect.bisect_right(addrs, pc) - 1
        name = demangled[i] if i >= 0 else "?"
    if name not in counts: order.append(name)
    counts[name] = counts.get(name, 0) + 1
print(f"{len(pcs)} instructions stepped")
for name in sorted(counts, key=lambda n: -counts[n]):
    print(f"{counts[name]:7d}  {name[:150]}")
EOF

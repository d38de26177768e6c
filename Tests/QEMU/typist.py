#!/usr/bin/env python3
"""typist.py: drives a QEMU serial console the way a person types into it.

Runs COMMAND (QEMU with -serial stdio), copies everything it prints to
stdout, and sends the next line of INPUT only when the console shows the
shell prompt ("ksh> "), so the echo and the output interleave as they do in
kenix-sim (which hands input to the console when the shell asks for it).
After the last line it sends nothing more, unless --eot is given: then it
sends Ctrl-D at the next prompt, as a terminal does at the end of input, so
the shell exits, init exits and the machine powers off. Exits with QEMU's
status, or 124 after TIMEOUT seconds (0: no limit).
Usage: typist.py [--eot] INPUT TIMEOUT COMMAND...
"""
import os, select, subprocess, sys, time

def main():
    args = sys.argv[1:]
    eot = args[:1] == ["--eot"]
    if eot:
        args = args[1:]
    lines = open(args[0], "rb").read().splitlines(keepends=True)
    if eot:
        lines.append(b"\x04")
    timeout = float(args[1])
    proc = subprocess.Popen(args[2:], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout if timeout > 0 else float("inf")
    tail = b""
    out = sys.stdout.buffer
    fd = proc.stdout.fileno()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            proc.kill(); proc.wait()
            out.write(b"\ntypist: timed out\n"); out.flush()
            return 124
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        out.write(chunk); out.flush()
        tail = (tail + chunk.replace(b"\r", b""))[-64:]
        if tail.endswith(b"ksh> ") and lines:
            tail = b""
            try:
                proc.stdin.write(lines.pop(0)); proc.stdin.flush()
            except BrokenPipeError:
                pass
    return proc.wait()

if __name__ == "__main__":
    sys.exit(main())

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

As a module: SerialConsole is the same console for other scripts (screen.py).
"""
import os, select, subprocess, sys, time

PROMPT = b"ksh> "


class SerialConsole:
    """COMMAND as a child process whose stdin/stdout are the serial console.

    Output is copied to `out` as it arrives and kept in `text` (CRs removed).
    `lines` are typed one at a time, each when the shell prompt appears.
    """

    def __init__(self, command, lines=(), out=None):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.lines = list(lines)
        self.out = out if out is not None else sys.stdout.buffer
        self.text = bytearray()
        self.closed = False
        self._tail = b""
        self._fd = self.proc.stdout.fileno()

    def pump(self, seconds):
        """Reads what arrives within `seconds` (returns after the first chunk);
        False once the console has closed (QEMU exited)."""
        if self.closed:
            return False
        ready, _, _ = select.select([self._fd], [], [], max(seconds, 0))
        if not ready:
            return True
        chunk = os.read(self._fd, 4096)
        if not chunk:
            self.closed = True
            return False
        self.out.write(chunk)
        self.out.flush()
        clean = chunk.replace(b"\r", b"")
        self.text += clean
        self._tail = (self._tail + clean)[-64:]
        if self._tail.endswith(PROMPT) and self.lines:
            self._tail = b""
            self.send(self.lines.pop(0))
        return True

    def send(self, data):
        """Types `data` (bytes) on the console now."""
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass

    def kill(self):
        self.proc.kill()
        self.proc.wait()


def main():
    args = sys.argv[1:]
    eot = args[:1] == ["--eot"]
    if eot:
        args = args[1:]
    lines = open(args[0], "rb").read().splitlines(keepends=True)
    if eot:
        lines.append(b"\x04")
    timeout = float(args[1])
    console = SerialConsole(args[2:], lines)
    deadline = time.monotonic() + timeout if timeout > 0 else float("inf")
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            console.kill()
            console.out.write(b"\ntypist: timed out\n"); console.out.flush()
            return 124
        if not console.pump(min(left, 1.0)):
            break
    return console.proc.wait()


if __name__ == "__main__":
    sys.exit(main())

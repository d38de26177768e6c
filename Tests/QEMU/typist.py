#!/usr/bin/env python3
"""typist.py: drives a QEMU serial console the way a person types into it.

Runs COMMAND (QEMU with -serial stdio), copies everything it prints to
stdout, and sends the next line of INPUT only when the console shows the
shell prompt ("ksh> "), so the echo and the output interleave as they do in
kenix-sim (which hands input to the console when the shell asks for it).
After the last line it sends nothing more, unless --eot is given: then it
sends Ctrl-D at the next prompt, as a terminal does at the end of input, so
the shell exits, init exits and the machine powers off. Exits with QEMU's
status, or 124 after TIMEOUT seconds (0: no limit). --prompt TEXT (repeatable)
adds a prompt to wait for besides "ksh> " (busybox sh: "# ", and "> " for
continuation lines). A line "@sleep SECONDS" in INPUT waits that long after
the prompt instead of typing; a line "@ctrl-c" types Ctrl-C half a second
after the next output, without waiting for a prompt (a program is running);
"@ctrl-c TEXT" waits until TEXT has appeared since the last line was typed
(the program says it runs: a Ctrl-C typed while busybox's line editor still
has the terminal is a character, not a signal).
Usage: typist.py [--eot] [--prompt TEXT]... INPUT TIMEOUT COMMAND...

As a module: SerialConsole is the same console for other scripts (screen.py).
"""
import os, re, select, subprocess, sys, time

PROMPT = b"ksh> "
PROMPTS = [PROMPT]


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
        self._since_typed = b""
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
        self._since_typed += clean
        while self.lines and self.lines[0].startswith(b"@ctrl-c"):
            wanted = self.lines[0][len(b"@ctrl-c"):].strip()
            if wanted and wanted not in self._since_typed:
                break
            self.lines.pop(0)
            time.sleep(0.5)
            self.send(b"\x03")
        # Prompts are matched without terminal escapes (busybox asks for the
        # cursor position, ESC [ 6 n, right after its prompt).
        tail = re.sub(rb"\x1b\[[0-9;?]*[a-zA-Z]", b"", self._tail)
        if any(tail.endswith(p) for p in PROMPTS) and self.lines:
            self._tail = b""
            line = self.lines.pop(0)
            self._since_typed = b""
            if line.startswith(b"@sleep "):
                time.sleep(float(line.split()[1]))
                if self.lines and not self.lines[0].startswith(b"@"):
                    self.send(self.lines.pop(0))
            else:
                self.send(line)
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
    while args[:1] == ["--prompt"]:
        PROMPTS.append(args[1].encode())
        args = args[2:]
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

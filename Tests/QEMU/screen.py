#!/usr/bin/env python3
"""screen.py: scripts a QEMU run through its serial console, its keyboard and its screen.

Runs QEMU ARGS with the serial console on screen.py's pipes (-serial stdio,
added unless ARGS choose a -serial) and an HMP monitor on a UNIX socket
(-monitor unix:PATH,server=on,wait=off, added; ARGS must not choose a
-monitor). Everything the console prints is copied to stdout (and --log).
Lines of --serial-lines FILE are typed one per shell prompt, in the
background, exactly as typist.py does (same code). Meanwhile the STEPS run in
order (each -e STEP, then each line of --script FILE; '#' starts a comment):

  wait REGEX       wait until REGEX (Python re, MULTILINE) matches the serial
                   output after the end of the previous wait's match, so two
                   `wait ksh> ` steps wait for two different prompts
  type LINE        type LINE and a newline on the serial console now
  keys TEXT        type TEXT through the guest's keyboard: one HMP `sendkey`
                   per character, e.g. `B` is `sendkey shift-b`; in TEXT, \\n is
                   Return, \\t Tab, \\\\ a backslash
  sendkey COMBO    one HMP sendkey of QEMU key names: `sendkey ctrl-alt-delete`
  screendump FILE  HMP `screendump FILE` (binary PPM); returns once the file
                   holds every pixel its header announces
  monitor CMD      any HMP command; its answer goes to stderr
  sleep SECONDS
  quit             HMP `quit`: QEMU exits at once

After the last step screen.py waits for QEMU to exit (e.g. the guest powers
off). The whole run is bounded by --timeout. Exit status: QEMU's (0 after
`quit`), 124 on timeout (the step that waited is named), 1 when a step fails.

Example: type "help" at the first prompt, wait for the next prompt, take a
screendump, then type "exit" (the guest powers off and QEMU ends):
  screen.py --timeout 120 -e 'wait ksh> $' -e 'type help' -e 'wait ksh> $' \\
      -e 'screendump out.ppm' -e 'type exit' -- qemu-system-aarch64 -M virt \\
      -cpu cortex-a72 -m 512M -display none -kernel build/kenix.img \\
      -initrd build/initrd.cpio -device ramfb
With -no-shutdown in ARGS, QEMU stays up (stopped) after the guest powers
off, so a screendump can still be taken then; end such runs with `quit`.
"""
import argparse, os, re, socket, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from typist import SerialConsole  # noqa: E402
import image as ppm  # noqa: E402  (tools/image.py)

# Characters to QEMU key names (QKeyCode, as HMP sendkey spells them) on a US layout.
KEY_NAMES = {" ": "spc", "\n": "ret", "\t": "tab", "-": "minus", "=": "equal",
             "[": "bracket_left", "]": "bracket_right", "\\": "backslash", ";": "semicolon",
             "'": "apostrophe", "`": "grave_accent", ",": "comma", ".": "dot", "/": "slash"}
SHIFTED = {"!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7", "*": "8",
           "(": "9", ")": "0", "_": "-", "+": "=", "{": "[", "}": "]", "|": "\\", ":": ";",
           '"': "'", "~": "`", "<": ",", ">": ".", "?": "/"}


def key_combo(ch):
    """The sendkey argument that types character `ch`."""
    if ch.isascii() and (ch.islower() or ch.isdigit()):
        return ch
    if ch.isascii() and ch.isupper():
        return "shift-" + ch.lower()
    if ch in KEY_NAMES:
        return KEY_NAMES[ch]
    if ch in SHIFTED:
        return "shift-" + key_combo(SHIFTED[ch])
    raise ValueError(f"no key types {ch!r}")


def unescape(text):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


class Timeout(Exception):
    pass


class Monitor:
    """QEMU's HMP monitor on a UNIX socket."""
    PROMPT = b"(qemu) "

    def __init__(self, path, deadline, run):
        self.run = run                  # keeps the serial console flowing while we wait
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                self.sock.close()
                if time.monotonic() > deadline:
                    raise Timeout("connecting to the monitor")
                run.pump(0.05)
        self.sock.setblocking(False)
        self.buffer = b""
        self._read_until_prompt(deadline)

    def _read_until_prompt(self, deadline):
        while not self.buffer.endswith(self.PROMPT):
            if time.monotonic() > deadline:
                raise Timeout("waiting for the monitor")
            try:
                chunk = self.sock.recv(4096)
                if not chunk:
                    raise RuntimeError("the monitor closed")
                self.buffer += chunk
            except BlockingIOError:
                self.run.pump(0.02)
        answer, self.buffer = self.buffer[:-len(self.PROMPT)], b""
        return answer

    def command(self, cmd, deadline):
        """Runs HMP `cmd`; returns its output (without the echo and escapes)."""
        self.sock.sendall(cmd.encode() + b"\n")
        if cmd.strip() == "quit":
            return ""
        answer = self._read_until_prompt(deadline).decode(errors="replace")
        answer = re.sub(r"\x1b\[[0-9;]*[A-Za-z]|\r", "", answer)
        lines = answer.split("\n")
        return "\n".join(lines[1:]).strip()     # the first line echoes the command


class Run:
    def __init__(self, command, lines, log):
        self.console = SerialConsole(command, lines, out=Tee(sys.stdout.buffer, log))
        self.cursor = 0                 # the next wait searches from here

    def pump(self, seconds):
        return self.console.pump(seconds)

    def wait_for(self, regex, deadline):
        pattern = re.compile(regex.encode(), re.MULTILINE)
        while True:
            m = pattern.search(self.console.text, self.cursor)
            if m:
                self.cursor = m.end()
                return
            if time.monotonic() > deadline:
                raise Timeout(f"wait {regex}")
            if not self.pump(min(0.2, max(deadline - time.monotonic(), 0))):
                raise RuntimeError(f"QEMU exited while waiting for {regex!r}")

    def idle(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end and self.pump(end - time.monotonic()):
            pass


class Tee:
    def __init__(self, *files):
        self.files = [f for f in files if f]

    def write(self, data):
        for f in self.files:
            f.write(data)

    def flush(self):
        for f in self.files:
            f.flush()


def ppm_complete(path):
    """The PPM holds every pixel its header announces (rows padded or not,
    see ppm.read_ppm) and has stopped growing."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            head = f.read(64)
    except FileNotFoundError:
        return False
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", head)
    if not m or size - m.end() not in ppm.ppm_sizes(int(m.group(1)), int(m.group(2))):
        return False
    time.sleep(0.05)
    return os.path.getsize(path) == size


def run_step(step, run, monitor, deadline):
    verb, _, arg = step.partition(" ")
    if verb == "wait":
        run.wait_for(arg, deadline)
    elif verb == "type":
        run.console.send(arg.encode() + b"\n")
    elif verb == "keys":
        for ch in unescape(arg):
            monitor.command("sendkey " + key_combo(ch), deadline)
    elif verb == "sendkey":
        monitor.command("sendkey " + arg.strip(), deadline)
    elif verb == "screendump":
        path = os.path.abspath(arg.strip())
        if os.path.exists(path):
            os.unlink(path)
        answer = monitor.command("screendump " + path, deadline)
        if answer:
            raise RuntimeError(f"screendump: {answer}")
        while not ppm_complete(path):
            if time.monotonic() > deadline:
                raise Timeout(f"screendump {path}")
            run.pump(0.05)
    elif verb == "monitor":
        print(monitor.command(arg, deadline), file=sys.stderr)
    elif verb == "sleep":
        run.idle(float(arg))
    elif verb == "quit":
        monitor.command("quit", deadline)
    else:
        raise ValueError(f"unknown step {step!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-e", "--step", action="append", default=[], metavar="STEP",
                        help="a step (repeatable; run in order)")
    parser.add_argument("--script", metavar="FILE", help="more steps, one per line")
    parser.add_argument("--serial-lines", metavar="FILE",
                        help="lines typed one per shell prompt (ksh> ), as typist.py types")
    parser.add_argument("--eot", action="store_true",
                        help="after the serial lines, type Ctrl-D at the next prompt (as typist.py --eot)")
    parser.add_argument("--timeout", type=float, default=120, metavar="S",
                        help="seconds for the whole run (default 120)")
    parser.add_argument("--log", metavar="FILE", help="also write the serial output here")
    parser.add_argument("qemu", nargs=argparse.REMAINDER, metavar="-- QEMU ARGS",
                        help="the QEMU command line")
    args = parser.parse_args()
    command = args.qemu[1:] if args.qemu[:1] == ["--"] else args.qemu
    if not command:
        parser.error("no QEMU command given (after --)")
    if "-monitor" in command:
        parser.error("the QEMU arguments must not choose a -monitor: screen.py adds its own")
    steps = list(args.step)
    if args.script:
        for line in open(args.script):
            line = line.rstrip("\n")
            if line.strip() and not line.lstrip().startswith("#"):
                steps.append(line.strip())
    lines = open(args.serial_lines, "rb").read().splitlines(keepends=True) if args.serial_lines else []
    if args.eot:
        lines.append(b"\x04")

    workdir = tempfile.mkdtemp(prefix="screen-")
    sock = os.path.join(workdir, "monitor.sock")
    command += ["-monitor", f"unix:{sock},server=on,wait=off"]
    if "-serial" not in command:
        command += ["-serial", "stdio"]
    log = open(args.log, "wb") if args.log else None
    deadline = time.monotonic() + args.timeout
    run = Run(command, lines, log)
    status = None
    try:
        monitor = Monitor(sock, deadline, run)
        for step in steps:
            run_step(step, run, monitor, deadline)
        while run.pump(min(1.0, deadline - time.monotonic())):
            if time.monotonic() > deadline:
                raise Timeout("QEMU to exit")
    except Timeout as t:
        sys.stdout.flush()
        print(f"\nscreen.py: timed out after {args.timeout:g}s ({t})", file=sys.stderr)
        status = 124
    except (RuntimeError, ValueError, OSError) as e:
        print(f"\nscreen.py: {e}", file=sys.stderr)
        status = 1
    if status is not None:
        run.console.kill()
    else:
        status = run.console.proc.wait()
    if log:
        log.close()
    try:
        os.unlink(sock)
    except OSError:
        pass
    os.rmdir(workdir)
    return status


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""kenix-sim on a real terminal: a pseudo-terminal from Python's pty module.

Boots busybox's sh (init argument 1) with stdin and stdout on the pty's
slave, and checks, one "ok"/"FAIL" line each:
  - the terminal is raw while kenix-sim runs (no ICANON, ECHO, ISIG; OPOST
    kept) and exactly as before once it has ended;
  - a typed line is echoed once (by the guest; the host does not echo);
  - Ctrl-C typed while a child sh runs a loop without syscalls reaches it
    (SIGINT via the Linux server's terminal) and the prompt comes back (a
    child, not the interactive sh: ash's SIGINT handler longjmps out of
    wherever the loop was, now and then out of glibc's release of a stdio
    lock, which then stays held: Tests/QEMU/linux.sh says more);
  - Ctrl-A x quits (status 0), and --record wrote the keys with their moments;
  - --replay of that recording, without a terminal, gives the same console
    output and the same trace hash and simulated time;
  - with --realtime, `sleep 5` takes host time and Ctrl-C typed during it
    ends it after 1 to 4 seconds of the guest's clock;
  - SIGTERM restores the terminal too, and so does a crash (SIGABRT);
  - a recorded session stopped by SIGTERM replays to the same point and the same status;
  - --record without a terminal, --replay with --input, and a missing or
    malformed --replay file are clear usage errors.
Usage: terminal.py KENIX_SIM INITRD WORKDIR   (exit 1 on a failure)
"""
import os, pty, re, select, signal, subprocess, sys, termios, time

sim, initrd, work = sys.argv[1:4]
passed = failed = 0


def check(ok, name, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("  ok   " + name)
    else:
        failed += 1
        print("  FAIL " + name)
        for line in str(detail).splitlines()[-30:]:
            print("       | " + line)


class Session:
    """kenix-sim on a fresh pty; `out` is everything it printed there."""

    def __init__(self, name, *flags):
        self.master, self.slave = pty.openpty()
        termios.tcsetattr(self.slave, termios.TCSANOW, termios.tcgetattr(self.slave))
        self.before = termios.tcgetattr(self.slave)
        self.err_path = os.path.join(work, name + ".err")
        self.err = open(self.err_path, "wb")
        self.proc = subprocess.Popen(
            [sim, "run", "--initrd", initrd, "--init-arg", "1", "--seed", "1", "--no-display",
             "--max-time", "600s", *flags],
            stdin=self.slave, stdout=self.slave, stderr=self.err, close_fds=True)
        self.out = b""

    def read(self, seconds):
        """Reads what comes for `seconds` (or until kenix-sim has ended)."""
        end = time.time() + seconds
        while time.time() < end:
            r, _, _ = select.select([self.master], [], [], 0.05)
            if r:
                try:
                    self.out += os.read(self.master, 65536)
                except OSError:
                    break
            elif self.proc.poll() is not None:
                break

    def wait_for(self, pattern, seconds, start=0):
        """Reads until `pattern` (bytes regex) appears after offset `start`."""
        end = time.time() + seconds
        while time.time() < end:
            if re.search(pattern, self.out[start:]):
                return True
            self.read(0.1)
        return bool(re.search(pattern, self.out[start:]))

    def type(self, data):
        os.write(self.master, data)

    def prompt(self, start, seconds=60):
        return self.wait_for(rb"# (\x1b\[6n)?$", seconds, start)

    def finish(self, seconds=60):
        try:
            rc = self.proc.wait(seconds)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.read(0.2)
        self.err.close()
        self.after = termios.tcgetattr(self.slave)
        os.close(self.slave)
        os.close(self.master)
        return rc

    def stderr(self):
        return open(self.err_path, "rb").read().decode(errors="replace")


def field(text, name):
    m = re.search("^" + name + r": (.*)$", text, re.M)
    return m.group(1) if m else None


record = os.path.join(work, "keys.txt")
s = Session("live", "--record", record)
booted = s.prompt(0, 90)
check(booted, "busybox's sh prompts on the pty", s.out[-2000:].decode(errors="replace"))
mode = termios.tcgetattr(s.slave)
lflag, oflag = mode[3], mode[1]
check(not lflag & (termios.ICANON | termios.ECHO | termios.ISIG) and oflag & termios.OPOST,
      "the terminal is raw while kenix-sim runs (no ICANON, ECHO, ISIG; OPOST kept)")

mark = len(s.out)
s.type(b"echo typed-$((6*7))\r")
got = s.prompt(mark + 1, 30)
text = s.out[mark:].decode(errors="replace")
check(got and "typed-42" in text and text.count("echo typed-$((6*7))") == 1,
      "a typed line is echoed once and runs", text)

mark = len(s.out)
s.type(b"sh -c 'while :; do :; done'\r")
s.read(1.0)
busy = not re.search(rb"# (\x1b\[6n)?$", s.out[mark:])
s.type(b"\x03")
back = s.prompt(mark + 1, 30)
text = s.out[mark:].decode(errors="replace")
check(busy and back and "^C" in text,
      "Ctrl-C reaches a loop without syscalls while it runs; the prompt comes back", text)

mark = len(s.out)
s.type(b"echo after-ctrl-c\r")
check(s.prompt(mark + 1, 30) and b"after-ctrl-c" in s.out[mark:], "the shell goes on")
s.type(b"\x01x")
rc = s.finish()
err = s.stderr()
check(rc == 0 and "kenix-sim: quit (Ctrl-A x)" in err, "Ctrl-A x quits with status 0 (rc %s)" % rc, err)
check(s.after == s.before, "the terminal's modes are restored after the run")
lines = [l for l in open(record).read().splitlines() if l and not l.startswith("#")]
check(len(lines) >= 4 and lines[-1].endswith(" quit") and any(l.endswith(" 03") or " 03 " in l for l in lines),
      "--record wrote the keys (Ctrl-C among them) and the quit", "\n".join(lines))

with open(os.path.join(work, "replay.out"), "wb") as out, open(os.path.join(work, "replay.err"), "wb") as e:
    rc2 = subprocess.call([sim, "run", "--initrd", initrd, "--init-arg", "1", "--seed", "1", "--no-display",
                           "--max-time", "600s", "--replay", record], stdin=subprocess.DEVNULL, stdout=out, stderr=e)
replay_out = open(os.path.join(work, "replay.out"), "rb").read()
replay_err = open(os.path.join(work, "replay.err"), "rb").read().decode(errors="replace")
check(rc2 == 0 and "stopped where the recorded session stopped" in replay_err, "--replay runs to the recorded quit (rc %s)" % rc2, replay_err)
# The pty turned every "\n" the guest wrote into "\r\n" (ONLCR); the replay's file has them as written.
check(replay_out.replace(b"\n", b"\r\n") == s.out, "the replay's console output is the session's, byte for byte")
check(field(err, "trace hash") is not None and field(err, "trace hash") == field(replay_err, "trace hash")
      and field(err, "simulated time") == field(replay_err, "simulated time"),
      "the replay has the session's trace hash (%s) and simulated time" % field(err, "trace hash"), replay_err)

# A recorded session that a host signal stops: the recording ends with `signal 15`, and its
# replay stops at the same point with the same status, 143.
signalled = os.path.join(work, "signalled.txt")
s = Session("signalled", "--record", signalled)
check(s.prompt(0, 90), "a recorded session to be stopped by SIGTERM: the prompt")
mark = len(s.out)
s.type(b"echo before-the-signal\r")
s.prompt(mark + 1, 30)
s.proc.send_signal(signal.SIGTERM)
rc = s.finish()
ending = [l for l in open(signalled).read().splitlines() if l and not l.startswith("#")][-1:]
check(rc == 128 + signal.SIGTERM and ending and ending[0].endswith(" signal 15"),
      "SIGTERM stops a recorded session with status 143 and the recording ends with `signal 15` (rc %s)" % rc,
      "\n".join(ending) + "\n" + s.stderr())
with open(os.path.join(work, "signalled.out"), "wb") as out, open(os.path.join(work, "signalled-replay.err"), "wb") as e:
    rc3 = subprocess.call([sim, "run", "--initrd", initrd, "--init-arg", "1", "--seed", "1", "--no-display",
                           "--max-time", "600s", "--replay", signalled], stdin=subprocess.DEVNULL, stdout=out, stderr=e)
replay_err = open(os.path.join(work, "signalled-replay.err"), "rb").read().decode(errors="replace")
check(rc3 == 128 + signal.SIGTERM and "stopped where SIGTERM stopped the recorded session" in replay_err,
      "its --replay stops at the same point with the same status, 143 (rc %s)" % rc3, replay_err)

s = Session("realtime", "--realtime")
check(s.prompt(0, 90), "--realtime: the prompt")
mark = len(s.out)
s.type(b"date +%s; sleep 5\r")
# Long enough for sleep to start (a debug build on a loaded host needs a second or two of host time
# to run date and exec sleep) and to sleep a while in real time, well before its 5 seconds end.
s.read(4.0)
s.type(b"\x03")
back = s.prompt(mark + 1, 30)
mark2 = len(s.out)
s.type(b"date +%s\r")
s.prompt(mark2 + 1, 30)
stamps = [int(x) for x in re.findall(rb"^(\d{10})\r*$", s.out[mark:], re.M)]
check(back and len(stamps) == 2 and 1 <= stamps[1] - stamps[0] <= 4,
      "--realtime: sleep takes host time, and Ctrl-C ends `sleep 5` early (the guest's clock moved %s s)" %
      (stamps[1] - stamps[0] if len(stamps) == 2 else "?"), s.out[mark:].decode(errors="replace"))
s.proc.send_signal(signal.SIGTERM)
rc = s.finish()
check(rc == 128 + signal.SIGTERM and s.after == s.before, "SIGTERM: status 143, the terminal restored (rc %s)" % rc, s.stderr())

# A crash (here SIGABRT, as abort() raises it; Swift's traps raise SIGILL or SIGTRAP the same way)
# restores the terminal before the process dies. No interactive backtrace: it would wait on the pty.
os.environ["SWIFT_BACKTRACE"] = "enable=no"
s = Session("abort")
for _ in range(200):
    if "raw mode" in s.stderr():
        break
    time.sleep(0.05)
raw = not termios.tcgetattr(s.slave)[3] & termios.ICANON
s.read(0.5)
s.proc.send_signal(signal.SIGABRT)
rc = s.finish()
check(raw and rc == -signal.SIGABRT and s.after == s.before,
      "SIGABRT while raw: the process dies of it, the terminal restored (rc %s)" % rc, s.stderr())
del os.environ["SWIFT_BACKTRACE"]

# Usage errors, before any boot.
bad = os.path.join(work, "bad-keys.txt")
open(bad, "w").write("# kenix-sim key recording 1\n100 0 61 62\n50 0 63\n")
for name, flags, want_rc, want_text in [
        ("--record without a terminal", ["--record", os.path.join(work, "r.txt")], 64, "--record needs a terminal"),
        ("--replay with --input", ["--replay", bad, "--input", bad], 64, "--replay and --input"),
        ("--replay of a file out of order", ["--replay", bad], 65, "line 3: goes back in time"),
        ("--replay of a missing file", ["--replay", os.path.join(work, "none.txt")], 66, "cannot read --replay file")]:
    r = subprocess.run([sim, "run", "--initrd", initrd, *flags], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    text = r.stdout.decode(errors="replace")
    check(r.returncode == want_rc and want_text in text, "%s: status %d, a clear error" % (name, want_rc), text)

print("terminal: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)

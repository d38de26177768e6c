#!/usr/bin/env python3
"""stamp.py: runs COMMAND and prints each line of its output (stdout and
stderr together) prefixed with the host's monotonic time in seconds since
COMMAND started and a tab, as the line arrives. kenix-sim writes its console
a line at a time and QEMU's serial console (through typist.py) as it comes,
so the difference between two stamps is the host time between two lines the
guest printed. Exits with COMMAND's status.
Usage: stamp.py COMMAND...
"""
import subprocess, sys, time


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: stamp.py COMMAND...")
    start = time.monotonic()
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    out = sys.stdout.buffer
    for line in iter(proc.stdout.readline, b""):
        out.write(b"%.6f\t" % (time.monotonic() - start) + line.replace(b"\r", b""))
        out.flush()
    sys.exit(proc.wait())


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""oracle.py: runs a command on a pseudo-terminal of 24 rows and 80 columns
(what Kenix's console reports to Linux programs) and prints what it wrote,
carriage returns removed: the host side of the Linux acceptance tests, where
the host's busybox (Debian's amd64 busybox-static, the version of the arm64
one Kenix runs) gives the expected output.
Usage: oracle.py COMMAND...   (exit status: the command's)
"""
import fcntl, os, pty, struct, sys, termios


def main():
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[1], sys.argv[1:])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    out = bytearray()
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(out.replace(b"\r", b""))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())

"""Ctrl-C and the raw protocol: a minimal gdb client for Tests/System/gdb.sh.

Connects to kenix-sim --gdb on the port given, checks the handshake, the
initial stop, an unmapped read (E14, no fault in the guest), then continues a
program that never stops by itself, sends the interrupt byte 0x03 and expects
a SIGINT stop in that task with the pc in its text; detaches. Prints one
line per check; exits 1 on the first failure.
"""
import re
import socket
import sys
import time

sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
buf = b""


def send(p):
    sock.sendall(b"$%s#%02x" % (p.encode(), sum(p.encode()) % 256))


def recv():
    global buf
    while True:
        m = re.search(rb"\$([^#]*)#..", buf)
        if m:
            buf = buf[m.end():]
            sock.sendall(b"+")
            return m.group(1).decode()
        chunk = sock.recv(4096)
        if not chunk:
            sys.exit("connection closed")
        buf += chunk


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    if not ok:
        sys.exit(1)


send("qSupported:multiprocess+;swbreak+")
r = recv()
check("qSupported offers reverse execution", "ReverseStep+" in r and "ReverseContinue+" in r, r)
send("?")
r = recv()
check("the initial stop is a SIGTRAP in a thread", re.fullmatch(r"T05thread:[0-9a-f]+;", r) is not None, r)
send("m0,4")
r = recv()
check("an unmapped read answers E14", r == "E14", r)
send("c")
time.sleep(0.5)
sock.sendall(b"\x03")
r = recv()
check("Ctrl-C stops the running program with SIGINT", r.startswith("T02thread:"), r)
send("p20")
pc = int.from_bytes(bytes.fromhex(recv()), "little")
check("the pc is in the program's text", 0x400000 <= pc < 0x500000, hex(pc))
send("D")
check("detach", recv() == "OK")

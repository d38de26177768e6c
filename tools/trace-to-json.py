#!/usr/bin/env python3
"""trace-to-json.py: turns the kernel's trace ring, dumped over QEMU's serial
line at shutdown (boot argument kenix.trace=ring), into the Chrome
trace-event JSON that `kenix-sim run --trace-json` writes, for
ui.perfetto.dev or chrome://tracing (docs/tracing.md).

Usage: trace-to-json.py SERIAL-LOG OUT.json

The dump (Sources/HALAArch64/TraceRing.swift):
  kenix-trace: begin events=N dropped=D frequency=HZ
  kt KIND TICKS A B C
  kenix-trace: end
TICKS is the generic timer's count, turned into ns here. The conversion is
the one in Sources/HALHostSim/ChromeTraceWriter.swift; keep the two in step.
Syscall names come from Sources/KenixABI/Syscall.swift. When the ring
wrapped (dropped > 0) the oldest events are gone: slices whose start was
lost are skipped and their tasks are named "task #N".
"""
import os
import re
import sys

KINDS = {1: "taskSwitch", 2: "syscall", 3: "ipcDeliver", 4: "taskExit", 5: "taskFault",
         6: "interrupt", 7: "taskSpawn", 8: "idle", 9: "pageOut", 10: "pageIn",
         11: "syscallExit", 12: "taskName", 13: "pageFault"}


def syscall_names():
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "Sources", "KenixABI", "Syscall.swift")
    numbers, names = {}, {}
    with open(path) as f:
        for line in f:
            m = re.match(r"\s*case (\w+) = (\d+)", line)
            if m:
                numbers[m.group(1)] = int(m.group(2))
            m = re.match(r'\s*case \.(\w+): "([^"]+)"', line)
            if m:
                names[m.group(1)] = m.group(2)
    return {n: names[c] for c, n in numbers.items() if c in names}


def read_dump(path):
    events, frequency, inside, dropped = [], None, False, 0
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip().replace("\r", "")
            m = re.search(r"kenix-trace: begin events=(\d+) dropped=(\d+) frequency=(\d+)", line)
            if m:
                inside, dropped, frequency = True, int(m.group(2)), int(m.group(3))
                events = []
                continue
            if "kenix-trace: end" in line:
                inside = False
                continue
            if inside and line.startswith("kt "):
                parts = line.split()
                if len(parts) != 6:
                    continue
                kind = int(parts[1])
                ticks, a, b, c = (int(p, 16) for p in parts[2:])
                events.append((ticks * 1_000_000_000 // frequency, kind, a, b, c))
    if frequency is None:
        raise SystemExit(f"trace-to-json: no 'kenix-trace: begin' in {path} (boot with kenix.trace=ring)")
    return events, dropped


def micros(ns):
    return f"{ns // 1000}.{ns % 1000:03d}"


def unpack_name(lo, hi):
    s = ""
    for i in range(16):
        b = ((lo if i < 8 else hi) >> (8 * (i % 8))) & 0xFF
        if b == 0:
            break
        s += chr(b) if 0x20 < b < 0x7F and b not in (0x22, 0x5C) else "?"
    return s or "?"


class Writer:
    """The state machine of ChromeTraceWriter.swift."""

    def __init__(self, source, names):
        self.out = []
        self.syscalls = names
        self.open = {}          # task -> [number, [flow ids in]]
        self.cpu = None         # None, ("run", task) or "idle"
        self.names = {0: "CPU 0"}
        self.next_flow = 1
        self.last_frames = self.last_ready = None
        self.source = source
        self.emit('{"ph":"M","pid":1,"tid":0,"name":"process_name","args":{"name":"Kenix"}}')
        self.emit('{"ph":"M","pid":1,"tid":0,"name":"thread_name","args":{"name":"CPU 0"}}')
        self.emit('{"ph":"M","pid":1,"tid":0,"name":"thread_sort_index","args":{"sort_index":-1}}')

    def emit(self, s):
        self.out.append(s)

    def sysname(self, nr):
        return self.syscalls.get(nr, f"syscall {nr}")

    def name_if_new(self, task):
        if task not in self.names:
            self.names[task] = f"task #{task}"
            self.emit(f'{{"ph":"M","pid":1,"tid":{task},"name":"thread_name","args":{{"name":"task #{task}"}}}}')

    def cpu_end(self, t):
        if self.cpu is not None:
            self.emit(f'{{"ph":"E","pid":1,"tid":0,"ts":{t}}}')
        self.cpu = None

    def syscall_end(self, task, t, args):
        s = self.open.pop(task, None)
        if s is None:
            return
        for fid in s[1]:
            self.emit(f'{{"ph":"f","bp":"e","pid":1,"tid":{task},"ts":{t},"cat":"ipc",'
                      f'"name":"{self.sysname(s[0])}","id":{fid}}}')
        self.emit(f'{{"ph":"E","pid":1,"tid":{task},"ts":{t},"args":{args}}}')

    def counters(self, t, frames, ready):
        if frames != self.last_frames:
            self.emit(f'{{"ph":"C","pid":1,"tid":0,"ts":{t},"name":"free frames","args":{{"frames":{frames}}}}}')
            self.last_frames = frames
        if ready != self.last_ready:
            self.emit(f'{{"ph":"C","pid":1,"tid":0,"ts":{t},"name":"ready tasks","args":{{"tasks":{ready}}}}}')
            self.last_ready = ready

    def instant(self, task, t, name, args):
        self.name_if_new(task)
        self.emit(f'{{"ph":"i","s":"t","pid":1,"tid":{task},"ts":{t},"cat":"task","name":"{name}","args":{args}}}')

    def record(self, ns, kind, a, b, c):
        t = micros(ns)
        k = KINDS.get(kind)
        if k == "taskSwitch":
            self.cpu_end(t)
            self.name_if_new(a)
            self.cpu = ("run", a)
            self.emit(f'{{"ph":"B","pid":1,"tid":0,"ts":{t},"cat":"cpu","name":"{self.names[a]}","args":{{"task":{a}}}}}')
            self.counters(t, b, c)
        elif k == "idle":
            self.cpu_end(t)
            self.cpu = "idle"
            self.emit(f'{{"ph":"B","pid":1,"tid":0,"ts":{t},"cat":"cpu","name":"idle"}}')
            self.counters(t, a, 0)
        elif k == "interrupt":
            if self.cpu == "idle":
                self.cpu_end(t)
            self.emit(f'{{"ph":"i","s":"t","pid":1,"tid":0,"ts":{t},"cat":"irq","name":"irq {a}","args":{{"irq":{a}}}}}')
        elif k == "syscall":
            self.name_if_new(a)
            if a in self.open:
                self.syscall_end(a, t, '{"unfinished":true}')
            self.open[a] = [b, []]
            self.emit(f'{{"ph":"B","pid":1,"tid":{a},"ts":{t},"cat":"syscall","name":"{self.sysname(b)}","args":{{"nr":{b}}}}}')
        elif k == "syscallExit":
            if a in self.open:
                self.syscall_end(a, t, f'{{"x0":"{hex(c)}"}}')
        elif k == "ipcDeliver":
            fid = self.next_flow
            self.next_flow += 1
            kind = self.sysname(self.open[a][0]) if a in self.open else "message"
            self.name_if_new(a)
            self.name_if_new(b)
            self.emit(f'{{"ph":"s","pid":1,"tid":{a},"ts":{t},"cat":"ipc","name":"{kind}","id":{fid},'
                      f'"args":{{"to":{b},"tag":"{hex(c)}"}}}}')
            if b in self.open:
                self.open[b][1].append(fid)
            else:
                self.emit(f'{{"ph":"f","bp":"e","pid":1,"tid":{b},"ts":{t},"cat":"ipc","name":"{kind}","id":{fid}}}')
        elif k == "taskExit":
            if a in self.open:
                self.syscall_end(a, t, '{"ended":true}')
            status = b - (1 << 64) if b >= 1 << 63 else b
            self.instant(a, t, "exit", f'{{"status":{status},"killed":{"true" if c else "false"}}}')
        elif k == "taskFault":
            self.instant(a, t, "fault", f'{{"pc":"{hex(b)}","address":"{hex(c)}"}}')
        elif k == "taskSpawn":
            self.name_if_new(a)
            self.instant(a, t, "spawn", f'{{"child":{b}}}')
        elif k in ("pageOut", "pageIn"):
            self.instant(a, t, "page-out" if k == "pageOut" else "page-in", f'{{"va":"{hex(b)}","slot":{c}}}')
        elif k == "pageFault":
            access = ["read", "write", "execute", "?"][c & 3]
            name = "copy-on-write fault" if c & 4 else "page fault"
            self.instant(a, t, name, f'{{"address":"{hex(b)}","access":"{access}"}}')
        elif k == "taskName":
            name = f"{unpack_name(b, c)} #{a}"
            self.names[a] = name
            self.emit(f'{{"ph":"M","pid":1,"tid":{a},"name":"thread_name","args":{{"name":"{name}"}}}}')
            self.emit(f'{{"ph":"M","pid":1,"tid":{a},"name":"thread_sort_index","args":{{"sort_index":{a}}}}}')

    def close(self, ns):
        t = micros(ns)
        for task in sorted(self.open):
            self.syscall_end(task, t, '{"unfinished":true}')
        self.cpu_end(t)
        return ('{"displayTimeUnit":"ns","otherData":{"source":"' + self.source + '","clock":"generic timer"},\n'
                '"traceEvents":[\n' + "\n,".join(self.out) + "\n]}\n")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    events, dropped = read_dump(sys.argv[1])
    w = Writer(f"QEMU trace ring, {dropped} oldest events dropped", syscall_names())
    for e in events:
        w.record(*e)
    with open(sys.argv[2], "w") as f:
        f.write(w.close(events[-1][0] if events else 0))
    print(f"trace-to-json: {len(events)} events ({dropped} dropped) -> {sys.argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

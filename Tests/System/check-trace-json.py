#!/usr/bin/env python3
"""Checks a Chrome trace-event JSON trace (kenix-sim --trace-json, or
tools/trace-to-json.py) for structure, and, given the text trace of the same
run (kenix-sim --trace), against it.

Usage: check-trace-json.py TRACE.json [TEXT-TRACE] [--thread NAME]... [--counts]
Exit status 0 when every check passes; 1 with one line per failure.

Without a text trace (the QEMU path) it checks what a trace must hold on its
own: valid JSON, every B closed by an E on its thread, time never going
backwards, every thread named (and a thread named NAME #ID for each
--thread NAME), syscall slices, the counters, and each flow with one start
and one end. --counts prints "NAME syscalls" per task name after the
summary, for comparing two traces of the same program.

With the text trace it also checks, per task, the number of syscall slices
against the `syscall` lines, the idle slices, interrupts and page faults
against theirs, the thread names against the `name` lines, and that the Nth
flow starts on the sender's thread and ends on the receiver's of the Nth
`ipc from=A to=B` line.
"""
import collections
import json
import re
import sys

failures = []


def fail(msg):
    failures.append(msg)


def main():
    args, threads, counts = [], [], False
    argv = sys.argv[1:]
    while argv:
        a = argv.pop(0)
        if a == "--thread" and argv:
            threads.append(argv.pop(0))
        elif a == "--counts":
            counts = True
        else:
            args.append(a)
    if len(args) not in (1, 2):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(args[0]) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"FAIL: {args[0]} is not valid JSON: {e}")
        return 1
    events = doc.get("traceEvents") if isinstance(doc, dict) else None
    if not isinstance(events, list) or not events:
        print("FAIL: no traceEvents array")
        return 1

    names = {}
    stacks = collections.defaultdict(list)
    syscalls = collections.Counter()
    starts, ends = {}, {}
    last_ts = -1.0
    idle = irqs = faults = 0
    counters = set()
    for i, e in enumerate(events):
        ph, tid = e.get("ph"), e.get("tid")
        if ph == "M":
            if e.get("name") == "thread_name":
                names[tid] = e["args"]["name"]
            continue
        ts = e.get("ts")
        if not isinstance(ts, (int, float)):
            fail(f"event {i} has no timestamp: {e}")
            continue
        if ts < last_ts:
            fail(f"event {i}: time goes backwards ({ts} < {last_ts})")
        last_ts = ts
        if tid not in names:
            fail(f"event {i}: thread {tid} has no thread_name before it")
        if ph == "B":
            stacks[tid].append((e.get("name"), ts))
            if e.get("cat") == "syscall":
                syscalls[tid] += 1
            if tid == 0 and e.get("name") == "idle":
                idle += 1
        elif ph == "E":
            if not stacks[tid]:
                fail(f"event {i}: E on thread {tid} with no open B")
            else:
                stacks[tid].pop()
        elif ph == "s":
            if e["id"] in starts:
                fail(f"flow {e['id']} starts twice")
            starts[e["id"]] = (tid, ts)
            if not stacks[tid]:
                fail(f"flow {e['id']} starts on thread {tid} outside any slice")
        elif ph == "f":
            if e["id"] in ends:
                fail(f"flow {e['id']} ends twice")
            ends[e["id"]] = (tid, ts)
            if not stacks[tid] and e.get("bp") == "e":
                fail(f"flow {e['id']} ends on thread {tid} outside any slice")
        elif ph == "i":
            if e.get("cat") == "irq":
                irqs += 1
            elif e.get("name") in ("page fault", "copy-on-write fault"):
                faults += 1
        elif ph == "C":
            counters.add(e.get("name"))
    for tid, stack in stacks.items():
        if stack:
            fail(f"thread {tid}: {len(stack)} slices never closed (first {stack[0]})")
    if set(starts) != set(ends):
        fail(f"flows without both ends: {sorted(set(starts) ^ set(ends))[:10]}")
    for fid, (tid, ts) in ends.items():
        if fid in starts and ts < starts[fid][1]:
            fail(f"flow {fid} ends before it starts")
    for t in threads:
        if not any(n.startswith(t + " #") for n in names.values()):
            fail(f"no thread named {t}")
    if sum(syscalls.values()) == 0:
        fail("no syscall slices")
    if not {"free frames", "ready tasks"} <= counters:
        fail(f"counters missing: have {sorted(counters)}")

    if len(args) == 2:
        compare(args[1], names, syscalls, starts, ends, idle, irqs, faults)

    for m in failures[:20]:
        print("FAIL:", m)
    if failures:
        print(f"{len(failures)} failures")
        return 1
    print(f"trace ok: {len(events)} events, {sum(syscalls.values())} syscall slices on "
          f"{len(syscalls)} tasks, {len(starts)} IPC flows, {idle} idle slices, {irqs} interrupts, "
          f"{faults} page faults, {len(names) - 1} tasks named")
    if counts:
        per_name = collections.Counter()
        for tid, n in syscalls.items():
            per_name[names[tid].rsplit(" #", 1)[0]] += n
        for name in sorted(per_name):
            print(f"{name} {per_name[name]}")
    return 0


def compare(path, names, syscalls, starts, ends, idle, irqs, faults):
    want_sys = collections.Counter()
    ipc = []
    want = collections.Counter()
    want_names = {}
    pat = re.compile(r"^t=\d+ (\S+)(.*)$")
    with open(path) as f:
        for line in f:
            m = pat.match(line)
            if not m:
                continue
            kind, rest = m.groups()
            fields = dict(kv.split("=", 1) for kv in rest.split() if "=" in kv)
            if kind == "syscall":
                want_sys[int(fields["task"])] += 1
            elif kind == "ipc":
                ipc.append((int(fields["from"]), int(fields["to"])))
            elif kind == "name":
                want_names[int(fields["task"])] = fields["name"]
            elif kind in ("idle", "irq", "page-fault"):
                want[kind] += 1
    if dict(want_sys) != dict(syscalls):
        diff = {t: (want_sys[t], syscalls[t]) for t in set(want_sys) | set(syscalls) if want_sys[t] != syscalls[t]}
        fail(f"syscall slices per task differ from the text trace (task: text, json): {diff}")
    for kind, have in (("idle", idle), ("irq", irqs), ("page-fault", faults)):
        if want[kind] != have:
            fail(f"{kind}: text trace has {want[kind]}, JSON {have}")
    for task, name in want_names.items():
        if names.get(task) != f"{name} #{task}":
            fail(f"thread {task} named {names.get(task)!r}, text trace says {name!r}")
    order = sorted(starts)
    if len(order) != len(ipc):
        fail(f"{len(order)} flows, text trace has {len(ipc)} IPC deliveries")
    for n, (fid, (sender, receiver)) in enumerate(zip(order, ipc)):
        if starts[fid][0] != sender or ends.get(fid, (None,))[0] != receiver:
            fail(f"flow {n + 1} (id {fid}) runs {starts[fid][0]} -> {ends.get(fid, (None,))[0]}, "
                 f"text trace says {sender} -> {receiver}")
            break


if __name__ == "__main__":
    sys.exit(main())

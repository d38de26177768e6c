#!/usr/bin/env python3
"""fsbench-table.py: the file-service table of BENCHMARKS.md from the
stamped console logs of Tests/QEMU/fsbench.sh (Tests/QEMU/stamp.py lines:
host seconds, a tab, the console line).

ICOUNT is the QEMU -icount shift=0 run: its instruction counts (the PMU's,
every guest instruction) are the cost; its clock would also hold the idle
time -icount warps past while the disk works. Then pairs SIM TCG from interleaved runs (kenix-sim,
QEMU TCG without -icount): host time per workload is the time between
fsbench's "start NAME" line and its result line; the kenix-sim figures are
the medians over the pairs, the speed ratio the median of each pair's ratio.
Usage: fsbench-table.py ICOUNT SIM1 TCG1 [SIM2 TCG2 ...]
"""
import re, statistics, sys

RESULT = re.compile(r"^fsbench: (?P<name>[^:]+): (?P<bytes>\d+) bytes, (?P<ns>\d+) ns, (?P<instructions>\d+) instructions, "
                    r"(?P<file>\d+) file requests, "
                    r"(?P<block>\d+) block requests, (?P<device>\d+) device requests$")
START = re.compile(r"^fsbench: start (?P<name>.+)$")
MIB = 1 << 20


def parse(path):
    """{workload: dict of its figures, plus 'host' seconds}, in the order run."""
    results, started = {}, {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            stamp, _, line = raw.rstrip("\n").partition("\t")
            if m := START.match(line):
                started[m["name"]] = float(stamp)
            elif m := RESULT.match(line):
                r = {k: int(v) for k, v in m.groupdict().items() if k != "name"}
                r["host"] = float(stamp) - started.get(m["name"], float(stamp))
                results[m["name"]] = r
    return results


def per_op(name, r):
    """What one operation of the workload is, and how many there are."""
    if "random" in name:
        return "read", r["bytes"] // 4096
    if "open+fstat+close" in name:
        return "open+fstat+close", 100
    return None, 1


def main():
    if len(sys.argv) < 4 or len(sys.argv) % 2:
        sys.exit(__doc__)
    icount = parse(sys.argv[1])
    pairs = [(parse(a), parse(b)) for a, b in zip(sys.argv[2::2], sys.argv[3::2])]
    if not icount or any(not s or not t for s, t in pairs):
        sys.exit("fsbench-table: a log holds no fsbench results")
    print("| workload | QEMU instructions | per byte / per operation | file / block / device requests "
          "| kenix-sim simulated µs | kenix-sim host ms | QEMU TCG host ms | kenix-sim speed vs QEMU TCG |")
    print("|---|---|---|---|---|---|---|---|")
    for name, q in icount.items():
        sims = [s[name] for s, _ in pairs if name in s]
        tcgs = [t[name] for _, t in pairs if name in t]
        what, count = per_op(name, q)
        if what is None and q["bytes"]:
            unit = f"{q['instructions'] / q['bytes']:.2f} per byte"
        elif what is None:
            unit = "(the whole operation)"
        else:
            unit = f"{q['instructions'] / count:.0f} per {what}"
        if what == "read":
            unit += f" ({q['instructions'] / q['bytes']:.2f} per byte)"
        sim_host = statistics.median(s["host"] for s in sims) * 1000
        tcg_host = statistics.median(t["host"] for t in tcgs) * 1000
        ratios = [t[name]["host"] / s[name]["host"] for s, t in pairs if s[name]["host"] > 0]
        ratio = f"{statistics.median(ratios):.2f}×" if ratios else "?"
        sim_ns = statistics.median(s["ns"] for s in sims)
        print(f"| {name} | {q['instructions']} | {unit} | {q['file']} / {q['block']} / {q['device']} "
              f"| {sim_ns / 1000:.0f} | {sim_host:.1f} | {tcg_host:.1f} | {ratio} |")
    print()
    for name in icount:
        if "read" in name and "random" not in name and icount[name]["bytes"] >= MIB:
            sims = [s[name] for s, _ in pairs if name in s]
            host = statistics.median(s["host"] for s in sims)
            if host > 0:
                print(f"- kenix-sim, {name}: {icount[name]['bytes'] / MIB / host:.1f} MiB per host second")
    tcg = lambda name: statistics.median(t[name]["host"] for _, t in pairs if name in t)
    sim = lambda name: statistics.median(s[name]["host"] for s, _ in pairs if name in s)
    per_byte = lambda name: icount[name]["instructions"] / icount[name]["bytes"]
    if all(n in icount for n in ("/disk read cold", "/disk read warm", "/disk write", "/disk sync")):
        cold, warm = per_byte("/disk read cold"), per_byte("/disk read warm")
        write = per_byte("/disk write")
        synced = (icount["/disk write"]["instructions"] + icount["/disk sync"]["instructions"]) / icount["/disk write"]["bytes"]
        met = lambda ok: "met" if ok else "NOT met"
        print(f"- issue 10's targets on QEMU: sequential read {cold:.2f} (cold) and {warm:.2f} (warm) instructions "
              f"per byte, target ≤ 10: {met(max(cold, warm) <= 10)}; sequential write {write:.2f} per byte "
              f"({synced:.2f} with its sync), target ≤ 20: {met(synced <= 20)}")
        ratio = statistics.median(t["/disk read cold"]["host"] / s["/disk read cold"]["host"] for s, t in pairs)
        print(f"- kenix-sim against QEMU TCG on the same read (cold): {ratio:.2f}× QEMU's speed; target ≥ 3× once "
              f"the simulator engine issue is done: {met(ratio >= 3)}")
        seconds = tcg("/disk read cold")
        print(f"- the original Rust Kenix read a 1.9 MB file in about four minutes, one IPC per 512-byte sector "
              f"(about 3,900 requests); here 2 MiB read cold take {icount['/disk read cold']['file']} file-server "
              f"requests, {icount['/disk read cold']['block']} block-server requests and "
              f"{icount['/disk read cold']['device']} disk requests, and {seconds * 1000:.0f} ms of host time on QEMU TCG "
              f"({icount['/disk read cold']['bytes'] / MIB / seconds:.1f} MiB/s; {sim('/disk read cold') * 1000:.0f} ms "
              f"in kenix-sim). The original's host machine is not known, so the time is a rough comparison; "
              f"the request counts are exact.")
    print(f"- kenix-sim's host time is the median of {len(pairs)} runs, each followed by a QEMU TCG run "
          f"(the speed ratio is the median of the {len(pairs)} pairs' ratios; above 1× kenix-sim is faster)")


if __name__ == "__main__":
    main()

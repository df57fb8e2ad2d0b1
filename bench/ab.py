#!/usr/bin/env python3
"""Interleaved A/B of two parviz release builds' benchmarks (issue 8's
"no performance regression" check: old and new binaries, alternating, medians).

    python3 bench/ab.py OLD_BUILD_DIR NEW_BUILD_DIR [--rounds 3] [--out DIR]

Each build dir is a release build (build/release of a checkout). Every round
runs each benchmark both builds have, once per build, A then B in odd rounds
and B then A in even rounds, so that a machine getting busier or quieter
weighs on both alike. CPython's side is skipped (--no-cpython where a
benchmark takes it): it is the same interpreter for A and B and would double
the time. Prints the host's clocksource and load, every round's numbers, then
one table: each metric's median per build, new/old, and whether the new build
is within 10 % (the direction that is worse depends on the metric).
Raw outputs go to --out (default: a temporary directory), named
round-R-{old,new}-BENCH.txt. python_trace_pool runs bench_python_trace.py
--pool-only with the build's app/parviz (`--only python_trace_pool` for just
that): one untraced and one traced Pool.map a round, with parviz's own CPU.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

# bench -> (arguments, [(metric, regex, unit, higher_is_better)])
BENCHES = {
    "bench_trace_event": ([], [
        ("emit, single writer", r"emit, single writer\s+([\d.]+) ns", "ns", False),
        ("emit, multi-writer ring", r"emit, multi-writer ring \(parent\)\s+([\d.]+) ns", "ns", False),
    ]),
    "bench_pool": (["50000", "7", "--no-cpython"], [
        ("Pool(2).map untraced", r"^\s*parviz\s+([\d.]+) ns/task", "ns/task", False),
        ("Pool(2).map traced", r"parviz \(traced\)\s+([\d.]+) ns/task", "ns/task", False),
        ("Pool Collector passes", r"Collector \(traced runs\): ([\d.]+) ns CPU per event", "ns/event", False),
    ]),
    "bench_queue": (["1000000", "5", "--no-cpython"], [
        ("Queue 1->1 traced", r"parviz Queue\s+([\d.]+) msgs/s", "msgs/s", True),
        ("Queue untraced", r"tracing off: ([\d.]+)M msgs/s", "M msgs/s", True),
        ("Queue parent CPU/event", r"parent CPU per trace event[^:]*: ([\d.]+) ns", "ns", False),
        ("Queue Collector passes", r"Collector passes alone[^:]*: ([\d.]+) ns CPU per event", "ns/event", False),
        ("one trace event (parent)", r"one trace event [^:]*: ([\d.]+) ns", "ns", False),
    ]),
    "bench_lock": (["1000000", "5", "--no-cpython"], [
        ("Lock bare, pinned", r"bare acquire\+release, pinned:\s*\n\s*parviz Lock\s+([\d.]+) ops/s", "ops/s", True),
        ("Lock bare, unpinned", r"bare acquire\+release, unpinned:\s*\n\s*parviz Lock\s+([\d.]+) ops/s", "ops/s", True),
        ("Lock counter, pinned", r"shared counter under the lock, pinned:\s*\n\s*parviz Lock\s+([\d.]+) ops/s", "ops/s", True),
        ("Lock counter, unpinned", r"shared counter under the lock, unpinned:\s*\n\s*parviz Lock\s+([\d.]+) ops/s", "ops/s", True),
    ]),
    "bench_process": ([], [
        ("Process start+join", r"parviz Process \(fork server, CLONE_PARENT\):\s+([\d.]+) us", "us", False),
        ("Process start+join, traced", r"parviz Process, traced:\s+([\d.]+) us", "us", False),
    ]),
    # The Python tracer's Pool(2).map over 10 000 tasks at chunksize 1 (issue 10's
    # <= 1.25x), one untraced and one traced run a round: a script, not a binary
    # (SCRIPT_BENCHES); the build's app/parviz traces.
    "python_trace_pool": (["--pool-only", "--rounds", "1"], [
        ("Python Pool traced/untraced", r"traced / untraced:\s+([\d.]+)x", "x", False),
        ("Python Pool map traced", r"untraced [\d.]+ s, traced ([\d.]+) s", "s", False),
        ("Python Pool map untraced", r"untraced ([\d.]+) s, traced", "s", False),
        ("parviz itself, CPU", r"parviz itself \(median\): ([\d.]+) ms CPU", "ms", False),
        ("parviz itself, wake-ups", r"parviz itself \(median\): [\d.]+ ms CPU, (\d+) wake-ups", "", False),
        ("program CPU, traced", r"the program's processes: ([\d.]+) ms CPU traced", "ms", False),
        ("program CPU, untraced", r"ms CPU traced, ([\d.]+) ms untraced", "ms", False),
    ]),
}

# Benchmarks that are scripts in bench/ beside this one, given the build's parviz.
SCRIPT_BENCHES = {"python_trace_pool": "bench_python_trace.py"}


def clocksource():
    try:
        with open("/sys/devices/system/clocksource/clocksource0/current_clocksource") as f:
            return f.read().strip()
    except OSError:
        return "unknown"


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(build, bench, args, timeout):
    if bench in SCRIPT_BENCHES:
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), SCRIPT_BENCHES[bench])
        cmd = [sys.executable, script, os.path.join(build, "app", "parviz")] + args
    else:
        cmd = [os.path.join(build, "bench", bench)] + args
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p.stdout + p.stderr


def parse(text, metrics):
    out = {}
    for name, rx, _unit, _hib in metrics:
        m = re.search(rx, text, re.M)
        if m:
            out[name] = float(m.group(1))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default=None)
    ap.add_argument("--only", default=None, help="comma-separated benchmark names")
    ap.add_argument("--timeout", type=float, default=600)
    a = ap.parse_args()
    builds = {"old": a.old, "new": a.new}
    for k, b in builds.items():
        if not os.path.isdir(os.path.join(b, "bench")):
            sys.exit(f"bench/ab.py: {k}: {b}: no bench/ directory (a release build dir is expected)")
    out = a.out or tempfile.mkdtemp(prefix="parviz-ab-")
    os.makedirs(out, exist_ok=True)
    names = [n for n in BENCHES if (a.only is None or n in a.only.split(","))
             and all(os.access(os.path.join(b, "app", "parviz") if n in SCRIPT_BENCHES else os.path.join(b, "bench", n),
                               os.X_OK) for b in builds.values())]
    print(f"host: clocksource {clocksource()}; nproc {os.cpu_count()}; load at start {load()}")
    print(f"old: {a.old}\nnew: {a.new}\nrounds: {a.rounds}, interleaved (odd rounds old first, even rounds new first); raw outputs in {out}")
    values = {(n, m[0], k): [] for n in names for m in BENCHES[n][1] for k in builds}
    for r in range(1, a.rounds + 1):
        order = ["old", "new"] if r % 2 else ["new", "old"]
        for n in names:
            args, metrics = BENCHES[n]
            for k in order:
                text = run(builds[k], n, args, a.timeout)
                with open(os.path.join(out, f"round-{r}-{k}-{n}.txt"), "w") as f:
                    f.write(text)
                got = parse(text, metrics)
                for name, v in got.items():
                    values[(n, name, k)].append(v)
                shown = ", ".join(f"{name} {v:g}" for name, v in got.items())
                print(f"round {r} {k:3} {n}: {shown}  (load {load()})", flush=True)
    print(f"\nload at end {load()}\n")
    w = max(len(m[0]) for n in names for m in BENCHES[n][1])
    print(f"{'metric':<{w}}  {'unit':<9} {'old median':>12} {'new median':>12} {'new/old':>8}  verdict   old rounds | new rounds")
    for n in names:
        for name, _rx, unit, hib in BENCHES[n][1]:
            o, nw = values[(n, name, "old")], values[(n, name, "new")]
            if not o and not nw:
                continue
            om = statistics.median(o) if o else None
            nm = statistics.median(nw) if nw else None
            ratio = nm / om if om and nm else None
            if ratio is None:
                verdict = "(one side only)"
            else:
                worse = (1 - ratio) if hib else (ratio - 1)
                verdict = "ok" if worse <= 0.10 else f"WORSE {worse * 100:.0f}%"
            fmt = lambda x: "—" if x is None else (f"{x:.0f}" if x >= 1000 else f"{x:.2f}")
            rounds = " ".join(fmt(x) for x in o) + " | " + " ".join(fmt(x) for x in nw)
            print(f"{name:<{w}}  {unit:<9} {fmt(om):>12} {fmt(nm):>12} "
                  f"{('—' if ratio is None else f'{ratio:.2f}'):>8}  {verdict:<9} {rounds}")
    print("\nnew/old: > 1 is more for the new build; 'ok' = the new build is at most 10 % worse "
          "(slower for times, fewer for rates).")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""How long the window takes to appear, and how long it then shows nothing,
seen from outside (first_frame_probe.c under Xvfb with a black root), for one
or two parviz builds side by side, alternated run by run.

  python3 bench/first_frame.py build/release/app/parviz [OLD_PARVIZ] [--runs 5] [-- GUI ARGS...]
  python3 bench/first_frame.py build/release/app/parviz -- trace --gui -- python3 examples/pool.py

Per build, medians of: mapped (process start -> window mapped), drawn (start
-> first drawn pixels seen), blank (mapped but undrawn: one flat colour on
screen), black (mapped and black: not even the theme's background), and
from PARVIZ_TIMING=1 the first frame presented and the window shown (ms since
the process's exec). The load is printed: on a busy host every phase stretches.
"""
import os, re, statistics, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:]
gui_args = ["pool", "--presentation", "--size", "1280x720"]
if "--" in args:
    i = args.index("--")
    gui_args, args = args[i + 1:], args[:i]
runs = 5
if "--runs" in args:
    i = args.index("--runs")
    runs = int(args[i + 1])
    del args[i:i + 2]
builds = args or ["build/release/app/parviz"]

probe = os.path.join(tempfile.gettempdir(), "parviz_first_frame_probe")
subprocess.run(["cc", "-O2", "-o", probe, os.path.join(here, "first_frame_probe.c"), "-lX11"], check=True)

def one(exe):
    env = dict(os.environ, PARVIZ_TIMING="1")
    # GUI ARGS starting with "trace": `parviz trace --gui ...`, else `parviz gui ...`.
    cmd = [exe, *gui_args] if gui_args[:1] == ["trace"] else [exe, "gui", *gui_args]
    p = subprocess.run(["xvfb-run", "-a", "-s", "-br -screen 0 1280x720x24", probe, *cmd],
                       env=env, capture_output=True, text=True, timeout=300)
    m = re.search(r"mapped_ms=(\d+) content_ms=(\d+) blank_ms=(-?\d+) black_ms=(-?\d+)", p.stdout)
    if not m:
        return None
    row = {"mapped": int(m[1]), "drawn": int(m[2]), "blank": int(m[3]), "black": int(m[4])}
    for key, phase in (("first_frame", "first frame presented"), ("shown", "window shown")):
        t = re.search(r"parviz timing:\s+([0-9.]+) ms  " + phase, p.stderr)
        if t:
            row[key] = float(t[1])
    return row

rows = {b: [] for b in builds}
for r in range(runs):
    for b in builds:
        row = one(b)
        load = open("/proc/loadavg").read().split()[0]
        print(f"run {r + 1} {b}: {row} load {load}", flush=True)
        if row:
            rows[b].append(row)
for b in builds:
    got = rows[b]
    if not got:
        print(f"{b}: no run drew a window")
        continue
    keys = [k for k in ("mapped", "drawn", "blank", "black", "first_frame", "shown") if all(k in x for x in got)]
    print(f"median of {len(got)} {b}: " + ", ".join(f"{k} {statistics.median(x[k] for x in got):.0f} ms" for k in keys))

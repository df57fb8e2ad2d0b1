#!/usr/bin/env python3
"""CPU time a task of the Python tracer's Pool hot path, in one process.

usage: bench_python_trace_path.py [PYTHON_DIR] [N]   (PYTHON_DIR: the tracer
package's parent, default this checkout's python/; N tasks, default 30 000)

Times (time.process_time, best of 3) CPython's own pool worker loop (get, run,
put) over N pickled chunksize-1 map tasks against the tracer's (_pool._worker),
and MainProcess's task-handler put and result-handler get without and with the
tracer's wrappers (_sync._setup_queues). The pipes are replaced by in-memory
readers and writers and the ring is large enough that no event is dropped, so
what differs is the tracer's own Python work a task, without the other
processes, the GIL's other threads or parviz's reading (which
bench_python_trace.py's whole-program ratios include). CPU time, so it is
usable, with care, on a loaded machine; compare two packages by running it
with each PYTHON_DIR, alternating.
"""
import os, sys, tempfile, time, shutil
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(HERE), "python"))
N = int(sys.argv[2]) if len(sys.argv) > 2 else 30000
import multiprocessing as mp, multiprocessing.pool as mpool
from multiprocessing.reduction import ForkingPickler
orig_worker = mpool.worker

def f(x):
    return x

class Reader:
    def __init__(s, items): s.it = iter(items)
    def recv_bytes(s): return next(s.it)
    def close(s): pass
class Writer:
    def __init__(s): s.n = 0
    def send_bytes(s, b): s.n += 1
    def close(s): pass

def worker_run(traced):
    data = [ForkingPickler.dumps((0, i, mpool.mapstar, ((f, (i,)),), {})) for i in range(N)] + [ForkingPickler.dumps(None)]
    ctx = mp.get_context("fork")
    inq, outq = ctx.SimpleQueue(), ctx.SimpleQueue()
    inq._reader, inq._writer = Reader(data), Writer()
    outq._reader, outq._writer = Reader([]), Writer()
    if traced:
        inq._parviz_key, outq._parviz_key, outq._parviz_results = 11, 12, True
    w = _pool._worker if traced else orig_worker
    t = time.process_time()
    w(inq, outq)
    dt = time.process_time() - t
    assert outq._writer.n == N, outq._writer.n
    return dt / N * 1e9

def main_run(traced):
    """The task handler's put and the result handler's get of N tasks."""
    class P: pass
    ctx = mp.get_context("fork")
    pool = P()
    pool._inqueue, pool._outqueue = ctx.SimpleQueue(), ctx.SimpleQueue()
    sent = Writer()
    pool._quick_put = sent.send_bytes
    results = [(0, i, (True, [i])) for i in range(N)]
    pool._quick_get = Reader(results).recv_bytes
    if traced:
        orig = _sync._orig_setup_queues
        _sync._orig_setup_queues = lambda self: None
        try:
            _sync._setup_queues(pool)
        finally:
            _sync._orig_setup_queues = orig
    tasks = [(0, i, mpool.mapstar, ((f, (i,)),), {}) for i in range(N)]
    put, get = pool._quick_put, pool._quick_get
    t = time.process_time()
    for task in tasks:
        put(task)
    for _ in range(N):
        get()
    return (time.process_time() - t) / N * 1e9

def tracer(d):
    """Installs the tracer (after the untraced rounds: it patches multiprocessing)."""
    global parviz_trace, _pool, _sync
    os.environ["PARVIZ_TRACE_DIR"] = d
    import parviz_trace
    from parviz_trace._ring import Ring
    parviz_trace.install(d)
    parviz_trace._ring_obj = Ring(d, slots=1 << 22, text_bytes=1 << 26)   # room for every event: none dropped
    from parviz_trace import _pool, _sync
    print("tracer package: %s" % os.path.dirname(os.path.dirname(os.path.abspath(parviz_trace.__file__))))


d = tempfile.mkdtemp(prefix="parviz-bench-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
try:
    # CPython alone first: once installed, the tracer's patches are in every queue and lock.
    plain = {name: min(fn(False) for _ in range(3)) for name, fn in (("worker", worker_run), ("main", main_run))}
    tracer(d)
    for name, label, fn in (("worker", "worker", worker_run), ("main", "main put+get", main_run)):
        tr = min(fn(True) for _ in range(3))
        print("%-14s untraced %6.0f ns/task  traced %6.0f ns/task  (+%.0f ns)" % (label, plain[name], tr, tr - plain[name]))
finally:
    shutil.rmtree(d, True)

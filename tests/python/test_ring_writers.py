"""The tracer's ring writers, checked without parviz (stdlib only).

1. parviz_trace's emit, emit_at and emit_text (the hooks' writers, with the
   ring write inlined for speed) and _ring.Ring's emit, emit_at and emit_text
   are deliberately duplicated: for the same events under the same clock they
   must leave byte-identical rings (slots, text area, header counters). The
   events cover inline and area texts, truncation (also inside a UTF-8
   character), a text that would wrap the area's end, a full ring (`lost`)
   and a write re-entered from inside the thread's own write (`reentered`).
2. A pool worker running a map at chunksize 1 writes one slot a task
   (TASK_RUN), not two, and while a task runs its start is in the ring's
   header (the open task), so parviz can draw it running.
3. A chunk of more than SUMMARY_ABOVE tasks is two records (summarised).
4. Both writers ring the directory's `bell` FIFO once a quarter of the
   slots waits unread (once per value of `tail`) and after each quarter of
   the text area, so that parviz, which sleeps while its rings are quiet,
   drains before a ring fills; with no FIFO they never ring and lose nothing.

usage: python3 test_ring_writers.py PYTHON_DIR   (exit 1 naming what differs)
"""
import os
import shutil
import struct
import sys
import tempfile

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else
                os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


class Clock:
    """A deterministic time.monotonic_ns for both writers."""

    def __init__(self):
        self.t = 1000

    def __call__(self):
        self.t += 7
        return self.t


def events(emit, emit_at, emit_text, ring, K):
    """The same sequence of events, through one writer's three functions."""
    emit(K.K_STATE, 1, 2, 3, 4, 0)
    emit(K.K_LOCK_ACQUIRE, 0, 0x1234567890, 0, 9)
    emit(K.K_QUEUE_GET, -5, -1, -2, 0, 3)              # negatives: a and b masked to u64
    emit_at(123456, K.K_QUEUE_GET, 0, 77, 0, 5)
    emit_at(-1, K.K_STATE, 2, 1, 1, 0, 1)
    emit_text(K.K_PRINT, "", 1024, 0)
    emit_text(K.K_PRINT, "1234567", 1024, 1)           # inline: 7 bytes
    emit_text(K.K_PRINT, "12345678", 1024, 0)          # the area: 8 bytes
    emit_text(K.K_QUEUE_PUT, "x" * 100, 64, 3, 42, 8, 1)   # truncated to the limit
    emit_text(K.K_QUEUE_PUT, "\u00e9" * 40, 9, 3, 42)  # cut inside a 2-byte character
    emit_text(K.K_TASK_END, "ZeroDivisionError: division by zero", 200, 0, 5 << 32, 0, 1)
    for i in range(40):                                # goes round the small text area
        emit_text(K.K_PRINT, "line %d " % i + "y" * (i * 3 % 50), 1024, i & 1)
    ring.busy = True                                   # a signal handler inside this thread's own write
    emit(K.K_STATE, 1)
    emit_at(5, K.K_STATE, 1)
    emit_text(K.K_PRINT, "dropped")
    ring.busy = False
    for i in range(ring.slots + 3):                    # nobody reads: the ring fills and counts the rest lost
        emit(K.K_STATE, i & 1, i)


def main():
    import parviz_trace
    from parviz_trace import _ring as K
    clock = Clock()
    K._monotonic_ns = clock                            # Ring's methods read this module global
    parviz_trace._now = clock                          # the inline writers' copy
    d = tempfile.mkdtemp(prefix="parviz-trace-test-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    try:
        parviz_trace._dir = d
        a = K.Ring(d, slots=64, text_bytes=1024)
        clock.t = 1000
        events(a.emit, a.emit_at, a.emit_text, a, K)
        b = K.Ring(d, slots=64, text_bytes=1024)
        parviz_trace._ring_obj = b
        clock.t = 1000
        events(parviz_trace.emit, parviz_trace.emit_at, parviz_trace.emit_text, b, K)
        check(a.lost > 0 and a.reentered == 3, "the sequence fills the ring and re-enters (lost %d, reentered %d)"
              % (a.lost, a.reentered))
        check(a.text_head > a.text_size, "the sequence goes round the text area (%d bytes)" % a.text_head)
        ma, mb = bytes(a.mm), bytes(b.mm)
        if ma != mb:
            first = next(i for i in range(len(ma)) if ma[i] != mb[i])
            where = "header" if first < K.HEADER else \
                "slot %d" % ((first - K.HEADER) // K.SLOT) if first < a.text_base else "text area"
            failures.append("Ring's writers and parviz_trace's inline ones differ from byte %d (%s): %r / %r"
                            % (first, where, ma[first:first + 16], mb[first:first + 16]))
        for name in ("head", "lost", "reentered", "text_head"):
            check(getattr(a, name) == getattr(b, name), "%s: Ring %r, inline %r" % (name, getattr(a, name), getattr(b, name)))
        bell_rings(parviz_trace.emit, parviz_trace.emit_text, "parviz_trace's inline writers")
        bell_rings(None, None, "Ring's writers")
        pool_worker_records(d)
        summarised_chunk_records(d)
    finally:
        shutil.rmtree(d, True)
    for f in failures:
        print("FAIL:", f)
    print("%d failure(s)" % len(failures) if failures else "ok")
    return 1 if failures else 0


def bell_rings(emit, emit_text, who):
    import parviz_trace
    from parviz_trace import _ring as K
    d = tempfile.mkdtemp(prefix="parviz-trace-test-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    try:
        os.mkfifo(os.path.join(d, "bell"))
        rd = os.open(os.path.join(d, "bell"), os.O_RDONLY | os.O_NONBLOCK)
        K._bell = None
        r = K.Ring(d, slots=64, text_bytes=1024)
        parviz_trace._ring_obj = r
        emit = emit or r.emit
        emit_text = emit_text or r.emit_text

        def rung():
            try:
                return len(os.read(rd, 100))
            except BlockingIOError:
                return 0
        for i in range(16):                            # 16 unread: below a quarter of 64 at each check
            emit(K.K_STATE, 1, i)
        check(rung() == 0, "%s: the bell rang before a quarter of the slots was unread" % who)
        emit(K.K_STATE, 1, 16)                         # 16 unread when it checks: the mark
        check(rung() == 1, "%s: the bell did not ring once at the fill mark" % who)
        for i in range(20):
            emit(K.K_STATE, 1, i)
        check(rung() == 0, "%s: the bell rang again with no read since" % who)
        struct.pack_into("<Q", r.mm, K.OFF_TAIL, r.head)  # parviz read it all
        for i in range(17):
            emit(K.K_STATE, 1, i)
        check(rung() == 1, "%s: the bell did not ring at the mark after a read" % who)
        struct.pack_into("<Q", r.mm, K.OFF_TAIL, r.head)
        for i in range(3):                             # 3 x 100 bytes: past a quarter of the 1 KiB text area
            emit_text(K.K_PRINT, "z" * 100, 1024, 0)
        check(rung() == 1, "%s: the bell did not ring after a quarter of the text area" % who)
        check(r.lost == 0, "%s: %d lost with a reader" % (who, r.lost))
        os.close(rd)
    finally:
        shutil.rmtree(d, True)
        K._bell = None


_seen = []


def g(x):
    """A task that looks at its ring's open task while it runs."""
    import time
    import parviz_trace
    from parviz_trace import _ring as K
    gen1, t, a, gen2 = struct.unpack_from("<QqQQ", parviz_trace._ring_obj.mm, K.OFF_OPEN_TASK)
    _seen.append((gen1, gen2, a, t <= time.monotonic_ns()))
    return x


def pool_worker_records(d):
    """A pool worker's map at chunksize 1: one slot a task, and the running
    task's start in the header."""
    import multiprocessing as mp
    import multiprocessing.pool as mpool
    from multiprocessing.reduction import ForkingPickler
    import parviz_trace
    from parviz_trace import _ring as K
    import time
    K._monotonic_ns = parviz_trace._now = time.monotonic_ns
    parviz_trace.install(d)
    from parviz_trace import _pool
    ring = parviz_trace._ring_obj = K.Ring(d, slots=1 << 14)
    seen = _seen
    n = 50

    class Reader:
        def __init__(s, items):
            s.it = iter(items)

        def recv_bytes(s):
            return next(s.it)

        def close(s):
            pass

    class Writer:
        def __init__(s):
            s.n = 0

        def send_bytes(s, b):
            s.n += 1

        def close(s):
            pass
    data = [ForkingPickler.dumps((7, i, mpool.mapstar, ((g, (i,)),), {})) for i in range(n)]
    data.append(ForkingPickler.dumps(None))
    ctx = mp.get_context("fork")
    inq, outq = ctx.SimpleQueue(), ctx.SimpleQueue()
    inq._reader, inq._writer = Reader(data), Writer()
    outq._reader, outq._writer = Reader([]), Writer()
    inq._parviz_key, outq._parviz_key, outq._parviz_results = 11, 12, True
    before = ring.head
    _pool._worker(inq, outq)
    check(outq._writer.n == n, "the worker put %d results of %d" % (outq._writer.n, n))
    kinds = [ring.mm[K.HEADER + s * K.SLOT + 8] for s in range(before, ring.head)]
    runs = kinds.count(K.K_TASK_RUN)
    check(runs == n, "TASK_RUN records: %d for %d tasks" % (runs, n))
    check(kinds.count(K.K_TASK_START) + kinds.count(K.K_TASK_END) == 0,
          "TASK_START/TASK_END records for one-item chunks: %d" % (kinds.count(K.K_TASK_START) + kinds.count(K.K_TASK_END)))
    check(len(kinds) <= n + 4, "%d records for %d tasks (at most one a task, and the worker's own few)" % (len(kinds), n))
    check(len(seen) == n and all(s[0] == s[1] == i + 1 and s[2] == (7 << 32 | i) and s[3] for i, s in enumerate(seen)),
          "the open task in the header while each task runs: %r" % seen[:3])
    # Each TASK_RUN: obj = the gen, a = job << 32 | chunk, src = its start, t = its end >= its start.
    slot = struct.Struct("<qBBHiQQQQ")
    for s in range(before, ring.head):
        t, kind, flags, _, obj, a, b, src, seq = slot.unpack_from(ring.mm, K.HEADER + s * K.SLOT)
        if kind == K.K_TASK_RUN:
            i = a & 0xFFFFFFFF
            check(obj == i + 1 and a >> 32 == 7 and src <= t and flags == K.TASK_RETURNED,
                  "TASK_RUN %d: obj %d a %x src %d t %d flags %d" % (i, obj, a, src, t, flags))


def summarised_chunk_records(d):
    """A pool worker's chunk of more than SUMMARY_ABOVE tasks: two records
    (TASK_START and TASK_END flagged SUMMARY), none a task; one that raises
    says how many ran."""
    import multiprocessing as mp
    import multiprocessing.pool as mpool
    from multiprocessing.reduction import ForkingPickler
    import parviz_trace
    from parviz_trace import _ring as K
    from parviz_trace import _pool
    ring = parviz_trace._ring_obj
    n = _pool.SUMMARY_ABOVE + 500
    items = tuple(range(5000, 5000 + n))
    data = [ForkingPickler.dumps((9, 0, mpool.mapstar, ((h, items),), {})),
            ForkingPickler.dumps((9, 1, mpool.mapstar, ((h, tuple(range(100, 100 + n))),), {})),
            ForkingPickler.dumps(None)]

    class Reader:
        def __init__(s, items):
            s.it = iter(items)

        def recv_bytes(s):
            return next(s.it)

        def close(s):
            pass

    class Writer:
        def __init__(s):
            s.n = 0

        def send_bytes(s, b):
            s.n += 1

        def close(s):
            pass
    ctx = mp.get_context("fork")
    inq, outq = ctx.SimpleQueue(), ctx.SimpleQueue()
    inq._reader, inq._writer = Reader(data), Writer()
    outq._reader, outq._writer = Reader([]), Writer()
    inq._parviz_key, outq._parviz_key, outq._parviz_results = 11, 12, True
    before = ring.head
    _pool._worker(inq, outq)
    check(outq._writer.n == 2, "the worker put %d chunk results of 2" % outq._writer.n)
    slot = struct.Struct("<qBBHiQQQQ")
    recs = [slot.unpack_from(ring.mm, K.HEADER + s * K.SLOT) for s in range(before, ring.head)]
    tasks = [(kind, flags, obj, a, src) for t, kind, flags, _, obj, a, b, src, seq in recs
             if kind in (K.K_TASK_START, K.K_TASK_END, K.K_TASK_RUN)]
    S = K.TASK_SUMMARY
    check(tasks == [(K.K_TASK_START, K.TASK_TAKEN | S, 0, 9 << 32, n), (K.K_TASK_END, K.TASK_RETURNED | S, n, 9 << 32, 0),
                    (K.K_TASK_START, K.TASK_TAKEN | S, 0, 9 << 32 | 1, n),
                    (K.K_TASK_END, 1 | K.TASK_RETURNED | S, 1234 - 100 + 1, 9 << 32 | 1, 0)],
          "a summarised chunk's records: %r" % tasks)


def h(x):
    if x == 1234:
        raise ZeroDivisionError("division by zero")
    return x


if __name__ == "__main__":
    sys.exit(main())

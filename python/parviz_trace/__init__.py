"""parviz_trace: shows parviz what a Python program's processes do.

Standard library only, Python >= 3.8. `parviz trace -- python3 prog.py` loads
it through sitecustomize (see ../sitecustomize.py); install() then patches
multiprocessing in this process. Forked children inherit the patches; a child
started by spawn or by the fork server is a new interpreter that inherits
PYTHONPATH and PARVIZ_TRACE_DIR, so it installs them itself.
Each process writes its events into its own shared-memory ring (_ring.py),
stamped with time.monotonic_ns(); docs/python-trace-wire.md has the format.

What is recorded (fork, spawn and forkserver start methods):
  processes  start requested (in the parent, before the fork), running (the
             child, with current_process().name), exit code (the child's own,
             or the code/-signal the parent's Popen.poll saw)
  Queue      put (with a bounded repr preview), the moment the item went into
             the pipe, get, Empty, Full; a get is paired with its put by pipe
             order in parviz (nothing extra is pickled)
  Lock       wait (only when it must wait), acquire, release, timeouts: the
             owner is the process that acquired it
  Semaphore  the same, several holders at once (BoundedSemaphore too)
  Event, Condition, Barrier, JoinableQueue.join, a Pool's results
             waits that block (who, how long, timed out, broken) and the
             signals: set, clear, notify, notify_all, task_done, abort,
             reset (_sync.py)
  SimpleQueue, a Pool's task queue   put and get, paired by pipe order
  Pool       every form (map, imap, imap_unordered, starmap, apply and their
             _async forms) and ProcessPoolExecutor (submit, map): each job's
             length and chunksize, each task's start and end in the worker
             that ran it (failed when it raised); see _pool.py
  print      each complete line a process writes to stdout or stderr
  sleep      the program's time.sleep: its process's lane is "sleeping" while
             it sleeps (STATE enter and leave, the enter with the sleep's line);
             a Queue / SimpleQueue get that blocks: "waits for queue" (the same)
  and the file:line of the program's code each event came from.

The tracer never changes what the program does: it adds no pickled data, the
original methods do the work, and an error inside the tracer is swallowed
rather than raised into the program. Nor what it prints: tracebacks leave the
tracer's frames out (_tb.py).
"""
import os
import sys

if sys.version_info < (3, 8):
    raise ImportError("parviz_trace needs Python 3.8 or newer (this is %d.%d)" % sys.version_info[:2])

from . import _ring
from ._ring import Ring

_dir = None
_ring_obj = None
_installed = False


def ring():
    """This process's ring, created at its first event (after a fork, anew)."""
    global _ring_obj
    r = _ring_obj
    if r is None:
        r = _ring_obj = Ring(_dir)
    return r


# The writers the hooks call (emit, emit_at, emit_text): Ring.emit, emit_at
# and emit_text with the ring write inlined, so an event costs one Python call,
# not two (~80-150 ns an event less; a traced Pool.map writes 4 events a task,
# 2 of them in MainProcess, whose three threads share one GIL). Same contract
# as Ring's methods (lock, `busy`, full ring, re-entry from a signal handler:
# see _ring.py's doc); keep the two in step. Never raises into the program.
_HEADER, _SLOT, _TEXT_LEN_BITS, _OFF_TEXT_HEAD = _ring.HEADER, _ring.SLOT, _ring.TEXT_LEN_BITS, _ring.OFF_TEXT_HEAD
_pack_slot = _ring._slot.pack_into
_pack_u64 = _ring._u64.pack_into
_now = _ring._monotonic_ns
_MASK64 = _ring._U64_MASK
_INLINE, _INLINE_MAX = _ring.INLINE_TEXT, _ring.INLINE_MAX
_from_bytes = int.from_bytes


def emit(kind, obj=0, a=0, b=0, src=0, flags=0):
    """An event into this process's ring; never raises into the program."""
    try:
        r = _ring_obj
        if r is None:
            r = ring()
        lock = r.lock
        lock.acquire()
        if r.busy:
            lock.release()
            return r._reentered()
        r.busy = True
        try:
            head = r.head
            if head - r.tail_seen >= r.mark and r._full():
                return
            r.head = head + 1
            _pack_slot(r.mm, _HEADER + (head & r.mask) * _SLOT, _now(), kind, flags, 0,
                       obj, a & _MASK64, b & _MASK64, src, head + 1)
        finally:
            r.busy = False
            lock.release()
    except Exception:
        pass


def emit_at(t, kind, obj=0, a=0, b=0, src=0, flags=0):
    """An event stamped t (Ring.emit_at); never raises into the program."""
    try:
        r = _ring_obj
        if r is None:
            r = ring()
        lock = r.lock
        lock.acquire()
        if r.busy:
            lock.release()
            return r._reentered()
        r.busy = True
        try:
            head = r.head
            if head - r.tail_seen >= r.mark and r._full():
                return
            r.head = head + 1
            _pack_slot(r.mm, _HEADER + (head & r.mask) * _SLOT, t, kind, flags, 0,
                       obj, a & _MASK64, b & _MASK64, src, head + 1)
        finally:
            r.busy = False
            lock.release()
    except Exception:
        pass


def intern(text):
    """The interned id of a string in this process's ring; 0 (none) when the
    ring cannot be made (never raises into the program)."""
    try:
        r = _ring_obj
        if r is None:
            r = ring()
        return r.intern(text)
    except Exception:
        return 0


def emit_text(kind, text, limit=64, obj=0, a=0, src=0, flags=0):
    """An event whose b is a text (Ring.emit_text); never raises into the program."""
    try:
        r = _ring_obj
        if r is None:
            r = ring()
        lock = r.lock
        lock.acquire()
        if r.busy:
            lock.release()
            return r._reentered()
        r.busy = True
        try:
            head = r.head
            if head - r.tail_seen >= r.mark and r._full():
                return
            t = _now()
            data = text.encode("utf-8", "replace")
            n = len(data)
            if n > limit:
                data = data[:limit].decode("utf-8", "ignore").encode("utf-8")
                n = len(data)
            mm = r.mm
            if n <= _INLINE_MAX:          # in the ref itself (most previews: "3", "[9]")
                ref = _INLINE | (n << 56) | _from_bytes(data, "little")
            else:
                off = r.text_head
                size = r.text_size
                pos = off % size
                if pos + n > size:        # never split a text across the end
                    off += size - pos
                    pos = 0
                base = r.text_base + pos
                mm[base:base + n] = data
                r.text_head = off + n
                _pack_u64(mm, _OFF_TEXT_HEAD, off + n)
                if off + n >= r.text_mark:    # a quarter of the text area since the last bell
                    r._text_bell()
                ref = (off << _TEXT_LEN_BITS) | n
            r.head = head + 1
            _pack_slot(mm, _HEADER + (head & r.mask) * _SLOT, t, kind, flags, 0,
                       obj, a & _MASK64, ref, src, head + 1)
        finally:
            r.busy = False
            lock.release()
    except Exception:
        pass


def _after_fork_in_child():
    global _ring_obj
    _ring_obj = None
    from . import _hooks
    _hooks.after_fork_in_child()


def install(directory=None):
    """Starts tracing this process (idempotent)."""
    global _dir, _installed
    if _installed:
        return
    _dir = directory or os.environ["PARVIZ_TRACE_DIR"]
    _installed = True
    os.register_at_fork(after_in_child=_after_fork_in_child)
    from . import _hooks
    _hooks.install()

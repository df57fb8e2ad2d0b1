"""The writer side of parviz's Python trace ring (docs/python-trace-wire.md).

One ring per process: a file in PARVIZ_TRACE_DIR, mapped shared, holding a
256-byte header, fixed 48-byte event slots and a text area. Every thread of
the process writes through Ring.emit under one lock (CPython's bytecodes
interleave between threads, so the slot index needs it); the reader (parviz)
only ever advances `tail`. A full ring drops the event and counts it in
`lost`; it never blocks the program.

Re-entry: a Python signal handler runs in the main thread between two
bytecodes, so it can run inside that thread's own write (a handler that
prints, or puts on a Queue). The lock is a threading.RLock, so the handler
gets in, and `busy` says a write of this thread is half done: the handler's
event is then dropped and counted in `reentered` (its own header field,
which parviz adds to the losses it shows). Waiting would deadlock; writing
would tear the half-done slot. Another thread's write is simply waited for.

Publication: a slot is one struct.pack_into whose last field is its sequence
number (head + 1); x86-64 keeps stores in order, so a reader that sees the
sequence number sees the whole slot. There is no separate head store.

The reader's promise (how late a record can still come): an emit reads the
clock and publishes within the same locked call, so the reader allows a
slack (docs); a begin() that must stamp a time long before it publishes
(Process.start: before the fork, published after it) raises `writing` until
its finish(), and the reader then waits for it.
"""
import mmap
import os
import struct
import threading
import time

MAGIC = b"PVZRING1"
VERSION = 2                               # 2: TASK_RUN and the open task (OFF_OPEN_TASK)
HEADER = 256
SLOT = 48
OFF_WRITING, OFF_LOST, OFF_TEXT_HEAD, OFF_REENTERED, OFF_TAIL = 56, 64, 72, 80, 128
# The pool task this process's main thread runs now, whose TASK_RUN record
# comes only when it ends: gen, start time, a (job << 32 | chunk), gen again
# (a seqlock: written in address order, read back to front). parviz draws the
# task's start from here while it runs (docs/python-trace-wire.md, TASK_RUN).
OFF_OPEN_TASK = 88
TEXT_LEN_BITS = 12                        # a text ref is offset << 12 | length
MAX_TEXT = (1 << TEXT_LEN_BITS) - 1
# ... or, for a text of at most 7 bytes, the text itself: INLINE_TEXT | length
# << 56 | its bytes (little-endian), and nothing goes into the text area.
INLINE_TEXT, INLINE_MAX = 1 << 63, 7

_header = struct.Struct("<8sIIQQQii")
_slot = struct.Struct("<qBBHiQQQQ")       # t, kind, flags, -, obj, a, b, src, seq (last)
_u64 = struct.Struct("<Q")
_open_task = struct.Struct("<QqQQ")       # gen, t, a, gen (at OFF_OPEN_TASK)
assert _slot.size == SLOT

_monotonic_ns = time.monotonic_ns
_U64_MASK = (1 << 64) - 1


_bell = None                              # (fd, (st_dev, st_ino)) of the bell FIFO; False: none


def ring_bell(directory):
    """Wakes parviz's reader at once: a byte into the directory's `bell` FIFO
    (docs/python-trace-wire.md), which parviz holds open for reading. Nothing
    when there is none (an older parviz) or it is full (parviz is woken
    already). The descriptor is checked before each write: a program that
    closed every descriptor may have reused its number for a file of its own."""
    global _bell
    if _bell is False:
        return
    try:
        if _bell is not None:
            try:
                st = os.fstat(_bell[0])
                if (st.st_dev, st.st_ino) != _bell[1]:
                    _bell = None
            except OSError:
                _bell = None
        if _bell is None:
            fd = os.open(os.path.join(directory, "bell"), os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            st = os.fstat(fd)
            _bell = (fd, (st.st_dev, st.st_ino))
        os.write(_bell[0], b"!")
    except BlockingIOError:
        pass
    except OSError:
        _bell = False


class Ring:
    """A process's ring. Create it in the process that writes it."""

    def __init__(self, directory, slots=1 << 14, text_bytes=1 << 18):
        pid, ppid = os.getpid(), os.getppid()
        size = HEADER + slots * SLOT + text_bytes
        stamp = time.monotonic_ns()
        tmp = os.path.join(directory, ".%d-%d.tmp" % (pid, stamp))
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            os.ftruncate(fd, size)
            self.mm = mmap.mmap(fd, size)
        finally:
            os.close(fd)
        _header.pack_into(self.mm, 0, MAGIC, VERSION, HEADER, slots, SLOT, text_bytes, pid, ppid)
        # Renamed into place only when complete: a ring the reader sees is ready.
        os.rename(tmp, os.path.join(directory, "%d-%d.ring" % (pid, stamp)))
        self.pid = pid
        self.directory = directory
        self.slots = slots
        # Fill marks: parviz's reader may sleep tens of ms while its rings are
        # quiet, so a writer rings its bell (ring_bell) once a quarter of the
        # slots waits unread, and after each quarter of the text area written.
        # The emits test `head - tail_seen >= mark` where they tested `>= slots`.
        self.mark = slots >> 2
        self.rang_at = -1                 # the tail at the last slot bell: once per reader step
        self.text_mark = text_bytes >> 2  # text_head at which the next text bell rings
        self.mask = slots - 1
        self.text_base = HEADER + slots * SLOT
        self.text_size = text_bytes
        self.head = 0
        self.tail_seen = 0
        self.lost = 0
        self.text_head = 0
        self.open_begins = 0
        self.task_gen = 0                 # TASK_RUNs begun (open_task), this ring's count
        self.reentered = 0                # events dropped because a signal handler came mid-write
        self.busy = False                 # a write of the lock's owner is half done (under self.lock)
        self.lock = threading.RLock()
        self.strings = {}                 # interned text -> id (ids from 1)

    # -- under self.lock -------------------------------------------------------
    def _full(self):
        """The writer passed the fill mark by what it last knew of `tail`:
        read it again; ring the bell if a quarter is still unread; True (and
        one more lost) only if the ring is full."""
        tail = self.tail_seen = _u64.unpack_from(self.mm, OFF_TAIL)[0]
        used = self.head - tail
        if used < self.mark:
            return False
        if tail != self.rang_at:
            self.rang_at = tail
            ring_bell(self.directory)
        if used < self.slots:
            return False
        self.lost += 1
        _u64.pack_into(self.mm, OFF_LOST, self.lost)
        return True

    def _text_bell(self):
        self.text_mark = self.text_head + (self.text_size >> 2)
        ring_bell(self.directory)

    def _text(self, s, limit):
        data = s.encode("utf-8", "replace")
        if len(data) > limit:
            data = data[:limit].decode("utf-8", "ignore").encode("utf-8")
        n = len(data)
        off = self.text_head
        pos = off % self.text_size
        if pos + n > self.text_size:      # never split a text across the end
            off += self.text_size - pos
            pos = 0
        base = self.text_base + pos
        self.mm[base:base + n] = data
        self.text_head = off + n
        _u64.pack_into(self.mm, OFF_TEXT_HEAD, self.text_head)
        if self.text_head >= self.text_mark:
            self._text_bell()
        return (off << TEXT_LEN_BITS) | n

    def _reentered(self):
        """The owner of the lock came back from a signal handler while its own
        write is half done: the handler's event is dropped, and counted."""
        self.reentered += 1
        _u64.pack_into(self.mm, OFF_REENTERED, self.reentered)

    # -- any thread ------------------------------------------------------------
    # Each write: acquire (another thread's write is waited for; this thread's
    # own, re-entered from a signal handler, is not: see the module's doc),
    # `busy` while the slot is half written. acquire/release and try/finally
    # rather than `with`: ~80 ns less an event (CPython 3.11).
    def emit(self, kind, obj=0, a=0, b=0, src=0, flags=0):
        """One event (positional arguments are the fast path)."""
        lock = self.lock
        lock.acquire()
        if self.busy:
            lock.release()
            return self._reentered()
        self.busy = True
        try:
            head = self.head
            if head - self.tail_seen >= self.mark and self._full():
                return
            self.head = head + 1
            _slot.pack_into(self.mm, HEADER + (head & self.mask) * SLOT, _monotonic_ns(), kind, flags, 0,
                            obj, a & _U64_MASK, b & _U64_MASK, src, head + 1)
        finally:
            self.busy = False
            lock.release()

    def emit_at(self, t, kind, obj=0, a=0, b=0, src=0, flags=0):
        """One event stamped t (a time.monotonic_ns() read microseconds ago,
        inside a lock whose order it records; the reader's slack covers it)."""
        lock = self.lock
        lock.acquire()
        if self.busy:
            lock.release()
            return self._reentered()
        self.busy = True
        try:
            head = self.head
            if head - self.tail_seen >= self.mark and self._full():
                return
            self.head = head + 1
            _slot.pack_into(self.mm, HEADER + (head & self.mask) * SLOT, t, kind, flags, 0,
                            obj, a & _U64_MASK, b & _U64_MASK, src, head + 1)
        finally:
            self.busy = False
            lock.release()

    def emit_text(self, kind, text, limit=64, obj=0, a=0, src=0, flags=0):
        """One event whose b is a text (a printed line, a value preview)."""
        lock = self.lock
        lock.acquire()
        if self.busy:
            lock.release()
            return self._reentered()
        self.busy = True
        try:
            head = self.head
            if head - self.tail_seen >= self.mark and self._full():
                return
            t = _monotonic_ns()
            # self._text(text, limit), inline: one Python call fewer (~100 ns) on
            # the path of every printed line, put preview and task result.
            data = text.encode("utf-8", "replace")
            n = len(data)
            if n > limit:
                data = data[:limit].decode("utf-8", "ignore").encode("utf-8")
                n = len(data)
            mm = self.mm
            if n <= INLINE_MAX:
                ref = INLINE_TEXT | (n << 56) | int.from_bytes(data, "little")
            else:
                off = self.text_head
                pos = off % self.text_size
                if pos + n > self.text_size:      # never split a text across the end
                    off += self.text_size - pos
                    pos = 0
                base = self.text_base + pos
                mm[base:base + n] = data
                self.text_head = off + n
                _u64.pack_into(mm, OFF_TEXT_HEAD, off + n)
                if off + n >= self.text_mark:
                    self._text_bell()
                ref = (off << TEXT_LEN_BITS) | n
            self.head = head + 1
            _slot.pack_into(mm, HEADER + (head & self.mask) * SLOT, t, kind, flags, 0,
                            obj, a & _U64_MASK, ref, src, head + 1)
        finally:
            self.busy = False
            lock.release()

    def open_task(self, a):
        """A one-item pool task starts now in this process's main thread:
        said in the header (no slot); returns (gen, start time) for its
        TASK_RUN (emit_text(K_TASK_RUN, preview, limit, gen & GEN_MASK, a, t)).
        Only a pool worker's main thread calls it, so it takes no lock."""
        g = self.task_gen = self.task_gen + 1
        t = _monotonic_ns()
        _open_task.pack_into(self.mm, OFF_OPEN_TASK, g, t, a & _U64_MASK, g)
        return g, t

    def intern(self, s):
        """A small id for a string that recurs (names, source lines); 0 (none)
        when asked from a signal handler inside this thread's own write (the
        string is defined the next time it is asked for)."""
        sid = self.strings.get(s)
        if sid is not None:
            return sid
        lock = self.lock
        lock.acquire()
        if self.busy:
            lock.release()
            return 0
        self.busy = True
        try:
            sid = self.strings.get(s)
            if sid is None:
                sid = len(self.strings) + 1
                self.strings[s] = sid
                head = self.head
                if not (head - self.tail_seen >= self.mark and self._full()):
                    t = _monotonic_ns()
                    b = self._text(s, MAX_TEXT)
                    self.head = head + 1
                    _slot.pack_into(self.mm, HEADER + (head & self.mask) * SLOT, t, K_STRING, 0, 0,
                                    0, sid, b, 0, head + 1)
        finally:
            self.busy = False
            lock.release()
        return sid

    def begin(self):
        """Stamps a time now for an event published later by finish(): holds
        `writing` up meanwhile, so the reader waits for it. Raises
        RuntimeError from a signal handler inside this thread's own write
        (Process.start then goes untraced; the event is counted as lost)."""
        lock = self.lock
        lock.acquire()
        if self.busy:
            lock.release()
            self._reentered()
            raise RuntimeError("parviz_trace: begin() re-entered from a signal handler")
        self.busy = True
        try:
            self.open_begins += 1
            _u64.pack_into(self.mm, OFF_WRITING, self.open_begins)
            return _monotonic_ns()
        finally:
            self.busy = False
            lock.release()

    def finish(self, t, kind, obj=0, a=0, b=0, src=0, flags=0):
        """Publishes begin()'s event (t = what begin() returned); t=None: none.
        (From a signal handler inside this thread's own write: the event is
        dropped and counted, and `writing` still goes down.)"""
        lock = self.lock
        lock.acquire()
        reentered = self.busy
        self.busy = True
        try:
            head = self.head
            if reentered:
                if t is not None:
                    self._reentered()
            elif t is not None and not (head - self.tail_seen >= self.mark and self._full()):
                self.head = head + 1
                _slot.pack_into(self.mm, HEADER + (head & self.mask) * SLOT, t, kind, flags, 0,
                                obj, a & _U64_MASK, b & _U64_MASK, src, head + 1)
        finally:
            self.open_begins -= 1
            _u64.pack_into(self.mm, OFF_WRITING, self.open_begins)
            self.busy = reentered
            lock.release()


# Wire kinds (docs/python-trace-wire.md). obj is i32, a and b are u64, src is
# the interned id of "file:line" (0: none).
K_STRING = 1          # a = string id, b = text ref: defines an interned string
K_PROC_NAME = 2       # a = string id of current_process().name, obj = role
K_PROC_START = 3      # (the parent) a = child pid, b = string id of its name, obj = role: start requested
K_PROC_EXIT = 4       # (the process itself) a = exit code (as i64)
K_PROC_REAPED = 5     # (the parent) a = child pid, b = exit code or -signal (as i64)
K_PRINT = 6           # b = text ref of one printed line, obj = 1 for stderr
K_QUEUE_NEW = 7       # a = queue key, b = string id of its name
K_QUEUE_PUT = 8       # a = queue key, obj = put number in this process, b = text ref of the preview
K_QUEUE_WRITE = 9     # a = queue key, obj = put number (0: unknown) — the item went into the pipe
K_QUEUE_GET = 10      # a = queue key — an item came out of the pipe
K_QUEUE_EMPTY = 11    # a = queue key
K_QUEUE_FULL = 12     # a = queue key
K_LOCK_NEW = 13       # a = lock key, b = string id of its name; flags LOCK_SEMAPHORE: obj = a Semaphore's value
K_LOCK_WAIT = 14      # a = lock key
K_LOCK_ACQUIRE = 15   # a = lock key
K_LOCK_RELEASE = 16   # a = lock key
K_LOCK_TIMEOUT = 17   # a = lock key (a non-blocking or timed acquire gave up)
K_POOL_JOB = 18       # a = job, b = chunksize, obj = number of tasks; flags JOB_APPLY: apply / apply_async
K_TASK_START = 19     # a = job << 32 | chunk, obj = index in the chunk, b = text ref of the argument
K_TASK_END = 20       # as TASK_START; flags = 1 when it raised, and then b = text ref of "Type: message"
TASK_TAKEN = 4        # TASK_START flags: the first task of a chunk (or call) the worker just took from its
                      # pool's task queue (its get); src = the chunk's task count, not a source line
K_TASK_RUN = 32       # (version 2) a one-item chunk or a call run by a pool worker that said POOL_WORKER, in
                      # one record written when it ended: t = its end, src = its start (the time open_task
                      # stamped), obj = its open_task gen & GEN_MASK, a = job << 32 | chunk; flags and b as
                      # TASK_END's (RETURNED with the result's preview, or RAISED with "Type: message").
                      # It stands for TASK_START (TAKEN | NAME_FROM_PUT, a one-task chunk) + TASK_END.
GEN_MASK = 0x7FFFFFFF
TASK_SUMMARY = 16     # TASK_START / TASK_END flags: a summarised chunk (more than SUMMARY_ABOVE tasks): START
                      # (with TAKEN, no text) src = its task count; END obj = the tasks that ran (the last
                      # raised when RAISED); no record for each task
SUMMARY_ABOVE = 1000
TASK_NAME_FROM_PUT = 8  # TASK_START flags: no text: its name is the task-queue put's preview (one item)
TASK_RETURNED = 4     # TASK_END flags: the chunk's last task (or the one that raised): the worker hands the
                      # chunk's result back on its result queue now; b = text ref of the result's preview
                      # (raised: of "Type: message", and the result is "raised Type")
K_STATE = 21          # obj = the wait entered (2 sleeping, 3 queue wait), a = its object's key (0: none);
                      # flags STATE_LEAVE: that wait ended, the lane goes back to what it was in
STATE_IDLE, STATE_SLEEPING, STATE_WAIT_QUEUE = 0, 2, 3
STATE_LEAVE = 1
K_PROC_KILL = 22      # (the asking process) a = target pid, b = signal: Process.terminate() / kill()
K_SYNC_WAIT = 23      # a = key, obj = the object's kind (parviz's ObjectKind), b = what (1: a pool's results)
K_SYNC_WAKE = 24      # as SYNC_WAIT; flags 1 = timed out, 2 = broken (BrokenBarrierError)
K_SYNC_SIGNAL = 25    # a = key, obj = kind, b = op | count << 32 (set, clear, notify, notify_all, task_done, abort, reset)
K_SYNC_NEW = 26       # a = key, b = string id of its name, obj = kind | size << 8 (a Barrier's parties)
K_PROC_JOIN = 33      # (the joining process) a = child pid: Process.join from the program's code starts waiting for
                      # a running child; flags JOIN_END = the join returned, JOIN_TIMED_OUT too: the child still runs
JOIN_END = 1
JOIN_TIMED_OUT = 2
K_JOB_CODE = 34       # (the pool's process, after POOL_JOB) a = job, src = "file:line" of the def of the function its
                      # tasks run (no source line of the writer's): its workers are on that line while in its tasks;
                      # b = that function's interned __name__ (0: none): a task over a number is named "f(n)"
K_QUEUE_DISCARD = 27  # a = queue key: the items still in it are dropped unread (its Pool was terminated)
# A Pool's two queues, whose worker ends parviz derives from the worker's tasks
# (docs/python-trace-wire.md, "A pool's queues"): an item carries its identity,
# job << 32 | index (CPython's (job, i, ...)), in src, which is then no source line.
K_POOL_WORKER = 28    # (a pool worker, once) a = its task queue's key, b = its result queue's key
K_POOL_PUT = 29       # a = queue key, b = text ref of the preview, src = identity: put, in the pipe at once
K_POOL_GET = 30       # a = queue key, src = identity: MainProcess's result handler took that item
K_POOL_RESULTS = 31   # the program received a job's results (get() / next() returned or raised): a = job,
                      # obj = chunk number (-1: the whole job), b = its task count; flags 1 = it raised
JOB_APPLY = 1         # POOL_JOB flags: one call (apply, apply_async), no chunk of a map
JOB_CALLS = 4         # POOL_JOB flags: imap at chunksize 1: each task is one call, its result no chunk's list
PUT_WRITTEN = 1       # QUEUE_PUT flags: the item went into the pipe at once (a SimpleQueue: no feeder)
LOCK_SEMAPHORE = 1    # LOCK_NEW flags: a Semaphore (obj = its initial value, may be 0)

ROLE_MAIN, ROLE_PROCESS, ROLE_POOL_WORKER, ROLE_HELPER = 0, 1, 2, 3

"""Synchronisation primitives for parviz_trace (see _hooks.py, which installs
this): Semaphore and BoundedSemaphore (as locks with several holders), Event,
Condition, Barrier, JoinableQueue's task_done and join, SimpleQueue (the
program's, and a Pool's task and result queues), and MainProcess waiting for
a Pool's results.

Wire (docs/python-trace-wire.md): SYNC_NEW names an Event, Condition or
Barrier; SYNC_WAIT and SYNC_WAKE bracket a wait that blocks (obj = the
object's kind, parviz's ObjectKind number); SYNC_SIGNAL is set, clear,
notify, notify_all, task_done, abort or reset. A Semaphore speaks the lock
kinds (LOCK_NEW with flags LOCK_SEMAPHORE and obj = its initial value, which
may be 0); parviz counts its holders as acquirers minus their own releases, a
release by a process holding none being a signal.

Which objects are traced: only those the program makes (their creator's frame
is the program's), never multiprocessing's own (an Event's internal
Condition, a JoinableQueue's Semaphore). Keys: fork children inherit the
creator's table (_keys, by object); under spawn and forkserver a child
rebuilds the object from a pickle that carries nothing of ours, only its
semaphores' names, so the program's objects get semaphore names carrying a
mark (_SYNC_MARK) and the key is the name's hash, as for Lock.

Nothing here changes what the program does or pickles: wrappers call the
originals; SimpleQueue's get and put repeat CPython's three lines so that
their stamps fall inside the queue's own read and write locks (the pipe's
order), which a wrapper around the call could not do.
"""
import collections
import contextlib
import itertools
import threading
import weakref

import multiprocessing
import multiprocessing.pool
import multiprocessing.queues
import multiprocessing.synchronize as _sy

from . import _ring as W
import parviz_trace as _pt

_emit = _pt.emit
_emit_text = _pt.emit_text
_hooks = None                       # parviz_trace._hooks, set by install()

# parviz's ObjectKind numbers (core/include/parviz/trace.hpp)
KIND_QUEUE, KIND_LOCK, KIND_EVENT, KIND_CONDITION, KIND_BARRIER = 0, 1, 2, 3, 4
# SYNC_SIGNAL ops (parviz's SyncOp)
OP_SET, OP_CLEAR, OP_NOTIFY, OP_NOTIFY_ALL, OP_TASK_DONE, OP_ABORT, OP_RESET = 1, 2, 3, 4, 5, 6, 7
WAKE_TIMED_OUT, WAKE_BROKEN = 1, 2
WAIT_POOL_RESULTS = 1               # SYNC_WAIT b: MainProcess waits for a pool job's results

_SYNC_MARK = "-pvzs"                # semaphores inside a program's Event, Barrier, SimpleQueue
_COND_MARK = "-pvzc"                # ... inside a program's Condition (an Event's or a Barrier's has _SYNC_MARK)
_marking = threading.local()
_orig_make_name = _sy.SemLock._make_name
_keys = weakref.WeakKeyDictionary()  # object -> key (0: not the program's)
_numbers = {k: itertools.count(1) for k in ("Event", "Condition", "Barrier", "Semaphore", "BoundedSemaphore",
                                            "SimpleQueue")}


def _make_name():
    name = _orig_make_name()
    mark = getattr(_marking, "mark", None)
    return name.replace("-", mark + "-", 1) if mark else name


@contextlib.contextmanager
def _marked(mark=_SYNC_MARK):
    old = getattr(_marking, "mark", None)
    _marking.mark = mark
    try:
        yield
    finally:
        _marking.mark = old


def _by_program(depth):
    """The frame `depth` up (skipping parviz_trace and context.py) is the program's."""
    return _hooks._lock_origin(depth + 1) == "program"


def _register(obj, semlock, kind, name, size=0, depth=3):
    key = _hooks._name_key(semlock) or _hooks._key()
    try:
        _keys[obj] = key
    except TypeError:
        return 0
    _emit(W.K_SYNC_NEW, kind | (size << 8), key, _pt.intern(name), _hooks._src(depth))
    return key


def _key_of(obj, semlock, mark=_SYNC_MARK):
    """The key of a traced object, 0 for one that is not the program's. A
    spawn child's copy is found by its semaphore's mark."""
    k = _keys.get(obj)
    if k is None:
        name = getattr(semlock, "name", None) or ""
        k = _hooks._name_key(semlock) if mark + "-" in name else 0
        try:
            _keys[obj] = k
        except TypeError:
            pass
    return k


def _waited(kind, key, call, timed_out=lambda r: r is False, what=0):
    """SYNC_WAIT, the blocking call, SYNC_WAKE (flags: timed out / broken)."""
    src = _hooks._src(3)
    _emit(W.K_SYNC_WAIT, kind, key, what, src)
    try:
        r = call()
    except threading.BrokenBarrierError:
        _emit(W.K_SYNC_WAKE, kind, key, 0, src, WAKE_BROKEN)
        raise
    except BaseException:
        _emit(W.K_SYNC_WAKE, kind, key, 0, src)
        raise
    _emit(W.K_SYNC_WAKE, kind, key, 0, src, WAKE_TIMED_OUT if timed_out(r) else 0)
    return r


def _signal(kind, key, op, count=1):
    _emit(W.K_SYNC_SIGNAL, kind, key, op | (min(count, 0xFFFFFFFF) << 32), _hooks._src(3))


# =============================================================================
# Semaphore, BoundedSemaphore: locks with several holders
# =============================================================================
def _sem_functions(sem, key):
    sl = sem._semlock
    sem_release = sl.release
    bounded = isinstance(sem, _sy.BoundedSemaphore)
    acquire = _hooks._traced_acquire(sl.acquire, key)   # the same events as a Lock's

    def release():
        # Before the release (the next acquirer's stamp comes after it); none
        # when a BoundedSemaphore's release raises (already at its value).
        try:
            ok = not bounded or sl._get_value() < sl.maxvalue
        except Exception:
            ok = True
        if ok:
            _emit(W.K_LOCK_RELEASE, 0, key, 0, _hooks._src(2))
        return sem_release()

    sem.acquire, sem.release = acquire, release


def _sem_init(orig):
    def init(self, value=1, *args, **kwargs):
        if not _by_program(2):
            return orig(self, value, *args, **kwargs)
        self._make_name = _hooks._marked_name       # a spawn child knows it is the program's
        try:
            orig(self, value, *args, **kwargs)
        finally:
            self.__dict__.pop("_make_name", None)
        key = self._parviz_key = _hooks._name_key(self._semlock) or _hooks._key()
        _sem_functions(self, key)
        name = "%s-%d" % (type(self).__name__, next(_numbers[type(self).__name__]))
        # flags: a Semaphore, whose value may be 0 (one used for signalling)
        _emit(W.K_LOCK_NEW, max(0, int(value)), key, _pt.intern(name), _hooks._src(2), W.LOCK_SEMAPHORE)
    return init


def traced_semaphore_copy(sem):
    """A Semaphore rebuilt in a spawn child (SemLock.__setstate__): traced
    again when the program made it."""
    key = sem._parviz_key = _hooks._name_key(sem._semlock)
    _sem_functions(sem, key)


def _sem_enter(self):
    return self.acquire()


def _sem_exit(self, *args):
    return self.release()


# =============================================================================
# Event
# =============================================================================
_Event = _sy.Event
_orig_event = {n: getattr(_Event, n) for n in ("__init__", "set", "clear", "wait")}


def _event_init(self, *args, **kwargs):
    if not _by_program(2):
        return _orig_event["__init__"](self, *args, **kwargs)
    with _marked():
        _orig_event["__init__"](self, *args, **kwargs)
    _register(self, self._flag._semlock, KIND_EVENT, "Event-%d" % next(_numbers["Event"]))


def _event_set(self):
    key = _key_of(self, self._flag._semlock)
    if key:
        _signal(KIND_EVENT, key, OP_SET)
    return _orig_event["set"](self)


def _event_clear(self):
    key = _key_of(self, self._flag._semlock)
    if key:
        _signal(KIND_EVENT, key, OP_CLEAR)
    return _orig_event["clear"](self)


def _event_wait(self, timeout=None):
    key = _key_of(self, self._flag._semlock)
    if not key or self.is_set():                     # a wait on a set flag does not block
        return _orig_event["wait"](self, timeout)
    return _waited(KIND_EVENT, key, lambda: _orig_event["wait"](self, timeout))


# =============================================================================
# Condition (its lock is traced as "Condition-N lock")
# =============================================================================
_Condition = _sy.Condition
_orig_cond = {n: getattr(_Condition, n) for n in ("__init__", "wait", "notify", "notify_all")}


def _trace_condition_lock(cond, name):
    lock = cond._lock
    if lock.__dict__.get("_parviz_key") is not None:
        return                                       # the program's own Lock, traced already
    key = _hooks._name_key(lock._semlock) or _hooks._key()
    if isinstance(lock, _sy.RLock):
        _hooks._rlock_trace(lock, key, True)
    elif isinstance(lock, _sy.Lock):
        lock._parviz_key = key
        _hooks._traced_lock_methods(lock, key)
    else:
        return
    _emit(W.K_LOCK_NEW, 0, key, _pt.intern(name + " lock"), _hooks._src(3))
    cond._make_methods()                             # acquire / release bound again, now traced


def _cond_init(self, *args, **kwargs):
    if not _by_program(2):
        return _orig_cond["__init__"](self, *args, **kwargs)
    with _marked(_COND_MARK):
        _orig_cond["__init__"](self, *args, **kwargs)
    name = "Condition-%d" % next(_numbers["Condition"])
    if _register(self, self._wait_semaphore._semlock, KIND_CONDITION, name):
        _trace_condition_lock(self, name)


def _cond_key(cond):
    return _key_of(cond, cond._wait_semaphore._semlock, _COND_MARK)


def _cond_wait(self, timeout=None):
    key = _cond_key(self)
    if not key:
        return _orig_cond["wait"](self, timeout)
    return _waited(KIND_CONDITION, key, lambda: _orig_cond["wait"](self, timeout))


def _cond_notify_op(op):
    def notify(self, n=1):
        key = _cond_key(self)
        if key:
            try:
                mine = self._lock._semlock._is_mine()
            except Exception:
                mine = False
            if mine:                                 # else CPython's assert raises: no event
                _signal(KIND_CONDITION, key, op, n if op == OP_NOTIFY else 0)
        return _orig_cond["notify"](self, n)
    return notify


def _cond_notify_all(self):
    return _cond_notify_op(OP_NOTIFY_ALL)(self, 0x7FFFFFFFFFFFFFFF)


# =============================================================================
# Barrier
# =============================================================================
_Barrier = _sy.Barrier
_orig_barrier = {n: getattr(_Barrier, n) for n in ("__init__", "wait", "abort", "reset")}


def _barrier_init(self, parties, *args, **kwargs):
    if not _by_program(2):
        return _orig_barrier["__init__"](self, parties, *args, **kwargs)
    with _marked():
        _orig_barrier["__init__"](self, parties, *args, **kwargs)
    _register(self, self._cond._wait_semaphore._semlock, KIND_BARRIER,
              "Barrier-%d" % next(_numbers["Barrier"]), min(int(parties), 0x7FFFFF))


def _barrier_key(self):
    return _key_of(self, self._cond._wait_semaphore._semlock)


def _barrier_wait(self, timeout=None):
    key = _barrier_key(self)
    if not key:
        return _orig_barrier["wait"](self, timeout)
    return _waited(KIND_BARRIER, key, lambda: _orig_barrier["wait"](self, timeout), lambda r: False)


def _barrier_op(name, op):
    def call(self):
        key = _barrier_key(self)
        if key:
            _signal(KIND_BARRIER, key, op)
        return _orig_barrier[name](self)
    return call


# =============================================================================
# JoinableQueue: task_done, join
# =============================================================================
_JQ = multiprocessing.queues.JoinableQueue
_orig_jq = {n: getattr(_JQ, n) for n in ("put", "task_done", "join")}


def _jq_task_done(self):
    # Stamped before the call (the last one wakes join(), whose wake comes
    # after it); none when it will raise ValueError (called too often).
    key = _hooks._q_key(self)
    if key:
        try:
            pending = self._unfinished_tasks._semlock._get_value() > 0
        except Exception:
            pending = True
        if pending:
            _signal(KIND_QUEUE, key, OP_TASK_DONE)
    return _orig_jq["task_done"](self)


def _jq_join(self):
    key = _hooks._q_key(self)
    try:
        done = self._unfinished_tasks._semlock._is_zero()
    except Exception:
        done = True
    if not key or done:
        return _orig_jq["join"](self)
    return _waited(KIND_QUEUE, key, lambda: _orig_jq["join"](self), lambda r: False)


# =============================================================================
# SimpleQueue (the program's, and a Pool's task queue)
# =============================================================================
_SQ = multiprocessing.queues.SimpleQueue
_orig_sq = {n: getattr(_SQ, n) for n in ("__init__", "__setstate__", "get", "put")}
_loads = multiprocessing.queues._ForkingPickler.loads
_dumps = multiprocessing.queues._ForkingPickler.dumps


def _sq_init(self, *args, **kwargs):
    if not _by_program(2):
        return _orig_sq["__init__"](self, *args, **kwargs)
    with _marked():
        _orig_sq["__init__"](self, *args, **kwargs)
    key = self._parviz_key = _hooks._name_key(self._rlock._semlock) or _hooks._key()
    _emit(W.K_QUEUE_NEW, 0, key, _pt.intern("SimpleQueue-%d" % next(_numbers["SimpleQueue"])), _hooks._src(2))


def _sq_setstate(self, state):
    """A copy in a spawn child: traced when its read lock carries the mark."""
    _orig_sq["__setstate__"](self, state)
    try:
        name = getattr(self._rlock._semlock, "name", None) or ""
        if _SYNC_MARK + "-" in name:
            self._parviz_key = _hooks._name_key(self._rlock._semlock)
    except Exception:
        pass


def _sq_get(self):
    key = self.__dict__.get("_parviz_key")
    if not key:
        return _orig_sq["get"](self)
    waits = _hooks.wait_begins(self, key, 2)
    try:
        with self._rlock:
            res = self._reader.recv_bytes()
            _emit(W.K_QUEUE_GET, 0, key, 0, _hooks._src(2))  # inside the read lock: get order = pipe order
    finally:
        if waits:
            _hooks.wait_ends(key)
    return _loads(res)


def _result_preview(obj):
    """A pool result-queue item, (job, i, (ok, value)), as the result it
    carries: the value's preview, or what the task raised; None is a stop
    signal for MainProcess's result handler."""
    if obj is None:
        return "None"
    try:
        job, i, (ok, value) = obj
        if ok:
            if type(value) is list and len(value) == 1:   # a chunk of one (map at chunksize 1): no reprlib (~1.4 us)
                return "[" + _hooks._preview(value[0]) + "]"
            return _hooks._preview(value)
        exc = getattr(value, "exc", value)           # ExceptionWithTraceback wraps it
        return "raised " + type(exc).__name__
    except Exception:
        return "<result>"


SimpleQueue = _SQ
plain_put = _orig_sq["put"]          # CPython's own SimpleQueue.put (a pool worker's derived puts)


def _sq_put(self, obj):
    key = self.__dict__.get("_parviz_key")
    if not key:
        return _orig_sq["put"](self, obj)
    data = _dumps(obj)
    results = self.__dict__.get("_parviz_results")     # True: a Pool's; a function: its preview (an executor's)
    try:
        text = (_result_preview(obj) if results is True else results(obj)) if results else _hooks._preview(obj)
    except Exception:
        text = "<unprintable>"
    src = 0 if results else _hooks._src(2)          # a pool's worker: multiprocessing's own line
    if self._wlock is None:
        _emit_text(W.K_QUEUE_PUT, text, 64, 0, key, src, W.PUT_WRITTEN)
        self._writer.send_bytes(data)
    else:
        with self._wlock:                           # inside the write lock: put order = pipe order
            _emit_text(W.K_QUEUE_PUT, text, 64, 0, key, src, W.PUT_WRITTEN)
            self._writer.send_bytes(data)


# =============================================================================
# Pool: its task queue, and MainProcess waiting for results
# =============================================================================
_Pool = multiprocessing.pool.Pool
_orig_setup_queues = _Pool._setup_queues
_mapstar, _starmapstar = multiprocessing.pool.mapstar, multiprocessing.pool.starmapstar


def _task_preview(task):
    """A pool task-queue item as the program wrote it: the chunk's items (or
    the call's argument); None is a worker's stop signal."""
    if task is None:
        return "None"
    try:
        job, i, func, args, kwds = task
        if func is _mapstar or func is _starmapstar:
            items = args[0][1]                       # args: ((fn, chunk),), as Pool._guarded_task_generation makes it
            return _hooks._preview(items[0] if len(items) == 1 else list(items))
        return _hooks._preview(args[0] if len(args) == 1 and not kwds else args)
    except Exception:
        return "<task>"


def _setup_queues(self):
    # (No mark: a spawned worker finds both queues' keys in _pool's _worker,
    # from their read locks' names.)
    _orig_setup_queues(self)
    q = self._inqueue
    if type(q) is not _SQ:
        return
    try:
        key = q._parviz_key = _hooks._name_key(q._rlock._semlock) or _hooks._key()
    except Exception:
        return
    _emit(W.K_QUEUE_NEW, 0, key, _pt.intern("pool tasks"), _hooks._src(3))
    send = self._quick_put
    _preview = _hooks._preview
    from ._pool import derived_task, DERIVE

    def quick_put(task):                             # the task handler thread: the queue's one writer
        # A task a worker runs through its wrapper is tagged with its identity
        # (job << 32 | i): that worker's TASK_TAKEN says which one it took.
        # (_task_preview and derived_task, fused: this runs once a task in
        # MainProcess, whose three threads share one GIL.)
        try:
            job, i, func, args, kwds = task
            if func is _mapstar or func is _starmapstar:
                tagged = DERIVE
                items = args[0][1]
                if len(items) == 1:
                    x = items[0]
                    t = type(x)                      # _preview's common case inline: a call fewer a task
                    text = repr(x) if t is int or t is float or t is bool else _preview(x)
                else:
                    text = _preview(list(items))
            else:
                tagged = derived_task(func)
                text = _preview(args[0] if len(args) == 1 and not kwds else args)
        except Exception:                            # None: a stop signal
            tagged = False
            text = _task_preview(task)
        if tagged:
            _emit_text(W.K_POOL_PUT, text, 64, 0, key, (job << 32) | (i & 0xFFFFFFFF))
        else:
            _emit_text(W.K_QUEUE_PUT, text, 64, 0, key, 0, W.PUT_WRITTEN)
        return send(task)
    self._quick_put = quick_put
    _trace_results(self)


def _trace_results(pool):
    """The pool's result queue, "pool results": each worker's put (SimpleQueue.put,
    traced once the queue has a key; its preview is the result) and MainProcess's
    result handler thread taking it (_quick_get: the queue's one reader, so its
    stamps are in pipe order)."""
    q = pool._outqueue
    if type(q) is not _SQ:
        return
    try:
        key = q._parviz_key = _hooks._name_key(q._rlock._semlock) or _hooks._key()
        q._parviz_results = True
    except Exception:
        return
    _emit(W.K_QUEUE_NEW, 0, key, _pt.intern("pool results"), _hooks._src(2))
    recv = pool._quick_get
    from ._pool import DERIVE
    if not DERIVE:
        def quick_get(*args):
            item = recv(*args)
            _emit(W.K_QUEUE_GET, 0, key)
            return item
        pool._quick_get = quick_get
        return

    pool_get = W.K_POOL_GET

    def quick_get(*args):
        item = recv(*args)
        try:                                         # (job, i, result): its identity, as its put's
            _emit(pool_get, 0, key, 0, (item[0] << 32) | (item[1] & 0xFFFFFFFF))
        except Exception:                            # None: the stop signal
            _emit(W.K_QUEUE_GET, 0, key)
        return item
    pool._quick_get = quick_get


def traced_result_queue_copy(q):
    """A pool worker's copy of the result queue under spawn or forkserver (a
    pickle: nothing of ours in it): its key from its read lock's name."""
    try:
        if type(q) is _SQ and "_parviz_key" not in q.__dict__ and getattr(q._rlock._semlock, "name", None):
            q._parviz_key = _hooks._name_key(q._rlock._semlock)
            q._parviz_results = True
    except Exception:
        pass


def _pool_key(result):
    pool = getattr(result, "_pool", None)
    q = getattr(pool, "_inqueue", None)
    return q.__dict__.get("_parviz_key", 0) if q is not None and hasattr(q, "__dict__") else 0


_orig_terminate_pool = _Pool.__dict__["_terminate_pool"].__func__


def _terminate_pool(cls, taskqueue, inqueue, outqueue, *args, **kwargs):
    """Pool's finaliser (terminate(), a `with Pool()` block's exit, the pool
    collected): once it has ended the workers and joined the handler threads,
    whatever is still in the task and result queues is never read, such as
    the stop signals of workers terminated before they took them: dropped."""
    try:
        return _orig_terminate_pool(cls, taskqueue, inqueue, outqueue, *args, **kwargs)
    finally:
        for q in (inqueue, outqueue):
            key = getattr(q, "__dict__", {}).get("_parviz_key")
            if key:
                _emit(W.K_QUEUE_DISCARD, 0, key, 0, _hooks._src(2))


_AR = multiprocessing.pool.ApplyResult
_orig_ar_wait = _AR.wait
_orig_ar_get = _AR.get
_IMI = multiprocessing.pool.IMapIterator
_orig_imi_next = _IMI.next
_IMU = multiprocessing.pool.IMapUnorderedIterator
_orig_imu_set = _IMU._set


def _ar_wait(self, timeout=None):
    key = 0 if self.ready() else _pool_key(self)
    if not key:
        return _orig_ar_wait(self, timeout)
    return _waited(KIND_QUEUE, key, lambda: _orig_ar_wait(self, timeout), lambda r: not self.ready(),
                   WAIT_POOL_RESULTS)


def _imi_next_waited(self, timeout=None):
    key = 0 if self._items else _pool_key(self)
    if not key:
        return _orig_imi_next(self, timeout)
    return _waited(KIND_QUEUE, key, lambda: _orig_imi_next(self, timeout), lambda r: False, WAIT_POOL_RESULTS)


# When the program receives results (Stats' "results arrive", as parviz's own
# pool runs say it): map and apply when get() returns (or raises the task's
# error), imap and imap_unordered at each next(). POOL_RESULTS: obj = the
# chunk number (-1: the whole job), b = its task count, flags 1 = raised.
_Timeout = multiprocessing.TimeoutError


def _received(job, chunk, count, raised):
    _emit(W.K_POOL_RESULTS, chunk, job, count, _hooks._src(3), 1 if raised else 0)


def _ar_get(self, timeout=None):
    try:
        value = _orig_ar_get(self, timeout)
    except _Timeout:
        raise
    except BaseException:
        if not self.__dict__.get("_parviz_received"):
            self._parviz_received = True
            _received(self._job, -1, 0, True)
        raise
    if not self.__dict__.get("_parviz_received"):
        self._parviz_received = True
        _received(self._job, -1, 0, False)
    return value


def _imi_next(self, timeout=None):
    try:
        value = _imi_next_waited(self, timeout)
    except (StopIteration, _Timeout):
        raise
    except BaseException:
        _imi_received(self, None, True)
        raise
    _imi_received(self, value, False)
    return value


def _imi_received(self, value, raised):
    try:
        order = self.__dict__.get("_parviz_order")
        if order is not None:                        # imap_unordered: the order results came in
            n = order.popleft()
        else:
            n = self.__dict__.get("_parviz_next", 0)
            self._parviz_next = n + 1
        chunksize = self.__dict__.get("_parviz_chunksize", 1)
        count = len(value) if chunksize > 1 and type(value) is list else chunksize
        _received(self._job, n, count, raised)
    except Exception:
        pass


def _imu_set(self, i, obj):
    # Before CPython's _set makes the result visible to next(): its chunk number.
    order = self.__dict__.get("_parviz_order")
    if order is None:
        order = self.__dict__.setdefault("_parviz_order", collections.deque())
    order.append(i)
    return _orig_imu_set(self, i, obj)


def install(hooks):
    global _hooks
    _hooks = hooks
    _sy.SemLock._make_name = staticmethod(_make_name)
    for cls in (_sy.Semaphore, _sy.BoundedSemaphore):
        cls.__init__ = _sem_init(cls.__dict__["__init__"])
    _sy.Semaphore.__enter__ = _sem_enter              # BoundedSemaphore inherits both
    _sy.Semaphore.__exit__ = _sem_exit
    _Event.__init__, _Event.set, _Event.clear, _Event.wait = _event_init, _event_set, _event_clear, _event_wait
    _Condition.__init__, _Condition.wait = _cond_init, _cond_wait
    _Condition.notify, _Condition.notify_all = _cond_notify_op(OP_NOTIFY), _cond_notify_all
    _Barrier.__init__, _Barrier.wait = _barrier_init, _barrier_wait
    _Barrier.abort, _Barrier.reset = _barrier_op("abort", OP_ABORT), _barrier_op("reset", OP_RESET)
    _JQ.put = hooks._traced_put(_orig_jq["put"])
    _JQ.task_done, _JQ.join = _jq_task_done, _jq_join
    _SQ.__init__, _SQ.__setstate__, _SQ.get, _SQ.put = _sq_init, _sq_setstate, _sq_get, _sq_put
    _Pool._setup_queues = _setup_queues
    _Pool._terminate_pool = classmethod(_terminate_pool)
    _AR.wait = _ar_wait
    _AR.get = _ar_get                                 # MapResult inherits it
    _IMU._set = _imu_set
    _IMI.next = _imi_next
    _IMI.__next__ = _imi_next

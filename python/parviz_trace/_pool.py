"""Pool and ProcessPoolExecutor tasks, for parviz_trace (see _hooks.py).

Pool: every form puts (job, i, func, args, kwds) tasks on the pool's task
queue. map, map_async, starmap, starmap_async and imap/imap_unordered with a
chunksize above 1 send chunks (func is mapstar/starmapstar: chunk i holds
items i*chunksize...); apply_async and imap/imap_unordered with chunksize 1
send one call each (func is the program's: item i). A worker's task queue is
seen through _TracedInqueue, which wraps the function of each task it hands
out, after unpickling, in the worker: TASK_START and TASK_END around each
item. The job is announced in the pool's process when its result object is
made (POOL_JOB: its length and chunksize), so parviz numbers the tasks in
input order: first index of the job + chunk * chunksize + k. The worker's
own get of a task and put of its result are no events: the first TASK_START
of a chunk says it was taken, the last TASK_END that its result goes back
(with the result's preview), and parviz derives both (see "Tasks" below).

ProcessPoolExecutor: its workers take _CallItems from a Queue (call_queue);
a _CallItem coming out of Queue.get in a worker gets its fn wrapped the same
way (executor.map's chunks item by item). Executor work has no job
announcement: its TASK_STARTs carry flags 2 and parviz numbers them in start
order.

Nothing here changes what is pickled or returned: the wrappers call the
original function with the original arguments and return its result.
"""
import functools
import os
import sys
import threading
import time

import multiprocessing.pool
import multiprocessing.queues

from . import _ring as W
import parviz_trace as _pt

_emit = _pt.emit
_emit_text = _pt.emit_text
_emit_at = _pt.emit_at
_monotonic_ns = time.monotonic_ns
_loads = multiprocessing.queues._ForkingPickler.loads
_mpool = multiprocessing.pool
_mapstar, _starmapstar = _mpool.mapstar, _mpool.starmapstar
_reraise = getattr(_mpool, "_helper_reraises_exception", None)
_orig_worker = _mpool.worker
_orig_applyresult_init = _mpool.ApplyResult.__init__
_orig_mapresult_init = _mpool.MapResult.__init__
_orig_imap_init = _mpool.IMapIterator.__init__

FLAG_RAISED = 1      # TASK_END: the item raised
FLAG_AD_HOC = 2      # TASK_START / TASK_END: no POOL_JOB; parviz numbers it in start order
UNKNOWN_LENGTH = -1  # POOL_JOB obj: imap over an iterable without len()
ERROR_LIMIT = 200    # bytes of "Type: message" a raising TASK_END keeps

_hooks = None        # parviz_trace._hooks, set by install() (it imports us)


def _item_text(item):
    try:
        return _hooks._preview(item)
    except Exception:
        return "<unprintable>"


def _error_text(exc):
    """'ZeroDivisionError: division by zero': what a task raised, as the
    traceback's last line names it (bounded by the ring's text limit)."""
    name = type(exc).__name__
    try:
        message = str(exc)
    except Exception:
        message = "<unprintable>"
    return name + ": " + message if message else name


def _run_item(fn, args, kwargs, text, k, where, flags):
    """Calls fn(*args, **kwargs) between TASK_START and TASK_END (which says
    what it raised, if it did)."""
    _emit_text(W.K_TASK_START, text, 64, k, where, 0, flags)
    try:
        result = fn(*args, **kwargs)
    except BaseException as exc:
        _emit_text(W.K_TASK_END, _error_text(exc), ERROR_LIMIT, k, where, 0, flags | FLAG_RAISED)
        raise
    _emit(W.K_TASK_END, k, where, 0, 0, flags)
    return result


# =============================================================================
# Jobs (in the pool's process)
# =============================================================================
def _announce(job, tasks, chunksize, flags=0):
    _emit(W.K_POOL_JOB, tasks, job, chunksize, _hooks._src(3), flags)
    code, name = _job_code(sys._getframe(2))
    if code or name:
        _emit(W.K_JOB_CODE, 0, job, name, code)


def _job_code(f):
    """(code, name) of the function a Pool job runs (map's, apply_async's,
    imap's `func`, from the pool method's frame that made the result object):
    code, the interned id of "file:line" of its def, 0 when it is no Python
    function (a builtin, a partial); name, the interned id of its __name__,
    0 for no plain Python function (a partial's call has more arguments than
    its task's: "f(3)" would misname f(k, 3)). Once a job, in the pool's
    process: its workers are drawn on that line in the Code panel while they
    run its tasks, and a task whose argument is a number is named by the
    call ("count_primes(300000)", not "task 300000", which read as a count)."""
    try:
        for _ in range(3):
            if f is None:
                return 0, 0
            if f.f_code.co_filename.startswith(_hooks._MP_DIR) and "func" in f.f_code.co_varnames:
                func = f.f_locals.get("func")
                co = getattr(func, "__code__", None)
                code = _pt.intern("%s:%d" % (co.co_filename, co.co_firstlineno)) if co is not None else 0
                name = getattr(func, "__name__", None) if co is not None else None
                name = _pt.intern(name) if isinstance(name, str) and name.isidentifier() else 0
                return code, name
            f = f.f_back
    except Exception:
        pass
    return 0, 0


def _applyresult_init(self, *args, **kwargs):
    _orig_applyresult_init(self, *args, **kwargs)
    if type(self) is _mpool.ApplyResult:        # apply / apply_async: one call (MapResult announces itself)
        _announce(self._job, 1, 1, W.JOB_APPLY)


def _mapresult_init(self, pool, chunksize, length, *args, **kwargs):
    _orig_mapresult_init(self, pool, chunksize, length, *args, **kwargs)
    _announce(self._job, length, chunksize)


def _imap_init(self, *args, **kwargs):
    _orig_imap_init(self, *args, **kwargs)
    # Made by Pool.imap / imap_unordered, whose locals hold the chunksize and
    # the iterable (the length is set only once the iterable is consumed).
    chunksize, length = 1, UNKNOWN_LENGTH
    try:
        f = sys._getframe(1)
        if f.f_code.co_name in ("imap", "imap_unordered"):
            chunksize = int(f.f_locals.get("chunksize", 1))
            length = len(f.f_locals["iterable"])
    except Exception:
        pass
    self._parviz_chunksize = chunksize              # what each next() hands over: a chunk's list above 1
    _announce(self._job, length, chunksize, W.JOB_CALLS if chunksize == 1 else 0)


# =============================================================================
# Tasks (in a pool worker)
# =============================================================================
# A worker that knows both of its pool's queue keys says so once (POOL_WORKER)
# and then writes no event of its own for taking a task or handing a result
# back: its first TASK_START of a chunk (or call) is flagged TASK_TAKEN, the
# chunk's last TASK_END TASK_RETURNED with the result's preview, and parviz
# derives the get and the put from them (2 events a task fewer). A one-item
# chunk (map at chunksize 1) or a call is one record, TASK_RUN, written when
# it ends, carrying its start; while it runs its start is in the ring's header
# (_open_task), from which parviz draws it (1 record a task instead of 2).
# A task the worker does not run through a wrapper (a stop signal, the pool's
# error helper) keeps its explicit get and put.
_TAKEN, _RETURNED, _FROM_PUT = W.TASK_TAKEN, W.TASK_RETURNED, W.TASK_NAME_FROM_PUT
_TAKEN_FROM_PUT = _TAKEN | _FROM_PUT
# PARVIZ_TRACE_EXPLICIT_POOL=1: every get and put of a pool's queues is its own
# event, as before the derivation (to compare the two; tests do).
DERIVE = os.environ.get("PARVIZ_TRACE_EXPLICIT_POOL", "") in ("", "0")
_K_START, _K_END, _K_RUN = W.K_TASK_START, W.K_TASK_END, W.K_TASK_RUN
_SUMMARY = W.TASK_SUMMARY
# A Pool chunk of more than this many tasks is summarised: one record when its
# worker takes it and one when it is done (count, outcome), not two a task
# (README, docs/python-trace-wire.md). PARVIZ_TRACE_SUMMARY_ABOVE=N changes it.
try:
    SUMMARY_ABOVE = max(1, int(os.environ.get("PARVIZ_TRACE_SUMMARY_ABOVE", "") or W.SUMMARY_ABOVE))
except ValueError:
    SUMMARY_ABOVE = W.SUMMARY_ABOVE
_pack_open, _OFF_OPEN, _GEN_MASK = W._open_task.pack_into, W.OFF_OPEN_TASK, W.GEN_MASK


def _result_text(value):
    """The result queue's preview of a chunk's result list (as _sync._result_preview)."""
    if type(value) is list and len(value) == 1:
        return "[" + _hooks._preview(value[0]) + "]"
    return _hooks._preview(value)


def _returned_raising(exc, k, where, start_flags):
    """TASK_END of a task that raised; an Exception ends its chunk and the
    worker hands it back (a BaseException ends the worker: nothing is put)."""
    flags = FLAG_RAISED | (_RETURNED if start_flags and isinstance(exc, Exception) else 0)
    _emit_text(_K_END, _error_text(exc), ERROR_LIMIT, k, where, 0, flags)


def _one_item(where, star, fn_items):
    """mapstar / starmapstar over a chunk of one item (map at chunksize 1),
    with derived queue ends: TASK_START (TAKEN, named by the put's preview)
    and TASK_END (RETURNED, with the result's preview) around the call. A
    module function called with the task's identity, not a closure made per
    task (_traced_chunk): ~150 ns a task less in the worker. The call goes
    through CPython's own mapstar / starmapstar (the item packed with its
    identity), so a task's traceback has their frame, as untraced (_tb)."""
    fn, items = fn_items
    if star:
        return _starmapstar((_one_call_star, ((where, fn) + tuple(items[0]),)))
    return _mapstar((_one_call, ((where, fn, items[0]),)))


def _one_call(packed):
    where, fn, item = packed
    return _one_run(where, fn, (item,))


def _one_call_star(where, fn, *item):
    return _one_run(where, fn, item)


def _open_task(where):
    """Ring.open_task, inline: the task's start said in the ring's header (no
    slot); (gen & GEN_MASK, start time) for its TASK_RUN. (0, 0) when the
    ring cannot be written (its TASK_RUN is then dropped as any event)."""
    try:
        r = _pt._ring_obj
        if r is None:
            r = _pt.ring()
        g = r.task_gen = r.task_gen + 1
        t = _monotonic_ns()
        _pack_open(r.mm, _OFF_OPEN, g, t, where, g)
        return g & _GEN_MASK, t
    except Exception:
        return 0, 0


def _run_raised(exc, g, where, t0):
    """TASK_RUN of a task that raised; an Exception ends its chunk and the
    worker hands it back (a BaseException ends the worker: nothing is put)."""
    flags = FLAG_RAISED | (_RETURNED if isinstance(exc, Exception) else 0)
    _emit_text(_K_RUN, _error_text(exc), ERROR_LIMIT, g, where, t0, flags)


def _one_run(where, fn, item):
    # One record a task (TASK_RUN, at its end); while it runs, parviz reads
    # its start from the ring's header (_open_task), so a long task is drawn
    # running, not late.
    g, t0 = _open_task(where)
    try:
        result = fn(*item)
    except BaseException as exc:
        _run_raised(exc, g, where, t0)
        raise
    t = type(result)                             # _item_text's common case inline: 2 calls fewer a task
    text = repr(result) if t is int or t is float or t is bool else _item_text(result)
    _emit_text(_K_RUN, "[" + text + "]", 64, g, where, t0, _RETURNED)
    return result


def _traced_chunk(job, chunk, star, derive):
    """A chunk's items run through CPython's own mapstar / starmapstar, each
    item through `each` (TASK_START, the call, TASK_END): a task's traceback
    then has mapstar's frame, as untraced (the tracer's own are hidden, _tb)."""
    where = (job << 32) | (chunk & 0xFFFFFFFF)
    taken = _TAKEN if derive else 0
    star_fn = _starmapstar if star else _mapstar

    def run(args):
        fn, items = args
        n = len(items)
        if taken and n > SUMMARY_ABOVE:          # one record at each end of the chunk, none a task
            return _summarised(star_fn, fn, items, n, where)
        if n == 1 and taken:                     # map at chunksize 1: the name is the put's preview
            def one(*item):
                _emit(_K_START, 0, where, 0, 1, _TAKEN_FROM_PUT)
                try:
                    result = fn(*item)
                except BaseException as exc:
                    _returned_raising(exc, 0, where, _TAKEN)
                    raise
                _emit_text(_K_END, "[" + _item_text(result) + "]", 64, 0, where, 0, _RETURNED)
                return result
            return star_fn((one, items))
        last = n - 1
        k = -1

        def each(*item):
            nonlocal k
            k += 1
            i = k
            _emit_text(_K_START, _item_text(item if star else item[0]), 64, i, where,
                       n if i == 0 and taken else 0, taken if i == 0 else 0)
            try:
                result = fn(*item)
            except BaseException as exc:
                _returned_raising(exc, i, where, taken)
                raise
            if i != last or not taken:
                _emit(_K_END, i, where, 0, 0, 0)
            return result
        out = star_fn((each, items))
        if taken and n:                          # the chunk's last TASK_END says its result goes back
            _emit_text(_K_END, _result_text_safe(out), 64, last, where, 0, _RETURNED)
        return out
    return run


def _summarised(star_fn, fn, items, n, where):
    """A chunk of more than SUMMARY_ABOVE tasks, summarised: TASK_START
    (TAKEN | SUMMARY, src = its count) when the worker takes it, TASK_END
    (RETURNED | SUMMARY, obj = the tasks that ran) when it is done, and no
    record a task; a task that raises ends the chunk (mapstar's list), and
    the TASK_END says it (RAISED, its error, obj counting it). The items go
    to CPython's mapstar / starmapstar through a list iterator, whose length
    hint tells how many were taken when one raised: no wrapper a task."""
    it = iter(items)
    _emit(_K_START, 0, where, 0, n, _TAKEN | _SUMMARY)
    try:
        out = star_fn((fn, it))
    except BaseException as exc:
        ran = n - it.__length_hint__()
        flags = _SUMMARY | FLAG_RAISED | (_RETURNED if isinstance(exc, Exception) else 0)
        _emit_text(_K_END, _error_text(exc), ERROR_LIMIT, ran, where, 0, flags)
        raise
    _emit_text(_K_END, _result_text_safe(out), 64, n, where, 0, _RETURNED | _SUMMARY)
    return out


def _result_text_safe(value):
    try:
        return _result_text(value)
    except Exception:
        return "<result>"


def _traced_call(job, i, fn, derive):
    where = (job << 32) | (i & 0xFFFFFFFF)

    def run(*args, **kwargs):
        if not derive:
            text = _item_text(args[0] if len(args) == 1 and not kwargs else args)
            return _run_item(fn, args, kwargs, text, 0, where, 0)
        g, t0 = _open_task(where)                # one record a call, as _one_run
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:
            _run_raised(exc, g, where, t0)
            raise
        _emit_text(_K_RUN, _result_text_safe(result), 64, g, where, t0, _RETURNED)
        return result
    return run


def derived_task(func):
    """True when a pool worker runs a task of this function through a
    wrapper that says its get and its put (mapstar, starmapstar, the
    program's own function; not the pool's error helper). The task handler's
    put (_sync) tags the same tasks with their identity."""
    return DERIVE and (func is _mapstar or func is _starmapstar or (callable(func) and func is not _reraise))


class _TracedInqueue:
    """The pool worker's task queue, seen through: each task it hands out
    runs through _traced_chunk or _traced_call (after unpickling). With
    `derive`, a wrapped task's get is no event of its own (TASK_TAKEN says
    it); anything else (a stop signal) is a QUEUE_GET stamped in the read
    lock, as SimpleQueue.get's. `derived`: the last task taken was wrapped,
    so its result's put is said too (_worker's put)."""

    def __init__(self, q, derive=False):
        self._q = q
        self.derive = derive
        self.derived = False
        for name in ("_writer", "_reader"):
            if hasattr(q, name):
                setattr(self, name, getattr(q, name))

    def get(self):
        q = self._q
        if not self.derive:
            return self._wrap(q.get(), False)
        with q._rlock:
            res = q._reader.recv_bytes()
            t = _monotonic_ns()                  # in the read lock: the pipe's order
        task = _loads(res)
        wrapped = self._wrap(task, True)
        if wrapped is task:                      # not a task of ours: its get is an event
            _emit_at(t, W.K_QUEUE_GET, 0, q._parviz_key, 0, _hooks._src(2))
        return wrapped

    def _wrap(self, task, derive):
        self.derived = False
        try:
            job, i, func, args, kwds = task
        except (TypeError, ValueError):
            return task                          # None: the sentinel
        if func is _mapstar or func is _starmapstar:
            self.derived = derive
            if derive and not kwds and len(args) == 1:
                fn_items = args[0]                   # (fn, chunk): Pool._guarded_task_generation's shape
                if type(fn_items) is tuple and len(fn_items) == 2 and type(fn_items[1]) is tuple and len(fn_items[1]) == 1:
                    return (job, i, _one_item, ((job << 32) | (i & 0xFFFFFFFF), func is _starmapstar, fn_items),
                            kwds)
            return (job, i, _traced_chunk(job, i, func is _starmapstar, derive), args, kwds)
        if callable(func) and func is not _reraise:
            self.derived = derive
            return (job, i, _traced_call(job, i, func, derive), args, kwds)
        return task

    def __getattr__(self, name):
        return getattr(self._q, name)


def _queue_key(q):
    """A pool queue's key in a worker. A worker under spawn or forkserver gets
    the queue as a pickle (nothing of ours in it): its key is its read lock's
    name's hash, as in the pool's process (_sync._setup_queues)."""
    try:
        key = q.__dict__.get("_parviz_key")
        if key is None and getattr(q._rlock._semlock, "name", None):
            key = q._parviz_key = _hooks._name_key(q._rlock._semlock)
        return key or 0
    except Exception:
        return 0


def _worker(inqueue, *args, **kwargs):
    from . import _sync
    outqueue = args[0] if args else kwargs.get("outqueue")   # the result queue ("pool results")
    if outqueue is not None:
        _sync.traced_result_queue_copy(outqueue)
    tasks_key, results_key = _queue_key(inqueue), _queue_key(outqueue) if outqueue is not None else 0
    derive = DERIVE and bool(tasks_key and results_key) and type(outqueue) is _sync.SimpleQueue
    tin = _TracedInqueue(inqueue, derive)
    if derive:
        _emit(W.K_POOL_WORKER, 0, tasks_key, results_key, _hooks._src(2))
        plain_put, traced_put = _sync.plain_put, outqueue.put

        def put(obj):
            # CPython's worker binds outqueue.put once, before its loop.
            if tin.derived:                      # its TASK_END said it (and its preview)
                r = plain_put(outqueue, obj)     # (a pickling error raises here, and the error put
                tin.derived = False              # that follows is the same result, said already)
                return r
            return traced_put(obj)
        outqueue.put = put
    return _orig_worker(tin, *args, **kwargs)


# Pool pickles its worker function by name under spawn and forkserver: this
# one goes as multiprocessing.pool.worker (which it replaces), so a child
# that has no tracer unpickles CPython's own.
_worker.__module__, _worker.__qualname__ = "multiprocessing.pool", "worker"


# =============================================================================
# ProcessPoolExecutor
# =============================================================================
# As a Pool's, an executor's work is announced as jobs (POOL_JOB) in the
# program's process, so parviz numbers its tasks in input order: each
# submit() is one call (JOB_APPLY, as apply_async), each chunk executor.map
# submits (partial(_process_chunk, fn) over a tuple of argument tuples) a job
# of one chunk. The announcement is made where the executor records the work
# item (its pending-work dict, under its lock, with the work id), and the
# item's Future carries the job, so that result() says when the program
# received it (POOL_RESULTS, Stats' "results arrive").
# A job is 0x80000000 | executor number << 20 | work id (Pool's jobs count
# from 0: never this high). A worker learns its executor's number from its
# call queue's semaphore names, which carry _EXEC_MARK + the number (the
# executor's locks are made under that mark), so it works under fork, spawn
# and forkserver alike; a worker that cannot tell (a queue made without the
# hook) writes its tasks ad hoc (flags 2: numbered in start order, no chunk).
# The executor's own queues are drawn as its pool's queues, named by their
# role: its call queue "executor calls" (each _CallItem said as the call it
# carries, the shutdown's None per worker) and its result queue "executor
# results" (each _ResultItem said as its result, or what it raised, and the
# pid a worker puts as it exits on that None, "pid N: exiting", which the
# shutting-down executor may leave unread). The result queue is read by the manager
# thread straight from its pipe (result_queue._reader.recv()): from 3.9 on the
# manager is a class (_ExecutorManagerThread) whose wait_result_broken_or_wakeup
# is wrapped; 3.8's manager is a function (_queue_management_worker) holding
# the reader in a local, so there the reader's recv itself is wrapped, on the
# instance (_trace_results_reader).
_EXEC_MARK = "-pvze"
_EXEC_JOB = 0x80000000
_exec_numbers = None          # itertools.count(1), made at install
_cfp = None                   # concurrent.futures.process, once the program imports it
_in_map = None                # threading.local: inside ProcessPoolExecutor.map (its chunks are one call)
JOB_SAME_CALL = 2             # POOL_JOB flags: the next chunk of the same executor.map call as the job before


def making_executor():
    """True inside ProcessPoolExecutor.__init__ (its locks are made under _EXEC_MARK)."""
    from . import _sync
    mark = getattr(_sync._marking, "mark", None)
    return bool(mark) and mark.startswith(_EXEC_MARK)


def call_preview(item):
    """An executor call-queue item as the program wrote the call: the
    argument (or a map chunk's arguments), as a Pool's task queue shows its
    tasks; None is a worker's stop signal."""
    if item is None:
        return "None"
    try:
        fn, args, kwargs = item.fn, item.args, item.kwargs
        if _is_map_chunk(fn) and len(args) == 1:
            items = [a[0] if len(a) == 1 else a for a in args[0]]
            return _hooks._preview(items[0] if len(items) == 1 else items)
        return _hooks._preview(args[0] if len(args) == 1 and not kwargs else args)
    except Exception:
        return _hooks._preview(item)


def result_preview(obj):
    """An executor result-queue item: the result, what the call raised, or
    the pid a worker puts as it exits on its None."""
    if type(obj) is int:
        return "pid %d: exiting" % obj
    try:
        exc = obj.exception
        if exc is not None:
            return "raised " + type(getattr(exc, "exc", exc)).__name__
        return _hooks._preview(obj.result)
    except Exception:
        return "<result>"


def _trace_results_queue(executor):
    """Names the executor's result queue and traces its puts (and, under 3.8, its gets)."""
    q = executor._result_queue
    if type(q).__name__ != "SimpleQueue":
        return
    key = q._parviz_key = _hooks._name_key(q._rlock._semlock) or _hooks._key()
    q._parviz_results = result_preview
    if getattr(_cfp, "_ExecutorManagerThread", None) is None:
        _trace_results_reader(q._reader, key)
    _emit(W.K_QUEUE_NEW, 0, key, _pt.intern("executor results"), _hooks._src(4))


def _trace_results_reader(reader, key):
    """3.8: the manager thread's `result_reader.recv()`, a get of "executor
    results" for each item it read (as _manager_wait's from 3.9 on). On this
    Connection instance only (MainProcess's; a pickle of it for a spawned
    worker carries no attribute of ours)."""
    recv = reader.recv

    def traced_recv():
        obj = recv()
        _emit(W.K_QUEUE_GET, 0, key)
        return obj
    reader.recv = traced_recv


def _exec_job(number, work_id):
    return _EXEC_JOB | ((number & 0x7FF) << 20) | (work_id & 0xFFFFF)


def _exec_number(q):
    """The executor number its call queue's read lock's name carries (0: none)."""
    d = getattr(q, "__dict__", None)
    if d is None:
        return 0
    n = d.get("_parviz_exec")
    if n is None:
        n = 0
        try:
            name = q._rlock._semlock.name or ""
            i = name.find(_EXEC_MARK)
            if i >= 0:
                n = int(name[i + len(_EXEC_MARK):].split("-", 1)[0])
        except Exception:
            n = 0
        d["_parviz_exec"] = n
    return n


def _is_map_chunk(fn):
    return isinstance(fn, functools.partial) and fn.func is getattr(_cfp, "_process_chunk", None) and fn.args


class _TracedPending(dict):
    """An executor's pending work items (work id -> _WorkItem): submit() adds
    each new one here, under the executor's lock; that is its announcement."""

    def __setitem__(self, work_id, item):
        dict.__setitem__(self, work_id, item)
        try:
            job = _exec_job(self._parviz_exec, work_id)
            fn, args = item.fn, item.args
            if _is_map_chunk(fn) and len(args) == 1:
                n = len(args[0])                 # executor.map's chunk: n tasks, one chunk
                call = getattr(_in_map, "chunks", None)
                same = JOB_SAME_CALL if call is not None and call > 0 else 0
                if call is not None:
                    _in_map.chunks = call + 1
                _emit(W.K_POOL_JOB, n, job, max(n, 1), _hooks._src(3), same)
            else:
                _emit(W.K_POOL_JOB, 1, job, 1, _hooks._src(3), W.JOB_APPLY)
            item.future._parviz_job = job
        except Exception:
            pass


def _executor_init(orig):
    def init(self, *args, **kwargs):
        from . import _sync
        n = next(_exec_numbers)
        with _sync._marked(_EXEC_MARK + str(n)):  # its call queue's locks: a worker finds n in their names
            orig(self, *args, **kwargs)
        try:
            _trace_results_queue(self)
        except Exception:
            pass
        try:
            old = self._pending_work_items
            pending = _TracedPending(old)
            pending._parviz_exec = n
            # Every holder of the dict gets ours: the call queue fails a work
            # item from it when its feeder cannot pickle the call (3.8+); a
            # copy it did not see would leave that future waiting for ever.
            q = self._call_queue
            if getattr(q, "pending_work_items", None) is not old and hasattr(q, "pending_work_items"):
                return                           # held elsewhere too: leave it (its tasks go ad hoc)
            self._pending_work_items = pending
            if hasattr(q, "pending_work_items"):
                q.pending_work_items = pending
            q.__dict__["_parviz_exec"] = n
        except Exception:
            pass
    return init


def _future_result(orig):
    def result(self, timeout=None):
        job = self.__dict__.get("_parviz_job")
        if job is None:
            return orig(self, timeout)
        from . import _sync
        try:
            value = orig(self, timeout)
        except (_cfp._base.TimeoutError, _cfp._base.CancelledError):
            raise
        except BaseException:
            if not self.__dict__.get("_parviz_received"):
                self._parviz_received = True
                _sync._received(job, -1, 0, True)
            raise
        if not self.__dict__.get("_parviz_received"):
            self._parviz_received = True
            _sync._received(job, -1, 0, False)
        return value
    return result


def _install_executor(module):
    """Hooks concurrent.futures.process once the program imports it (it costs
    ~9 ms to import: never imported for a program that does not)."""
    global _cfp, _exec_numbers
    if _cfp is not None or not hasattr(module, "ProcessPoolExecutor"):
        return
    import itertools
    _cfp = module
    _exec_numbers = itertools.count(1)
    global _in_map
    _in_map = threading.local()
    ppe = module.ProcessPoolExecutor
    ppe.__init__ = _executor_init(ppe.__dict__["__init__"])
    if "map" in ppe.__dict__:
        ppe.map = _executor_map(ppe.__dict__["map"])
    fut = module._base.Future
    fut.result = _future_result(fut.__dict__["result"])
    mgr = getattr(module, "_ExecutorManagerThread", None)
    if mgr is not None and "wait_result_broken_or_wakeup" in mgr.__dict__:
        mgr.wait_result_broken_or_wakeup = _manager_wait(mgr.__dict__["wait_result_broken_or_wakeup"])
    worker = getattr(module, "_process_worker", None)
    if worker is not None:
        module._process_worker = _process_worker(worker)


def _executor_map(orig):
    """ProcessPoolExecutor.map: its chunks (submitted in it, one by one) are one call."""
    def map(self, *args, **kwargs):
        outer = getattr(_in_map, "chunks", None)
        _in_map.chunks = 0
        try:
            return orig(self, *args, **kwargs)
        finally:
            _in_map.chunks = outer
    return map


def _manager_wait(orig):
    """The executor's manager thread (MainProcess) reading its result queue
    from the pipe: a get of "executor results" for each item it read."""
    def wait_result_broken_or_wakeup(self):
        out = orig(self)
        try:
            if out[0] is not None:
                key = self.result_queue.__dict__.get("_parviz_key")
                if key:
                    _emit(W.K_QUEUE_GET, 0, key)
        except Exception:
            pass
        return out
    return wait_result_broken_or_wakeup


def _process_worker(orig):
    """An executor's worker: under spawn or forkserver its result queue is a
    pickle (nothing of ours in it), traced again when its locks carry the
    executor's mark. Pickled by name as concurrent.futures.process._process_worker."""
    def worker(call_queue, result_queue, *args, **kwargs):
        try:
            d = result_queue.__dict__
            name = getattr(result_queue._rlock._semlock, "name", None) or ""
            if "_parviz_key" not in d and _EXEC_MARK in name:
                d["_parviz_key"] = _hooks._name_key(result_queue._rlock._semlock)
                d["_parviz_results"] = result_preview
        except Exception:
            pass
        return orig(call_queue, result_queue, *args, **kwargs)
    worker.__module__, worker.__qualname__, worker.__name__ = orig.__module__, orig.__qualname__, orig.__name__
    worker.__doc__ = orig.__doc__
    return worker


class _ExecutorFinder:
    """A meta-path finder that only watches for concurrent.futures.process,
    to hook it once it is loaded."""

    def find_spec(self, name, path, target=None):
        if name != "concurrent.futures.process":
            return None
        import importlib.machinery
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        orig_exec = loader.exec_module

        def exec_module(module):
            orig_exec(module)
            try:
                _install_executor(module)
            except Exception:
                pass
        loader.exec_module = exec_module
        return spec


# (in its worker, from Queue.get)
def executor_item(item, q=None):
    """Called with what Queue.get returned (q: the queue): a ProcessPoolExecutor
    _CallItem gets its fn traced (cheap no-op for anything else)."""
    cfp = _cfp or sys.modules.get("concurrent.futures.process")
    if cfp is None or type(item) is not getattr(cfp, "_CallItem", None):
        return item
    try:
        fn, work_id = item.fn, item.work_id
        number = _exec_number(q) if q is not None else 0
        if number:
            where, flags, taken = _exec_job(number, work_id) << 32, 0, _TAKEN
        else:
            where, flags, taken = work_id & 0xFFFFFFFF, FLAG_AD_HOC, 0
        if isinstance(fn, functools.partial) and fn.func is getattr(cfp, "_process_chunk", None) and fn.args:
            user = fn.args[0]
            process_chunk = cfp._process_chunk

            def chunk_run(chunk):   # executor.map: through _process_chunk's [fn(*args) for args in chunk]
                n = len(chunk)      # (its frames in a task's traceback, as untraced)
                k = -1

                def each(*args):
                    nonlocal k
                    k += 1
                    i = k
                    text = _item_text(args[0] if len(args) == 1 else args)
                    _emit_text(_K_START, text, 64, i, where, n if i == 0 and taken else 0,
                               (taken or flags) if i == 0 else flags)
                    try:
                        result = user(*args)
                    except BaseException as exc:
                        _emit_text(_K_END, _error_text(exc), ERROR_LIMIT, i, where, 0, flags | FLAG_RAISED)
                        raise
                    if i != last:
                        _emit(_K_END, i, where, 0, 0, flags)
                    return result
                last = n - 1
                out = process_chunk(each, chunk)
                if n:   # the chunk's last TASK_END: RETURNED with its results' list, split per task (as Pool's)
                    _emit_text(_K_END, _result_text_safe(out), 64, last, where, 0, flags | _RETURNED)
                return out
            item.fn = chunk_run
        else:
            def call_run(*args, **kwargs):   # a submit()'s call: its TASK_END RETURNED with its result
                text = _item_text(args[0] if len(args) == 1 and not kwargs else args)
                _emit_text(_K_START, text, 64, 0, where, 0, flags)
                try:
                    result = fn(*args, **kwargs)
                except BaseException as exc:
                    _emit_text(_K_END, _error_text(exc), ERROR_LIMIT, 0, where, 0, flags | FLAG_RAISED)
                    raise
                _emit_text(_K_END, _result_text_safe(result), 64, 0, where, 0, flags | _RETURNED)
                return result
            item.fn = call_run
    except Exception:
        pass
    return item


def install(hooks):
    global _hooks
    _hooks = hooks
    _mpool.ApplyResult.__init__ = _applyresult_init
    _mpool.MapResult.__init__ = _mapresult_init
    _mpool.IMapIterator.__init__ = _imap_init     # IMapUnorderedIterator inherits it
    _mpool.worker = _worker
    cfp = sys.modules.get("concurrent.futures.process")
    if cfp is not None:
        _install_executor(cfp)
    else:
        sys.meta_path.insert(0, _ExecutorFinder())

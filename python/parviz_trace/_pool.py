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
input order: first index of the job + chunk * chunksize + k.

ProcessPoolExecutor: its workers take _CallItems from a Queue (call_queue);
a _CallItem coming out of Queue.get in a worker gets its fn wrapped the same
way (executor.map's chunks item by item). Executor work has no job
announcement: its TASK_STARTs carry flags 2 and parviz numbers them in start
order.

Nothing here changes what is pickled or returned: the wrappers call the
original function with the original arguments and return its result.
"""
import functools
import sys

import multiprocessing.pool

from . import _ring as W
import parviz_trace as _pt

_emit = _pt.emit
_emit_text = _pt.emit_text
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
def _announce(job, tasks, chunksize):
    _emit(W.K_POOL_JOB, tasks, job, chunksize, _hooks._src(3))


def _applyresult_init(self, *args, **kwargs):
    _orig_applyresult_init(self, *args, **kwargs)
    if type(self) is _mpool.ApplyResult:        # apply / apply_async: one call (MapResult announces itself)
        _announce(self._job, 1, 1)


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
    _announce(self._job, length, chunksize)


# =============================================================================
# Tasks (in a pool worker)
# =============================================================================
def _traced_chunk(job, chunk, star):
    where = (job << 32) | (chunk & 0xFFFFFFFF)

    def run(args):
        fn, items = args
        out = []
        for k, item in enumerate(items):
            out.append(_run_item(fn, item if star else (item,), {}, _item_text(item), k, where, 0))
        return out
    return run


def _traced_call(job, i, fn):
    where = (job << 32) | (i & 0xFFFFFFFF)

    def run(*args, **kwargs):
        text = _item_text(args[0] if len(args) == 1 and not kwargs else args)
        return _run_item(fn, args, kwargs, text, 0, where, 0)
    return run


class _TracedInqueue:
    """The pool worker's task queue, seen through: each task it hands out
    runs through _traced_chunk or _traced_call (after unpickling)."""

    def __init__(self, q):
        self._q = q
        # A worker under spawn or forkserver gets the pool's task queue as a
        # pickle (nothing of ours in it): its key is its read lock's name's
        # hash, as in the pool's process (_sync._setup_queues).
        try:
            if "_parviz_key" not in q.__dict__ and getattr(q._rlock._semlock, "name", None):
                q._parviz_key = _hooks._name_key(q._rlock._semlock)
        except Exception:
            pass
        for name in ("_writer", "_reader"):
            if hasattr(q, name):
                setattr(self, name, getattr(q, name))

    def get(self):
        task = self._q.get()
        try:
            job, i, func, args, kwds = task
        except (TypeError, ValueError):
            return task                          # None: the sentinel
        if func is _mapstar or func is _starmapstar:
            return (job, i, _traced_chunk(job, i, func is _starmapstar), args, kwds)
        if callable(func) and func is not _reraise:
            return (job, i, _traced_call(job, i, func), args, kwds)
        return task

    def __getattr__(self, name):
        return getattr(self._q, name)


def _worker(inqueue, *args, **kwargs):
    if args:                                     # args[0]: the result queue ("pool results")
        from . import _sync
        _sync.traced_result_queue_copy(args[0])
    return _orig_worker(_TracedInqueue(inqueue), *args, **kwargs)


# Pool pickles its worker function by name under spawn and forkserver: this
# one goes as multiprocessing.pool.worker (which it replaces), so a child
# that has no tracer unpickles CPython's own.
_worker.__module__, _worker.__qualname__ = "multiprocessing.pool", "worker"


# =============================================================================
# ProcessPoolExecutor (in its worker, from Queue.get)
# =============================================================================
def executor_item(item):
    """Called with what Queue.get returned: a ProcessPoolExecutor _CallItem
    gets its fn traced (cheap no-op for anything else)."""
    cfp = sys.modules.get("concurrent.futures.process")
    if cfp is None or type(item) is not getattr(cfp, "_CallItem", None):
        return item
    try:
        fn, where = item.fn, item.work_id & 0xFFFFFFFF
        if isinstance(fn, functools.partial) and fn.func is getattr(cfp, "_process_chunk", None) and fn.args:
            user = fn.args[0]

            def chunk_run(chunk):   # executor.map: _process_chunk's [fn(*args) for args in chunk]
                return [_run_item(user, args, {}, _item_text(args[0] if len(args) == 1 else args), k, where,
                                  FLAG_AD_HOC) for k, args in enumerate(chunk)]
            item.fn = chunk_run
        else:
            def call_run(*args, **kwargs):
                text = _item_text(args[0] if len(args) == 1 and not kwargs else args)
                return _run_item(fn, args, kwargs, text, 0, where, FLAG_AD_HOC)
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

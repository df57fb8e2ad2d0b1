"""The patches parviz_trace puts on multiprocessing, print and time.sleep.

Each wrapper calls the original and adds events around it; it never changes
arguments, results, exceptions or what is pickled. Source lines are the
program's: the first frame outside multiprocessing, threading and this
package.
"""
import collections
import hashlib
import itertools
import os
import sys
import threading
import time
import reprlib
import select

import multiprocessing
import multiprocessing.pool
from ._pool import executor_item as _executor_item
import multiprocessing.process
import multiprocessing.queues
import multiprocessing.synchronize
import multiprocessing.popen_fork
try:
    import multiprocessing.popen_forkserver as _popen_forkserver
except ImportError:   # a platform without forkserver
    _popen_forkserver = None

from . import _ring as W
from . import _sync
import parviz_trace as _pt

_MP_DIR = os.path.dirname(multiprocessing.__file__) + os.sep
# concurrent.futures builds on multiprocessing: its objects are the library's, not the program's
_CF_DIR = os.path.join(os.path.dirname(os.path.dirname(multiprocessing.__file__)), "concurrent", "futures") + os.sep
_OWN_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_THREADING = threading.__file__
_getframe = sys._getframe
_key_counter = itertools.count(1)
_repr = reprlib.Repr()
_repr.maxstring = 60
_repr.maxother = 60


def _key():
    """A queue or lock key unique in the whole program: pid and a counter."""
    return (os.getpid() << 24) | (next(_key_counter) & 0xFFFFFF)


def _name_key(semlock):
    """The key of an object built on a named semaphore (spawn and forkserver
    contexts): the same in every process, because a spawned child rebuilds the
    object from a pickle that carries the name (never our key). 0: no name
    (the fork context unlinks it at once; fork children inherit the key)."""
    name = getattr(semlock, "name", None)
    if not name:
        return 0
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=7).digest(), "little") | (1 << 62)


# A semaphore the program made itself gets a name carrying this mark, so that
# a spawned child rebuilding it from a pickle knows to trace it (a Queue's
# internal locks are not marked). The name is CPython's own random one with
# the mark inserted: nothing else about the semaphore changes.
_MARK = "-pvz"


def _marked_name():
    return multiprocessing.synchronize.SemLock._make_name().replace("-", _MARK + "-", 1)


def _is_marked(semlock):
    name = getattr(semlock, "name", None)
    return bool(name) and _MARK + "-" in name


_skip_code = {}      # code object -> True when it is not the program's (multiprocessing, threading, us)
_line_ids = {}       # (code object, line) -> interned id of "file:line" (reset after a fork)


def _src(depth=2):
    """Interned id of the program's file:line that led here (0 if none)."""
    try:
        f = _getframe(depth)
        while f is not None:
            co = f.f_code
            skip = _skip_code.get(co)
            if skip is None:
                fn = co.co_filename
                skip = _skip_code[co] = (fn.startswith(_MP_DIR) or fn.startswith(_OWN_DIR) or fn == _THREADING or
                                         fn.startswith(_CF_DIR))
            if not skip:
                key = (co, f.f_lineno)
                sid = _line_ids.get(key)
                if sid is None:
                    sid = _pt.intern("%s:%d" % (co.co_filename, key[1]))
                    if sid:              # 0: not defined (asked from a signal handler mid-write): ask again
                        _line_ids[key] = sid
                return sid
            f = f.f_back
    except Exception:
        pass
    return 0


def _preview(obj):
    t = type(obj)
    if t is str:
        return repr(obj[:64]) if len(obj) > 64 else repr(obj)
    if t is int or t is float or t is bool or obj is None:
        return repr(obj)
    return _repr.repr(obj)


_emit = _pt.emit            # (kind, obj, a, b, src, flags), positional: the fast path
_emit_text = _pt.emit_text  # (kind, text, limit, obj, a, src, flags)


_POOL_TARGETS = {("multiprocessing.pool", "worker"), ("concurrent.futures.process", "_process_worker")}


def _role_of(proc):
    """A pool worker by what it runs (a Pool's worker loop, a
    ProcessPoolExecutor's _process_worker), never by its name."""
    target = getattr(proc, "_target", None)
    if (getattr(target, "__module__", ""), getattr(target, "__qualname__", "")) in _POOL_TARGETS:
        return W.ROLE_POOL_WORKER
    return W.ROLE_PROCESS


def _command_line():
    """This interpreter's command line (sys.argv is not set yet when
    sitecustomize runs, and sys.orig_argv is 3.10+)."""
    try:
        with open("/proc/self/cmdline", "rb") as f:
            return f.read().decode("utf-8", "replace").split("\0")
    except OSError:
        return list(getattr(sys, "orig_argv", []))


def startup_role():
    """(role, name) this interpreter announces at start-up, or None for a
    child started by spawn or forkserver (its _bootstrap announces it, with
    its real name). multiprocessing starts its helpers with `python -c`."""
    cmd = _command_line()
    if "--multiprocessing-fork" in cmd:
        return None                                     # spawn: a Process, named in _bootstrap
    code = cmd[cmd.index("-c") + 1] if "-c" in cmd[:-1] else ""
    if "multiprocessing.forkserver import main" in code:
        return W.ROLE_HELPER, "forkserver"
    if "multiprocessing.resource_tracker import main" in code:
        return W.ROLE_HELPER, "resource_tracker"
    return W.ROLE_MAIN, multiprocessing.current_process().name


# =============================================================================
# Processes
# =============================================================================
_orig_start = multiprocessing.process.BaseProcess.start
_orig_bootstrap = multiprocessing.process.BaseProcess._bootstrap


def _start(self):
    try:
        r = _pt.ring()
        src = _src(2)
        name_id = r.intern(self.name or "")
        role = _role_of(self)    # now: start() deletes _target
        t = r.begin()            # start requested: now, written once the pid is known
    except Exception:            # no ring (its directory is gone): untraced
        return _orig_start(self)
    try:
        _orig_start(self)
    except BaseException:
        r.finish(None, 0)
        raise
    try:
        r.finish(t, W.K_PROC_START, role, self.pid or 0, name_id, src)
    except Exception:
        pass


def _traced_send_signal(orig):
    """Popen._send_signal: every way the program asks for a signal to one of
    its processes goes through it — Process.terminate() / kill(), Pool's
    terminate (a `with Pool()` block's exit), and CPython's own exit handler,
    which terminates daemonic children with `p._popen.terminate()` (hooking
    Process.terminate missed that one, and the daemons' SIGTERM read as a
    failure). Stamped before the signal is sent; none for a reaped child."""
    def send(self, sig):
        pid = getattr(self, "pid", None)
        if pid and self.returncode is None:
            _emit(W.K_PROC_KILL, 0, pid, int(sig), _src(2))
        return orig(self, sig)
    return send


def _bootstrap(self, *args, **kwargs):
    # In the child: announce the name and role before the target runs.
    try:
        _emit(W.K_PROC_NAME, _role_of(self), _pt.intern(self.name or ""))
    except Exception:
        pass
    code = _orig_bootstrap(self, *args, **kwargs)
    _emit(W.K_PROC_EXIT, 0, code if isinstance(code, int) else 1)
    return code


_orig_join = multiprocessing.process.BaseProcess.join


def _join(self, timeout=None):
    """Process.join called by the program's own code (a Pool's or an
    executor's joins of its workers are multiprocessing's, not drawn): the
    caller waits for the child to end. PROC_JOIN before the wait (only when
    the child still runs: CPython's join of an exited child returns at once,
    and the poll that says so reaps it, PROC_REAPED) and PROC_JOIN flagged
    JOIN_END after it, JOIN_TIMED_OUT too when join(timeout) returned with the
    child still running. join's own errors (not started, closed, not our
    child) are CPython's: nothing is written."""
    try:
        popen = self._popen
        fn = _getframe(1).f_code.co_filename
        ours = not (fn.startswith(_MP_DIR) or fn.startswith(_OWN_DIR) or fn == _THREADING or fn.startswith(_CF_DIR))
        waits = (ours and popen is not None and not getattr(self, "_closed", False) and
                 self._parent_pid == os.getpid() and popen.poll() is None)
    except Exception:
        waits = False
    if not waits:
        return _orig_join(self, timeout)
    pid = popen.pid or 0
    _emit(W.K_PROC_JOIN, 0, pid, 0, _src(2))
    try:
        return _orig_join(self, timeout)
    finally:
        try:
            still = popen.returncode is None
            _emit(W.K_PROC_JOIN, 0, pid, 0, 0, W.JOIN_END | (W.JOIN_TIMED_OUT if still else 0))
        except Exception:
            pass


def _traced_poll(orig):
    def poll(self, *args, **kwargs):
        code = orig(self, *args, **kwargs)
        if code is not None and not getattr(self, "_parviz_reported", False):
            self._parviz_reported = True
            _emit(W.K_PROC_REAPED, 0, self.pid or 0, code)
        return code
    return poll


# =============================================================================
# Queue
# =============================================================================
_Queue = multiprocessing.queues.Queue
_orig_q_init = _Queue.__init__
_orig_q_put = _Queue.put
_orig_q_get = _Queue.get
_q_reset_name = "_reset" if hasattr(_Queue, "_reset") else "_after_fork"
_orig_q_reset = getattr(_Queue, _q_reset_name)
_Empty = multiprocessing.queues.Empty
_Full = multiprocessing.queues.Full
_queue_numbers = itertools.count(1)


def _q_key(q):
    """The queue's key; a queue rebuilt from a pickle (spawn) takes it from
    its read lock's semaphore name, which the pickle carries."""
    key = q.__dict__.get("_parviz_key")
    if key is None:
        try:
            key = _name_key(q._rlock._semlock)
        except Exception:
            key = 0
        q.__dict__["_parviz_key"] = key
    return key


def _q_wrap_pipe(q):
    """Wraps the instance's pipe ends (rebound by every _reset)."""
    send, recv = q._send_bytes, q._recv_bytes
    key = _q_key(q)
    if not key:
        return
    pending = q.__dict__["_parviz_pending"] = collections.deque()   # put numbers not yet written, in order

    def send_bytes(data, *a):
        # Called by the feeder thread (or a synchronous put) inside _wlock:
        # the stamp order is the pipe order.
        n = pending.popleft() if pending else 0
        _emit(W.K_QUEUE_WRITE, n, key)
        return send(data, *a)

    def recv_bytes(*a):
        data = recv(*a)
        _emit(W.K_QUEUE_GET, 0, key, 0, _src(2))   # inside _rlock: get order = pipe order
        return data

    q._send_bytes, q._recv_bytes = send_bytes, recv_bytes


def _q_init(self, *args, **kwargs):
    self.__dict__["_parviz_building"] = True      # _reset inside __init__ wraps nothing yet
    try:
        _orig_q_init(self, *args, **kwargs)
    finally:
        self.__dict__.pop("_parviz_building", None)
    self._parviz_key = _name_key(self._rlock._semlock) or _key()
    _q_wrap_pipe(self)
    src = _src(2)
    from . import _pool
    if _pool.making_executor():                   # a ProcessPoolExecutor's call queue
        name = "executor calls"
        self.put = _traced_put(_orig_q_put, _pool.call_preview).__get__(self)   # its items said as calls
    else:
        name = "%s-%d" % (type(self).__name__, next(_queue_numbers))
    _emit(W.K_QUEUE_NEW, 0, self._parviz_key, _pt.intern(name), src)


def _q_reset(self, *args, **kwargs):
    _orig_q_reset(self, *args, **kwargs)
    if not self.__dict__.get("_parviz_building"):
        _q_wrap_pipe(self)


_put_numbers = itertools.count(1)


def _traced_put(orig_put, preview=None):
    """Queue.put (and JoinableQueue's own put): the put, numbered for the
    feeder's write, with a bounded preview (`preview`, or _preview); Full when
    it raises that."""
    show = preview or _preview

    def put(self, obj, block=True, timeout=None):
        key = _q_key(self)
        if not key:
            return orig_put(self, obj, block, timeout)
        n = next(_put_numbers) & 0x7FFFFFFF
        src = _src(2)
        try:
            text = show(obj)
        except Exception:
            text = "<unprintable>"
        pending = self.__dict__.get("_parviz_pending")
        # The put event goes first (its time is before the item can be read),
        # then its number waits for the feeder's write.
        _emit_text(W.K_QUEUE_PUT, text, 64, n, key, src)
        if pending is not None:
            pending.append(n)
        try:
            return orig_put(self, obj, block, timeout)
        except _Full:
            if pending is not None and pending and pending[-1] == n:
                pending.pop()
            _emit(W.K_QUEUE_FULL, 0, key, 0, src)
            raise
        except BaseException:
            if pending is not None and pending and pending[-1] == n:
                pending.pop()
            raise
    return put


_q_put = _traced_put(_orig_q_put)


_poll_type = select.poll if hasattr(select, "poll") else None


def wait_begins(q, key, depth):
    """Before a blocking get of queue q (key): when nothing is in its pipe to
    read, the process enters "waits for queue" (a STATE of the queue's key, with
    the get's line) and True is returned: the caller says STATE_LEAVE after the
    get, whatever it returned or raised. parviz's engine draws a get that has
    to block the same way (queue.cpp); an item already there is no wait. One
    poll(2) of the pipe, through a poll object kept per queue (per reader fd)."""
    try:
        d = q.__dict__
        reader = q._reader
        p = d.get("_parviz_poll")
        if p is None or p[0] is not reader:
            if _poll_type is None:
                return False
            p = d["_parviz_poll"] = (reader, _poll_type())
            p[1].register(reader.fileno(), select.POLLIN)
        if p[1].poll(0):
            return False
        _emit(W.K_STATE, W.STATE_WAIT_QUEUE, key, 0, _src(depth + 1))
        return True
    except Exception:
        return False


def wait_ends(key):
    _emit(W.K_STATE, W.STATE_WAIT_QUEUE, key, 0, 0, W.STATE_LEAVE)


def _q_get(self, block=True, timeout=None):
    waits = False
    if block:
        key = _q_key(self)
        waits = key and wait_begins(self, key, 2)
    try:
        return _executor_item(_orig_q_get(self, block, timeout), self)
    except _Empty:
        key = _q_key(self)
        if key:
            _emit(W.K_QUEUE_EMPTY, 0, key, 0, _src(2))
        raise
    finally:
        if waits:
            wait_ends(key)


# =============================================================================
# Lock
# =============================================================================
_Lock = multiprocessing.synchronize.Lock
_orig_lock_init = _Lock.__init__
_lock_numbers = itertools.count(1)


def _lock_origin(depth):
    """Who asked for the lock being built: "program", "Value" / "Array" (the
    lock of a synchronized shared value), or None for multiprocessing itself
    (a Queue's read and write locks, a Condition's, an Event's: not shown)."""
    f = _getframe(depth)
    while f is not None:
        fn = f.f_code.co_filename
        if fn.startswith(_OWN_DIR) or fn.endswith(os.sep + "context.py") and fn.startswith(_MP_DIR):
            f = f.f_back
            continue
        if fn.startswith(_CF_DIR):
            return None
        if not fn.startswith(_MP_DIR):
            return "program"
        if fn.endswith(os.sep + "sharedctypes.py") and f.f_code.co_name in ("Value", "Array"):
            return f.f_code.co_name
        return None
    return None


def _made_by_program(depth):
    return _lock_origin(depth + 1) == "program"


def _traced_acquire(sem_acquire, key):
    """acquire(block, timeout) over a SemLock's own acquire: LOCK_ACQUIRE when
    it gets in at once, else LOCK_WAIT then LOCK_ACQUIRE or LOCK_TIMEOUT (a
    non-blocking acquire that fails: LOCK_TIMEOUT alone). Shared by Lock,
    RLock and Semaphore (_sync.py)."""
    def acquire(block=True, timeout=None):
        if sem_acquire(False):
            _emit(W.K_LOCK_ACQUIRE, 0, key, 0, _src(2))   # (our own frames are skipped)
            return True
        src = _src(2)
        if not block:
            _emit(W.K_LOCK_TIMEOUT, 0, key, 0, src)
            return False
        _emit(W.K_LOCK_WAIT, 0, key, 0, src)
        ok = sem_acquire(True, timeout)
        _emit(W.K_LOCK_ACQUIRE if ok else W.K_LOCK_TIMEOUT, 0, key, 0, src)
        return ok
    return acquire


def _traced_lock_functions(lock, key, recursive):
    """acquire() and release() that record the owner; for an RLock only the
    outermost acquire and the last release are events."""
    sl = lock._semlock
    sem_acquire, sem_release = sl.acquire, sl.release
    get_value = getattr(sl, "_get_value", None)
    traced = _traced_acquire(sem_acquire, key)

    def acquire(block=True, timeout=None):
        if recursive and sl._is_mine():
            return sem_acquire(block, timeout)          # re-entered: no event
        return traced(block, timeout)

    def release():
        # Before the release: the next owner's acquire is stamped after it.
        # No event when the release raises (a Lock already free: ValueError;
        # an RLock this process does not hold: AssertionError) or, for an
        # RLock, does not free it yet.
        try:
            if recursive:
                last = sl._is_mine() and sl._count() == 1
            else:
                last = not (get_value is not None and get_value() > 0)
        except Exception:
            last = False
        if last:
            _emit(W.K_LOCK_RELEASE, 0, key, 0, _src(2))
        return sem_release()

    return acquire, release


def _traced_lock_methods(lock, key):
    lock.acquire, lock.release = _traced_lock_functions(lock, key, False)


def _lock_init(self, *args, **kwargs):
    if not _made_by_program(2):
        return _orig_lock_init(self, *args, **kwargs)
    self._make_name = _marked_name      # shadows SemLock._make_name for this one call
    try:
        _orig_lock_init(self, *args, **kwargs)
    finally:
        self.__dict__.pop("_make_name", None)
    key = self._parviz_key = _name_key(self._semlock) or _key()
    _traced_lock_methods(self, key)
    _emit(W.K_LOCK_NEW, 0, key, _pt.intern("Lock-%d" % next(_lock_numbers)), _src(2))


_orig_semlock_setstate = multiprocessing.synchronize.SemLock.__setstate__
_Semaphore = multiprocessing.synchronize.Semaphore
_BoundedSemaphore = multiprocessing.synchronize.BoundedSemaphore


def _semlock_setstate(self, state):
    """A lock rebuilt in a spawned child: traced again when the program made it."""
    _orig_semlock_setstate(self, state)
    try:
        if type(self) is _Lock and _is_marked(self._semlock):
            key = self._parviz_key = _name_key(self._semlock)
            _traced_lock_methods(self, key)
        elif type(self) in (_Semaphore, _BoundedSemaphore) and _is_marked(self._semlock):
            _sync.traced_semaphore_copy(self)
        elif type(self) is _RLock and _is_marked(self._semlock):
            _rlock_trace(self, _name_key(self._semlock), True)
        elif type(self) is _RLock and _VALUE_MARK + "-" in (getattr(self._semlock, "name", None) or ""):
            _rlock_trace(self, _name_key(self._semlock), False)
    except Exception:
        pass


# RLock: the program's own, and the lock of a Value or Array (`with
# v.get_lock():`). A Value's lock is traced only through `with`: its
# value property binds the lock's acquire when the Value is made and takes
# it on every read and write, which are not the program's lock holds.
_RLock = multiprocessing.synchronize.RLock
_orig_rlock_init = _RLock.__init__
_VALUE_MARK = "-pvzv"
_rlock_numbers = itertools.count(1)
_value_numbers = {"Value": itertools.count(1), "Array": itertools.count(1)}


def _rlock_trace(lock, key, per_instance):
    lock._parviz_key = key
    acquire, release = _traced_lock_functions(lock, key, True)
    lock._parviz_acquire, lock._parviz_release = acquire, release
    if per_instance:
        lock.acquire, lock.release = acquire, release


def _rlock_init(self, *args, **kwargs):
    origin = _lock_origin(2)
    if origin is None:
        return _orig_rlock_init(self, *args, **kwargs)
    mark = _MARK if origin == "program" else _VALUE_MARK
    self._make_name = lambda: multiprocessing.synchronize.SemLock._make_name().replace("-", mark + "-", 1)
    try:
        _orig_rlock_init(self, *args, **kwargs)
    finally:
        self.__dict__.pop("_make_name", None)
    key = _name_key(self._semlock) or _key()
    _rlock_trace(self, key, origin == "program")
    if origin == "program":
        name = "RLock-%d" % next(_rlock_numbers)
    else:
        name = "%s-%d lock" % (origin, next(_value_numbers[origin]))
    _emit(W.K_LOCK_NEW, 0, key, _pt.intern(name), _src(2))


def _rlock_enter(self):
    acquire = self.__dict__.get("_parviz_acquire")
    return acquire() if acquire is not None else self._semlock.__enter__()


def _rlock_exit(self, *args):
    release = self.__dict__.get("_parviz_release")
    return release() if release is not None else self._semlock.__exit__(*args)


def _lock_enter(self):
    return self.acquire()


def _lock_exit(self, *args):
    return self.release()


# =============================================================================
# Printed lines
# =============================================================================
class _TracedStream:
    """sys.stdout / sys.stderr, seen through: writes go to the real stream
    unchanged (same buffering); each complete line is also an event."""

    def __init__(self, stream, which):
        self.__dict__["_parviz_stream"] = stream
        self.__dict__["_parviz_which"] = which
        self.__dict__["_parviz_partial"] = ""

    def write(self, s):
        n = self._parviz_stream.write(s)
        try:
            if "\n" not in s:
                self.__dict__["_parviz_partial"] += s
            else:
                lines = (self._parviz_partial + s).split("\n")
                self.__dict__["_parviz_partial"] = lines.pop()
                src = _src(2)
                for line in lines:
                    _emit_text(W.K_PRINT, line, 1024, self._parviz_which, 0, src)
        except Exception:
            pass
        return n

    def __getattr__(self, name):
        return getattr(self._parviz_stream, name)

    def __setattr__(self, name, value):
        setattr(self._parviz_stream, name, value)


# =============================================================================
# time.sleep
# =============================================================================
# parviz's engine draws a worker in its sleep work as "sleeping" (work.cpp's
# ScopedWorkerState) and then whatever it was in before (Idle between tasks,
# running inside a task); a traced program's sleep says the same with a STATE
# pair: entering "sleeping" (with the line that called it: the Code panel
# marks a process's latest event's line, the sleep, not the print before it)
# and leaving it. parviz puts the lane back into the state the sleep was
# entered from (python_trace_source.cpp's lane states), so the wrapper never
# says "idle" itself. A sleep that multiprocessing's own code asks for
# (pool.py's time.sleep(0) while it terminates) is not the program's and says
# nothing; a task function that is time.sleep itself, called by a pool
# worker, is.
#
# What a program can observe of the wrapper (docs/python-trace.md, "What the
# tracer changes"): calls, results and errors are time.sleep's own — any call
# that is not one positional argument, and a value time.sleep refuses
# (negative, NaN), goes straight to the real function, which raises its own
# TypeError or ValueError with its own words in every version. Its repr,
# __name__, __qualname__, __module__, __doc__, __self__ and
# __text_signature__ are the builtin's; inspect.signature() answers as for
# the builtin; pickle and copy treat it as `time.sleep`; as a class attribute
# it does not bind (a builtin has no __get__). What pure Python cannot make
# the same: type(time.sleep) is not builtin_function_or_method
# (isinstance(..., types.BuiltinFunctionType) and inspect.isbuiltin() are
# False; help() lists it as an object, with the builtin's doc), it has a
# __dict__, and a traceback through it has one more frame (left out where
# CPython prints tracebacks: _tb.py).
_orig_sleep = time.sleep
_SLEEP_CALLERS = frozenset(("worker", "mapstar", "starmapstar", "_process_worker", "_process_chunk"))
_sleep_skip = {}     # code object of sleep's caller -> True when that caller is library code
_float, _int = float, int


# 3.8 and 3.9 take an object with __int__ but no __index__ (a Decimal) with a
# DeprecationWarning that CPython attributes to the frame calling time.sleep:
# the wrapper's own, which the default filters hide (they show it for
# __main__ only). Said here for the program's frame, word for word; then the
# real sleep is given the int, so the warning is not said twice.
_INT_WARNS = sys.version_info < (3, 10)


def _deprecated_int(secs, t):
    if hasattr(t, "__index__") or not hasattr(t, "__int__"):
        return secs                          # an integer-like, or the real sleep's own TypeError
    if t.__flags__ & (1 << 9) or t.__module__ == "builtins":   # Py_TPFLAGS_HEAPTYPE: tp_name is the bare name
        name = t.__name__
    else:
        name = t.__module__ + "." + t.__qualname__
    import warnings
    warnings.warn("an integer is required (got type %.200s).  Implicit conversion to integers using __int__ is "
                  "deprecated, and may be removed in a future version of Python." % name, DeprecationWarning, 3)
    return int(secs)


class _Sleep:
    """time.sleep, traced (see above). Named as the builtin's type is, so
    type(time.sleep) reads as CPython's (repr, __name__, a pickle of it
    failing the same way), though it is not that type."""

    def __call__(*args, **kwargs):          # (self, secs, /): positional only, as the builtin
        if kwargs or len(args) != 2:
            return _orig_sleep(*args[1:], **kwargs)   # time.sleep's own TypeError, word for word
        secs = args[1]
        t = type(secs)
        if t is _float or t is _int:
            if not secs >= 0:
                return _orig_sleep(secs)                # negative or NaN: its own ValueError
        elif _INT_WARNS and not isinstance(secs, _float):
            secs = _deprecated_int(secs, t)
        try:
            co = _getframe(1).f_code
            skip = _sleep_skip.get(co)
            if skip is None:
                fn = co.co_filename
                skip = _sleep_skip[co] = ((fn.startswith(_MP_DIR) or fn.startswith(_CF_DIR) or fn == _THREADING) and
                                          co.co_name not in _SLEEP_CALLERS)
        except Exception:
            skip = True
        if skip:
            return _orig_sleep(secs)
        # No count of sleeping threads here (a signal handler may sleep while
        # its thread is in this wrapper): parviz pairs each enter with its leave.
        _emit(W.K_STATE, W.STATE_SLEEPING, 0, 0, _src(2))
        try:
            return _orig_sleep(secs)
        finally:
            _emit(W.K_STATE, W.STATE_SLEEPING, 0, 0, 0, W.STATE_LEAVE)

    def __repr__(self):
        return repr(_orig_sleep)

    def __reduce__(self):
        return "sleep"                       # pickled as the global time.sleep, as the builtin is

    @property
    def __signature__(self):
        import inspect                       # only when asked: inspect costs ~10 ms to import
        return inspect.signature(_orig_sleep)   # the builtin's answer (ValueError before 3.13)


_Sleep.__name__ = _Sleep.__qualname__ = "builtin_function_or_method"
_Sleep.__module__ = "builtins"
_sleep = _Sleep()
for _name in ("__name__", "__qualname__", "__module__", "__doc__", "__self__", "__text_signature__"):
    try:
        _sleep.__dict__[_name] = getattr(_orig_sleep, _name)
    except AttributeError:
        pass
del _name


def after_fork_in_child():
    _line_ids.clear()   # the child's ring interns its own strings
    for s in (sys.stdout, sys.stderr):
        if isinstance(s, _TracedStream):
            s.__dict__["_parviz_partial"] = ""


# =============================================================================
# install
# =============================================================================
def install():
    mp = multiprocessing
    mp.process.BaseProcess.start = _start
    mp.process.BaseProcess._bootstrap = _bootstrap
    mp.process.BaseProcess.join = _join
    # popen_spawn_posix and popen_forkserver inherit it.
    mp.popen_fork.Popen._send_signal = _traced_send_signal(mp.popen_fork.Popen._send_signal)
    mp.popen_fork.Popen.poll = _traced_poll(mp.popen_fork.Popen.poll)   # popen_spawn_posix inherits it
    if _popen_forkserver is not None:
        _popen_forkserver.Popen.poll = _traced_poll(_popen_forkserver.Popen.poll)
    _Queue.__init__ = _q_init
    setattr(_Queue, _q_reset_name, _q_reset)
    _Queue.put = _q_put
    _Queue.get = _q_get
    _Lock.__init__ = _lock_init
    _Lock.__enter__ = _lock_enter
    _Lock.__exit__ = _lock_exit
    mp.synchronize.SemLock.__setstate__ = _semlock_setstate
    _RLock.__init__ = _rlock_init
    _RLock.__enter__ = _rlock_enter
    _RLock.__exit__ = _rlock_exit
    from . import _pool
    _pool.install(sys.modules[__name__])
    _sync.install(sys.modules[__name__])
    time.sleep = _sleep
    from . import _tb
    _tb.install()                                   # tracebacks without the tracer's frames
    if sys.stdout is not None:
        sys.stdout = _TracedStream(sys.stdout, 0)
    if sys.stderr is not None:
        sys.stderr = _TracedStream(sys.stderr, 1)
    announce = startup_role()
    if announce is not None:
        _emit(W.K_PROC_NAME, announce[0], _pt.intern(announce[1]))

"""Tracebacks read as they do untraced (parviz_trace; _hooks.install installs it).

The tracer's wrappers are Python functions, so an exception that passes
through one (Pool.map raising a task's error, Queue.get raising Empty, a task
raising in a worker) carries their frames in its traceback. A traced program
must print the same tracebacks as untraced, so the tracer's own frames (any
code in this package's directory) are left out wherever CPython shows a
traceback:
  - the traceback module (print_exc, format_exception, extract_tb,
    print_stack, TracebackException, and so logging, a Process child's
    "Process Process-1:" traceback, Pool's and ProcessPoolExecutor's remote
    tracebacks, which their workers format with it): its frame walkers
    (walk_tb, walk_stack, and 3.11's _walk_tb_with_full_positions) skip them;
  - the interpreter's own report of an uncaught exception (sys.excepthook and
    threading.excepthook, when they are CPython's defaults): the exception's
    traceback is unlinked from those frames, in place, before the default
    hook prints it.
The wrappers that stand in for one of CPython's frames call through that
frame (a Pool worker's chunk through mapstar, an executor's through
_process_chunk), so nothing is missing either (_pool.py).
"""
import builtins
import os
import sys
import threading
import traceback

_OWN_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_ExceptionGroup = getattr(builtins, "BaseExceptionGroup", None)   # 3.11+


def _ours(frame):
    return frame.f_code.co_filename.startswith(_OWN_DIR)


def clean_tb(tb):
    """tb with the tracer's entries unlinked (in place: tb_next is writable
    since 3.7); returns the first entry that is not the tracer's (or None)."""
    while tb is not None and _ours(tb.tb_frame):
        tb = tb.tb_next
    head = tb
    while tb is not None:
        nxt = tb.tb_next
        while nxt is not None and _ours(nxt.tb_frame):
            nxt = nxt.tb_next
        if tb.tb_next is not nxt:
            tb.tb_next = nxt
        tb = nxt
    return head


def clean(exc):
    """exc's traceback and those of the exceptions chained to it (cause,
    context, an ExceptionGroup's members), without the tracer's frames."""
    seen, stack = set(), [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen or not isinstance(e, BaseException):
            continue
        seen.add(id(e))
        tb = e.__traceback__
        head = clean_tb(tb)
        if head is not tb:
            e.__traceback__ = head
        stack.append(e.__cause__)
        stack.append(e.__context__)
        if _ExceptionGroup is not None and isinstance(e, _ExceptionGroup):
            stack.extend(e.exceptions)


def _filtered(walker):
    def walk(*args, **kwargs):
        for item in walker(*args, **kwargs):
            if not _ours(item[0]):
                yield item
    walk.__name__ = walker.__name__
    walk.__qualname__ = getattr(walker, "__qualname__", walker.__name__)
    walk.__doc__ = walker.__doc__
    walk.__module__ = walker.__module__
    return walk


def _excepthook(orig):
    def excepthook(exc_type, exc_value, exc_traceback):
        try:
            if isinstance(exc_value, BaseException):
                clean(exc_value)
                if exc_traceback is not None:
                    exc_traceback = clean_tb(exc_traceback)
        except Exception:
            pass
        return orig(exc_type, exc_value, exc_traceback)
    return excepthook


def _thread_excepthook(orig):
    def excepthook(args):
        try:
            if isinstance(args.exc_value, BaseException):
                clean(args.exc_value)
                if args.exc_traceback is not None:
                    head = clean_tb(args.exc_traceback)
                    if head is not args.exc_traceback:
                        args = threading.ExceptHookArgs([args.exc_type, args.exc_value, head, args.thread])
        except Exception:
            pass
        return orig(args)
    return excepthook


def install():
    for name in ("walk_tb", "walk_stack", "_walk_tb_with_full_positions"):
        walker = getattr(traceback, name, None)
        if walker is not None:
            setattr(traceback, name, _filtered(walker))
    if sys.excepthook is sys.__excepthook__:
        sys.excepthook = _excepthook(sys.excepthook)
    default = getattr(threading, "__excepthook__", None)      # 3.10+
    if default is None:
        import _thread
        default = getattr(_thread, "_excepthook", None)
    hook = getattr(threading, "excepthook", None)              # 3.8+
    if hook is not None and hook is default:
        threading.excepthook = _thread_excepthook(hook)

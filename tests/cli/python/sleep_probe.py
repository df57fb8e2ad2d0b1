"""What a program can observe of time.sleep, one line each: parviz's test
runs it untraced and traced under every CPython here and compares the
outputs, which must be equal (the tracer's time.sleep stands in for the
builtin: _hooks.py, "time.sleep")."""
import copy
import inspect
import pickle
import sys
import time
import traceback
import warnings
from fractions import Fraction
from decimal import Decimal

s = time.sleep


def rec(label, f):
    try:
        r = f()
        print("%s -> %r" % (label, r))
    except BaseException as e:
        print("%s !! %s: %s" % (label, type(e).__name__, e))


class Index:
    def __index__(self):
        return 0


class Floaty:
    def __float__(self):
        return 0.0


class Holder:
    m = s                                   # a builtin does not bind as a method


def last_frame_line(f):
    try:
        f()
    except Exception:
        return traceback.format_exc().splitlines()[-3:]


rec("repr", lambda: repr(s))
rec("names", lambda: (s.__name__, s.__qualname__, s.__module__))
rec("doc", lambda: s.__doc__)
rec("self", lambda: getattr(s, "__self__", "none"))
rec("text_signature", lambda: getattr(s, "__text_signature__", "none"))
rec("signature", lambda: str(inspect.signature(s)))
rec("type name", lambda: (type(s).__name__, type(s).__qualname__, type(s).__module__))
rec("pickle the type", lambda: pickle.dumps(type(s)))
rec("no args", lambda: s())
rec("two args", lambda: s(0, 0))
rec("keyword", lambda: s(secs=0))
rec("keyword and arg", lambda: s(0, seconds=0))
rec("str", lambda: s("1"))
rec("None", lambda: s(None))
rec("negative", lambda: s(-1))
rec("negative float", lambda: s(-0.5))
rec("nan", lambda: s(float("nan")))
rec("huge", lambda: s(10 ** 30))
rec("zero", lambda: s(0))
rec("False", lambda: s(False))
rec("__index__", lambda: s(Index()))
rec("__float__ only", lambda: s(Floaty()))
rec("Fraction", lambda: s(Fraction(1, 1000)))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    rec("Decimal", lambda: s(Decimal("0.001")))
rec("Decimal warnings", lambda: [(w.category.__name__, str(w.message), w.lineno) for w in caught])
rec("pickle 2", lambda: pickle.dumps(s, 2))
rec("pickle 4", lambda: pickle.dumps(s, 4))
rec("unpickled", lambda: pickle.loads(pickle.dumps(s)) is s)
rec("copy", lambda: copy.copy(s) is s and copy.deepcopy(s) is s)
rec("method", lambda: Holder().m(0))
rec("callable", lambda: callable(s))
rec("traceback of a wrong call", lambda: last_frame_line(lambda: s(secs=1)))
sys.stdout.flush()

"""parviz's tracer hook, loaded by Python at start-up through PYTHONPATH.

`parviz trace` puts this directory first on PYTHONPATH and sets
PARVIZ_TRACE_DIR; Python then imports this module before the program runs.
It installs parviz_trace (only when PARVIZ_TRACE_DIR is set) and then imports
the sitecustomize this one hides (Debian's, a virtualenv's), so the system's
own start-up hook still runs. A failure to install is reported on stderr and
never stops the program.
"""
import importlib
import os
import sys


def _import_shadowed_sitecustomize():
    here = os.path.dirname(os.path.abspath(__file__))
    saved_path = list(sys.path)
    this = sys.modules.pop("sitecustomize", None)
    try:
        sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
        importlib.import_module("sitecustomize")
    except ImportError:
        pass
    except Exception as e:  # the system's hook failing must not look like ours
        sys.stderr.write("sitecustomize (the system's) failed: %r\n" % (e,))
    finally:
        sys.path[:] = saved_path
        if this is not None:
            sys.modules["sitecustomize"] = this


if os.environ.get("PARVIZ_TRACE_DIR"):
    try:
        import parviz_trace
        parviz_trace.install()
    except Exception as e:
        sys.stderr.write("parviz: the Python tracer could not start: %r\n" % (e,))

_import_shadowed_sitecustomize()

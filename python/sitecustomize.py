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


def _is_multiprocessing_child():
    """A spawn or forkserver child, or one of multiprocessing's helpers: the
    program's own interpreter has said what there is to say."""
    try:
        with open("/proc/self/cmdline", "rb") as f:
            cmd = f.read()
    except (IOError, OSError):
        return False
    return b"--multiprocessing-fork" in cmd or b"from multiprocessing." in cmd


if os.environ.get("PARVIZ_TRACE_DIR"):
    # (This file must parse on any Python: the check comes before the package.)
    if sys.version_info < (3, 8):
        if not _is_multiprocessing_child():
            sys.stderr.write("parviz: Python %d.%d is too old for parviz's tracer (it needs 3.8 or newer): "
                             "the program runs untraced\n" % tuple(sys.version_info[:2]))
    else:
        try:
            import parviz_trace
            parviz_trace.install()
        except Exception as e:
            sys.stderr.write("parviz: the Python tracer could not start: %r\n" % (e,))

_import_shadowed_sitecustomize()

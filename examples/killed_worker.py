"""A pool worker killed in the middle of a task: CPython's Pool.map waits forever.

Pool(2).map over four jobs. The worker that takes job C is killed with
SIGKILL halfway through it, as the kernel's out-of-memory killer would kill
it. CPython's Pool notices the dead worker and starts a new one, and the
other jobs finish, but nobody ever runs C again or reports it lost:
Pool.map waits for C's result forever. (concurrent.futures'
ProcessPoolExecutor fails the pending work with BrokenProcessPool instead.)

This program really hangs: stop it with Ctrl-C. Under parviz you see the
dead lane, the task that never ends, the replacement worker, and the main
process still waiting in Pool.map.

    parviz trace -- python3 examples/killed_worker.py

Each line is flushed as it is printed: a process killed by SIGKILL never
flushes its buffers, so whatever it printed into a block-buffered pipe
would be lost with it (another real pitfall).
"""
import os
import signal
import time
from multiprocessing import Pool, current_process

SCALE = float(os.environ.get("PARVIZ_EXAMPLE_SCALE", "0.1"))
JOBS = [("A", 3), ("B", 1), ("C", 2), ("D", 1)]


def run_job(job):
    name, seconds = job
    me = current_process().name
    print("%s starts %s (%s s)" % (me, name, seconds), flush=True)
    if name == "C":
        time.sleep(seconds * SCALE / 2)
        print("%s is killed (SIGKILL) halfway through C" % me, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(seconds * SCALE)
    print("%s finished %s" % (me, name), flush=True)
    return name


if __name__ == "__main__":
    print("(times scaled by %g: PARVIZ_EXAMPLE_SCALE=1 runs them in real seconds)" % SCALE)
    pool = Pool(2)
    print("Pool.map returned", pool.map(run_job, JOBS, chunksize=1), flush=True)   # never returns

"""A Pool task that raises: where CPython's exception goes.

Pool(2).map over four jobs; each works out a rate, 60 / its seconds, and
job C has 0 seconds, so its task raises ZeroDivisionError in the worker
that runs it. CPython's worker catches the exception and sends it back
with the results; the other tasks still run, and once they are all done
Pool.map raises it in the main process (caught and printed here).

    parviz trace -- python3 examples/failing_task.py

parviz names the task and what it raised ("task ('C', 0) raised
ZeroDivisionError: division by zero") in the summary, in Explain and when
you hover the failed (hollow) task on its worker's lane.
"""
import os
import time
from multiprocessing import Pool, current_process

SCALE = float(os.environ.get("PARVIZ_EXAMPLE_SCALE", "0.1"))
JOBS = [("A", 2), ("B", 1), ("C", 0), ("D", 3)]


def rate(job):
    name, seconds = job
    print("%s starts %s (%s s)" % (current_process().name, name, seconds))
    time.sleep(seconds * SCALE)
    per_second = 60 / seconds          # job C: ZeroDivisionError
    print("%s finished %s: %.0f a second" % (current_process().name, name, per_second))
    return per_second


if __name__ == "__main__":
    print("(times scaled by %g: PARVIZ_EXAMPLE_SCALE=1 runs them in real seconds)" % SCALE)
    pool = Pool(2)
    try:
        print("rates:", pool.map(rate, JOBS, chunksize=1))
    except ZeroDivisionError as e:
        print("Pool.map raised %s: %s" % (type(e).__name__, e))
    pool.close()
    pool.join()

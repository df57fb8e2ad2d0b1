"""Pool(2).map over four jobs of different lengths.

Each job sleeps for its seconds (scaled by SCALE). With chunksize 1 the pool's
workers take the jobs greedily in input order: one worker runs A (5 s) while
the other runs B, C and D (2 + 1 + 3 s), so the map ends after 6 s, not 11.

    parviz trace -- python3 examples/pool.py
"""
import os
import time
from multiprocessing import Pool, current_process

SCALE = float(os.environ.get("PARVIZ_EXAMPLE_SCALE", "0.1"))
JOBS = [("A", 5), ("B", 2), ("C", 1), ("D", 3)]


def run_job(job):
    name, seconds = job
    print("%s starts %s (%s s)" % (current_process().name, name, seconds))
    time.sleep(seconds * SCALE)
    print("%s finished %s" % (current_process().name, name))
    return name


if __name__ == "__main__":
    print("(times scaled by %g: PARVIZ_EXAMPLE_SCALE=1 runs them in real seconds)" % SCALE)
    pool = Pool(2)
    done = pool.map(run_job, JOBS, chunksize=1)
    # close() + join(), not `with Pool(2)`: leaving a with-block terminates the
    # workers (SIGTERM), and a worker's prints still in its stdout buffer (a
    # pipe is block-buffered) would be lost.
    pool.close()
    pool.join()
    print("results in input order:", done)

"""Four processes take turns in one critical section guarded by a Lock.

Each process takes the lock three times, prints while it holds it and sleeps
a little inside. Only one process holds the lock at a time; the others wait.
CPython's Lock does not know its owner: parviz_trace records who acquired it.

    parviz trace -- python3 examples/lock.py
"""
import os
import time
from multiprocessing import Lock, Process, current_process

SCALE = float(os.environ.get("PARVIZ_EXAMPLE_SCALE", "0.1"))


def worker(lock, rounds, hold):
    for i in range(rounds):
        with lock:
            print(current_process().name, "holds the lock, round", i)
            time.sleep(hold)
        time.sleep(hold / 4)


if __name__ == "__main__":
    print("(times scaled by %g: PARVIZ_EXAMPLE_SCALE=1 runs them in real seconds)" % SCALE)
    lock = Lock()
    procs = [Process(target=worker, args=(lock, 3, 0.2 * SCALE)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("every process is done")

"""Three processes work in two phases and meet at a Barrier(3) in between.

Each phase takes a different time per process; nobody starts phase 2 until
all three finished phase 1. The early ones wait at the barrier: the Lock
panel shows who has arrived (2 of 3) and who is missing.

    parviz trace -- python3 examples/barrier.py
"""
import os
import time
from multiprocessing import Barrier, Process, current_process

SCALE = float(os.environ.get("PARVIZ_EXAMPLE_SCALE", "0.1"))


def worker(meet, phase1, phase2):
    time.sleep(phase1 * SCALE)
    print(current_process().name, "finished phase 1")
    meet.wait()
    time.sleep(phase2 * SCALE)
    print(current_process().name, "finished phase 2")


if __name__ == "__main__":
    print("(times scaled by %g: PARVIZ_EXAMPLE_SCALE=1 runs them in real seconds)" % SCALE)
    meet = Barrier(3)
    procs = [Process(target=worker, args=(meet, a, b)) for a, b in ((1, 3), (4, 1), (2, 2))]
    for p in procs:
        p.start()
    for p in procs:
        p.join()

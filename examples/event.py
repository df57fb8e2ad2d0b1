"""A start signal: three workers wait on an Event until MainProcess sets it.

The workers start at once but block in Event.wait(); MainProcess prepares
for a while, then calls set(), and every waiter wakes. A fourth worker waits
with a timeout that runs out first: wait() returns False.

    parviz trace -- python3 examples/event.py
"""
import os
import time
from multiprocessing import Event, Process, current_process

SCALE = float(os.environ.get("PARVIZ_EXAMPLE_SCALE", "0.1"))


def worker(go, timeout):
    if go.wait(timeout):
        print(current_process().name, "got the start signal")
    else:
        print(current_process().name, "gave up waiting after", timeout, "s")


if __name__ == "__main__":
    print("(times scaled by %g: PARVIZ_EXAMPLE_SCALE=1 runs them in real seconds)" % SCALE)
    go = Event()
    procs = [Process(target=worker, args=(go, None)) for _ in range(3)]
    procs.append(Process(target=worker, args=(go, 2 * SCALE)))
    for p in procs:
        p.start()
    time.sleep(5 * SCALE)   # preparing
    print("MainProcess sets the event")
    go.set()
    for p in procs:
        p.join()

"""A producer and two consumers share a counter guarded by a Condition.

The consumers wait on the Condition until there is something to take
(wait() releases the Condition's lock while it waits, and takes it back
before it returns); the producer adds an item and calls notify().

    parviz trace -- python3 examples/condition.py
"""
import os
import time
from multiprocessing import Condition, Process, Value, current_process

SCALE = float(os.environ.get("PARVIZ_EXAMPLE_SCALE", "0.1"))
ITEMS = 4


def consumer(ready, available, taken):
    while True:
        with ready:
            ready.wait_for(lambda: available.value > 0 or taken.value >= ITEMS)
            if taken.value >= ITEMS:
                return
            available.value -= 1
            taken.value += 1
            print(current_process().name, "took item", taken.value)
            ready.notify_all()   # the other consumer may be done too


if __name__ == "__main__":
    print("(times scaled by %g: PARVIZ_EXAMPLE_SCALE=1 runs them in real seconds)" % SCALE)
    ready = Condition()
    available, taken = Value("i", 0, lock=False), Value("i", 0, lock=False)
    procs = [Process(target=consumer, args=(ready, available, taken)) for _ in range(2)]
    for p in procs:
        p.start()
    for i in range(ITEMS):
        time.sleep(SCALE)
        with ready:
            available.value += 1
            print("MainProcess produced item", i + 1)
            ready.notify()
    for p in procs:
        p.join()

"""Five downloads share two connections: a Semaphore(2).

Each process takes the semaphore for its whole download. Two hold it at
once; the others wait until one of them releases it. Unlike a Lock, a
Semaphore counts: the Lock panel shows both holders, and who waits.

    parviz trace -- python3 examples/semaphore.py
"""
import os
import time
from multiprocessing import Process, Semaphore, current_process

SCALE = float(os.environ.get("PARVIZ_EXAMPLE_SCALE", "0.1"))


def download(connections, seconds):
    with connections:
        print(current_process().name, "downloads for", seconds, "s")
        time.sleep(seconds * SCALE)


if __name__ == "__main__":
    print("(times scaled by %g: PARVIZ_EXAMPLE_SCALE=1 runs them in real seconds)" % SCALE)
    connections = Semaphore(2)
    procs = [Process(target=download, args=(connections, s)) for s in (3, 1, 2, 2, 1)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("all downloads done")

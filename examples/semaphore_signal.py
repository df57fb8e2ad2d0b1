"""A Semaphore(0) used as a signal: released by a process that never acquired it.

Two workers each wait for a go-ahead with go.acquire() on a Semaphore(0);
the main process gets ready, then calls go.release() once per worker.
Nobody ever holds this semaphore: each release is a signal that lets one
acquire through (a Semaphore has no owner, and CPython lets any process
release it). parviz shows it so: "held 0 of 0", each release as a signal
and the acquire that went through on it, never a worker holding it forever.

    parviz trace -- python3 examples/semaphore_signal.py
"""
import os
import time
from multiprocessing import Process, Semaphore, current_process

SCALE = float(os.environ.get("PARVIZ_EXAMPLE_SCALE", "0.1"))


def worker(go):
    print(current_process().name, "waits for the go-ahead")
    go.acquire()
    print(current_process().name, "got the go-ahead")
    time.sleep(1 * SCALE)


if __name__ == "__main__":
    print("(times scaled by %g: PARVIZ_EXAMPLE_SCALE=1 runs them in real seconds)" % SCALE)
    go = Semaphore(0)
    workers = [Process(target=worker, args=(go,)) for _ in range(2)]
    for w in workers:
        w.start()
    time.sleep(2 * SCALE)   # getting ready
    for w in workers:
        print("MainProcess gives a go-ahead")
        go.release()
        time.sleep(0.5 * SCALE)
    for w in workers:
        w.join()
    print("all workers went ahead")

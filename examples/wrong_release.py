"""A Lock released by a process that does not hold it: CPython allows it.

multiprocessing.Lock is a semaphore: it does not know who holds it, so any
process may release it. Here the main process takes the lock, a helper
process that never acquired it releases it, and a third process then gets
the lock while the main process still believes it holds it: two processes
are "inside" at once. The main process's own release at the end finds the
lock free and raises ValueError.

parviz_trace records the owner itself (the process that acquired the lock),
so parviz shows the release by the wrong process, and says so.

    parviz trace -- python3 examples/wrong_release.py
"""
from multiprocessing import Lock, Process, current_process


def wrong_releaser(lock):
    lock.release()     # it never acquired it
    print(current_process().name, "released the lock it never acquired", flush=True)


def taker(lock):
    with lock:
        print(current_process().name, "got the lock while MainProcess still thinks it holds it", flush=True)


if __name__ == "__main__":
    lock = Lock()
    lock.acquire()
    print("MainProcess holds the lock", flush=True)
    for target in (wrong_releaser, taker):
        p = Process(target=target, args=(lock,))
        p.start()
        p.join()
    try:
        lock.release()
    except ValueError as e:
        print("MainProcess's own release failed:", e, flush=True)

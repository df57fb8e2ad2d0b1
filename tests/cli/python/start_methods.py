"""Two Processes share a Lock and a Queue, then Pool(2).map over four items,
under the start method named on the command line (fork, spawn, forkserver).
Used by trace_processes_test: every process of the program must be traced.

usage: python3 start_methods.py fork|spawn|forkserver
"""
import sys
import time
import multiprocessing as mp


def square(x):
    time.sleep(0.01)
    return x * x


def child(q, lock):
    with lock:
        print(mp.current_process().name, "holds the lock")
    q.put("hello from " + mp.current_process().name)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    q = mp.Queue()
    lock = mp.Lock()
    procs = [mp.Process(target=child, args=(q, lock)) for _ in range(2)]
    for p in procs:
        p.start()
    got = sorted([q.get(), q.get()])
    for p in procs:
        p.join()
    print("main got", got)
    pool = mp.Pool(2)
    print("squares", pool.map(square, range(4), chunksize=1))
    pool.close()
    pool.join()

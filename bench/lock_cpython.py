"""CPython counterpart of bench_lock: multiprocessing.Lock contended by two
processes, each doing acquire+release in a loop. Both processes start, meet
at a barrier, and only then loop, so they really contend for the whole
measured time (the clock starts when the barrier releases them). Pinned to
two different cores when there are two ("pin", the default), as bench_lock
pins its processes, so the two loops really run at the same instant instead of
taking turns; "nopin" lets the OS place them (bench_lock's unpinned variant).
Prints the median ops/s (one op = one acquire+release pair).
Usage: lock_cpython.py [ops per process] [runs] [pin|nopin]"""
import multiprocessing as mp
import os
import statistics
import sys
import time


def hammer(lock, barrier, n, core):
    if core is not None:
        os.sched_setaffinity(0, {core})   # as bench_lock pins its two processes
    acquire, release = lock.acquire, lock.release
    barrier.wait()
    for _ in range(n):
        acquire()
        release()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    pinned = (sys.argv[3] if len(sys.argv) > 3 else "pin") == "pin"
    mp.set_start_method("fork")
    rates = []
    for _ in range(runs):
        lock = mp.Lock()
        barrier = mp.Barrier(3)   # the two hammers and this process
        cores = sorted(os.sched_getaffinity(0))
        pin = [cores[0], cores[1]] if pinned and len(cores) >= 2 else [None, None]
        ps = [mp.Process(target=hammer, args=(lock, barrier, n, pin[i])) for i in range(2)]
        for p in ps:
            p.start()
        barrier.wait()
        t0 = time.perf_counter()
        for p in ps:
            p.join()
        rates.append(2 * n / (time.perf_counter() - t0))
    print(f"ops_per_s {statistics.median(rates):.0f}")


if __name__ == "__main__":
    main()

"""CPython counterpart of bench_lock: multiprocessing.Lock used by two
processes in a loop. Both processes start, meet at a barrier, and only then
loop (the clock starts when the barrier releases them). Pinned to two
different cores when there are two ("pin", the default), as bench_lock pins
its processes; "nopin" lets the OS place them.
Workloads (one op = one pass of the loop):
  bare     acquire(); release()                       -- nothing inside the lock
  counter  acquire(); counter.value += 1; release()   -- a shared counter the
           lock protects (multiprocessing.RawValue), checked at the end
procs=1 runs one looping process (the other only meets the barrier): the rate
without a second process, to tell how much the two really contend.
Prints the median ops/s.
Usage: lock_cpython.py [ops per process] [runs] [pin|nopin] [bare|counter] [procs]"""
import multiprocessing as mp
import os
import statistics
import sys
import time


def hammer(lock, counter, barrier, n, core):
    if core is not None:
        os.sched_setaffinity(0, {core})   # as bench_lock pins its two processes
    acquire, release = lock.acquire, lock.release
    barrier.wait()
    if counter is None:
        for _ in range(n):
            acquire()
            release()
    else:
        for _ in range(n):
            acquire()
            counter.value += 1
            release()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    pinned = (sys.argv[3] if len(sys.argv) > 3 else "pin") == "pin"
    withCounter = (sys.argv[4] if len(sys.argv) > 4 else "bare") == "counter"
    procs = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    mp.set_start_method("fork")
    rates = []
    for _ in range(runs):
        lock = mp.Lock()
        counter = mp.RawValue("q", 0) if withCounter else None
        barrier = mp.Barrier(3)   # the two hammers and this process
        cores = sorted(os.sched_getaffinity(0))
        pin = [cores[0], cores[1]] if pinned and len(cores) >= 2 else [None, None]
        counts = [n, n if procs == 2 else 0]
        ps = [mp.Process(target=hammer, args=(lock, counter, barrier, counts[i], pin[i])) for i in range(2)]
        for p in ps:
            p.start()
        barrier.wait()
        t0 = time.perf_counter()
        for p in ps:
            p.join()
        rates.append(sum(counts) / (time.perf_counter() - t0))
        if counter is not None and counter.value != sum(counts):
            print(f"error: counter {counter.value} != {sum(counts)}", file=sys.stderr)
            sys.exit(1)
    print(f"ops_per_s {statistics.median(rates):.0f}")


if __name__ == "__main__":
    main()

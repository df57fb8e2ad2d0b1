"""CPython counterpart of bench_lock: multiprocessing.Lock contended by two
processes, each doing acquire+release in a loop. Prints the median ops/s
(one op = one acquire+release pair).
Usage: lock_cpython.py [ops per process] [runs]"""
import multiprocessing as mp
import statistics
import sys
import time


def hammer(lock, n):
    acquire, release = lock.acquire, lock.release
    for _ in range(n):
        acquire()
        release()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    mp.set_start_method("fork")
    rates = []
    for _ in range(runs):
        lock = mp.Lock()
        ps = [mp.Process(target=hammer, args=(lock, n)) for _ in range(2)]
        t0 = time.perf_counter()
        for p in ps:
            p.start()
        for p in ps:
            p.join()
        rates.append(2 * n / (time.perf_counter() - t0))
    print(f"ops_per_s {statistics.median(rates):.0f}")


if __name__ == "__main__":
    main()

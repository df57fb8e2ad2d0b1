"""CPython's counterpart of bench_pool: Pool(2).map over N trivial tasks at
chunksize 1. Prints the median per-task time in nanoseconds (one number), so
bench_pool can compare in the same run.

usage: /usr/bin/python3 bench/pool_cpython.py [N=20000] [REPS=5]
"""
import multiprocessing as mp
import statistics
import sys
import time


def identity(x):
    return x


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    items = [str(i) for i in range(n)]   # byte-string-like items, as parviz's
    with mp.get_context("fork").Pool(2) as pool:
        pool.map(identity, items[:1000], chunksize=1)   # warm-up: workers started, pipes hot
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            out = pool.map(identity, items, chunksize=1)
            times.append(time.perf_counter() - t0)
            assert out == items
    print(f"{statistics.median(times) / n * 1e9:.1f}")


if __name__ == "__main__":
    main()

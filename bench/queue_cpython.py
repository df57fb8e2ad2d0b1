"""CPython counterpart of bench_queue: multiprocessing.Queue, 1 producer process
-> 1 consumer process (the parent), small messages. Prints the median msgs/s.
Usage: queue_cpython.py [messages] [runs]"""
import multiprocessing as mp
import statistics
import sys
import time


def producer(q, n):
    for i in range(n):
        q.put(i)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    mp.set_start_method("fork")
    rates = []
    for _ in range(runs):
        q = mp.Queue()
        p = mp.Process(target=producer, args=(q, n))
        t0 = time.perf_counter()
        p.start()
        for _ in range(n):
            q.get()
        p.join()
        rates.append(n / (time.perf_counter() - t0))
    print(f"msgs_per_s {statistics.median(rates):.0f}")


if __name__ == "__main__":
    main()

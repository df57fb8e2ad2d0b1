"""Process.join as a program writes it, for parviz's tracer (tests/cli/trace_processes_test.cpp).

  python3 joins.py [fork|spawn|forkserver]

Process-1 runs 0.3 s: MainProcess joins it while it runs (a wait of ~0.3 s).
Process-2 ends at once: MainProcess sleeps first, so its join finds it ended
and returns at once (CPython: join of an exited process does not wait; no
join is traced). Process-3 runs 0.6 s: join(timeout=0.1) gives up with it
still running (exitcode None), then join() waits for it. A Pool's own joins
of its workers (close() + join()) are multiprocessing's, not the program's.
"""
import multiprocessing as mp
import sys
import time


def work(seconds):
    time.sleep(seconds)


def square(x):
    return x * x


if __name__ == "__main__":
    method = sys.argv[1] if len(sys.argv) > 1 else "fork"
    ctx = mp.get_context(method)
    p1 = ctx.Process(target=work, args=(0.3,))
    p2 = ctx.Process(target=work, args=(0.0,))
    p3 = ctx.Process(target=work, args=(0.6,))
    p1.start()
    p2.start()
    p1.join()
    print("p1 joined", p1.exitcode)
    time.sleep(0.3)
    p2.join()
    print("p2 joined", p2.exitcode)
    p3.start()
    p3.join(timeout=0.1)
    print("p3 after join(0.1)", p3.exitcode)
    p3.join()
    print("p3 joined", p3.exitcode)
    pool = ctx.Pool(2)
    print(pool.map(square, [1, 2, 3]))
    pool.close()
    pool.join()

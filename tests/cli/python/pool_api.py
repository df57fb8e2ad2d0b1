"""Every Pool form and ProcessPoolExecutor, each over its own items, under
the start method named on the command line (default fork). Each call prints
its results, so trace_pool_test can check that every item ran once as a
task named after its argument, in a worker of the right kind.

usage: python3 pool_api.py [fork|spawn|forkserver]
"""
import sys
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor


def square(x):
    return x * x


def add(a, b):
    return a + b


def fail(x):
    raise ValueError("no %d" % x)


if __name__ == "__main__":
    method = sys.argv[1] if len(sys.argv) > 1 else "fork"
    ctx = mp.get_context(method)
    with ctx.Pool(2) as pool:
        print("map", pool.map(square, [1, 2, 3], chunksize=2))
        print("map_async", pool.map_async(square, [4, 5]).get())
        print("starmap", pool.starmap(add, [(6, 1), (7, 1)]))
        print("starmap_async", pool.starmap_async(add, [(8, 1)]).get())
        print("imap", list(pool.imap(square, [10, 11, 12])))
        print("imap chunks", list(pool.imap(square, [13, 14, 15], chunksize=2)))
        print("imap_unordered", sorted(pool.imap_unordered(square, iter([16, 17]))))
        print("apply_async", pool.apply_async(square, (18,)).get())
        print("apply", pool.apply(add, (19, 1)))
        try:
            pool.apply(fail, (20,))
        except ValueError as e:
            print("apply raised", e)
    with ProcessPoolExecutor(2, mp_context=ctx) as ex:
        print("submit", ex.submit(square, 30).result())
        print("executor map", list(ex.map(square, [31, 32, 33], chunksize=2)))

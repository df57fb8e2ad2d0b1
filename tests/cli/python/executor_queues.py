"""A ProcessPoolExecutor's own queues and calls, traced
(tests/cli/trace_executor_test.cpp): two executor.map calls over the same
arguments (their tasks must be told apart), a submit, then the executor's
shutdown (a None per worker on its call queue, each worker's pid back on its
result queue). argv[1]: the start method (default fork)."""
import multiprocessing as mp
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def square(x):
    time.sleep(0.02)
    return x * x


if __name__ == "__main__":
    ctx = mp.get_context(sys.argv[1] if len(sys.argv) > 1 else "fork")
    with ProcessPoolExecutor(2, mp_context=ctx) as ex:
        print(list(ex.map(square, range(4))))
        print(list(ex.map(square, range(4), chunksize=2)))
        print(ex.submit(square, 10).result())

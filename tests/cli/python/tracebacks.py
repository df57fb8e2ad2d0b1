"""Failing calls whose tracebacks a traced run must print exactly as an
untraced one (tests/cli/trace_output_test.cpp): each is printed to stderr,
by traceback.print_exc, by a Process child, by a thread's excepthook and,
last, by the interpreter for the uncaught error that ends the program."""
import multiprocessing as mp
import sys
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor


def boom(x):
    return 1 / (x - 2)


def pair_boom(x, y):
    return boom(x + y)


def in_child():
    mp.Queue().get(timeout=0.01)          # queue.Empty, printed by the child's _bootstrap


def in_thread():
    mp.Queue().get_nowait()               # queue.Empty, printed by threading.excepthook


def show(title, call):
    print("== " + title, file=sys.stderr, flush=True)
    try:
        call()
    except Exception:
        traceback.print_exc()
    sys.stderr.flush()


def executor_map():
    with ProcessPoolExecutor(2) as ex:
        results = ex.map(boom, range(4))
        time.sleep(0.5)                   # every result in: result() takes the same path as untraced
        list(results)


def executor_submit():
    with ProcessPoolExecutor(1) as ex:
        f = ex.submit(boom, 2)
        time.sleep(0.5)
        f.result()


def lock_release():
    mp.Lock().release()                   # ValueError: a Lock that is not held


if __name__ == "__main__":
    with mp.Pool(2) as pool:
        show("Pool.map", lambda: pool.map(boom, range(4)))
        show("Pool.starmap", lambda: pool.starmap(pair_boom, [(0, 1), (1, 1)], chunksize=2))
        show("Pool.imap", lambda: list(pool.imap(boom, range(4))))
        show("Pool.apply_async", lambda: pool.apply_async(boom, (2,)).get())
    show("ProcessPoolExecutor.map", executor_map)
    show("ProcessPoolExecutor.submit", executor_submit)
    show("Queue.get", lambda: mp.Queue().get(timeout=0.01))
    show("Lock.release", lock_release)
    print("== Process", file=sys.stderr, flush=True)
    p = mp.Process(target=in_child)
    p.start()
    p.join()
    print("== thread", file=sys.stderr, flush=True)
    t = threading.Thread(target=in_thread, name="reader")
    t.start()
    t.join()
    print("== uncaught", file=sys.stderr, flush=True)
    with mp.Pool(2) as pool:
        pool.map(boom, range(4))

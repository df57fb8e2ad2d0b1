"""Two processes increment one shared Value: without its lock, updates are lost.

`counter.value += 1` is a read and then a write. multiprocessing.Value takes
its lock for the read and again for the write, but not around both: when
the other process writes between them, one of the two increments is lost.
Holding `counter.get_lock()` around the whole update makes it exact.

Both processes wait on an Event so that they start together, and the first
round, without the lock, goes on for half a second rather than a fixed
count: on a busy machine a short loop can finish before the other process
ever gets a core, and then nothing is lost. Over half a second they overlap,
and updates are lost on every run on a machine with two cores or more. The
second round, with the lock, never loses one (parviz shows each hold of the
Value's lock, one process at a time).

    parviz trace -- python3 examples/shared_value.py
"""
import time
from multiprocessing import Event, Process, Value

UNLOCKED_SECONDS, LOCKED = 0.5, 2000


def add_unlocked(counter, made, go):
    go.wait()
    n = 0
    end = time.monotonic() + UNLOCKED_SECONDS
    while time.monotonic() < end:
        for _ in range(1000):
            counter.value += 1      # read, then write: not atomic
        n += 1000
    made.value = n


def add_locked(counter, n, go):
    go.wait()
    for _ in range(n):
        with counter.get_lock():    # the whole read-modify-write
            counter.value += 1


def without_lock():
    counter = Value("i", 0)
    go = Event()
    made = [Value("i", 0, lock=False) for _ in range(2)]
    procs = [Process(target=add_unlocked, args=(counter, m, go)) for m in made]
    for p in procs:
        p.start()
    go.set()
    for p in procs:
        p.join()
    total = sum(m.value for m in made)
    print("without the lock: 2 processes made %d increments in %.1f s, counter = %d: %d updates lost"
          % (total, UNLOCKED_SECONDS, counter.value, total - counter.value))


def with_lock(n):
    counter = Value("i", 0)
    go = Event()
    procs = [Process(target=add_locked, args=(counter, n, go)) for _ in range(2)]
    for p in procs:
        p.start()
    go.set()
    for p in procs:
        p.join()
    print("with counter.get_lock(): 2 processes x %d increments, counter = %d: %d updates lost"
          % (n, counter.value, 2 * n - counter.value))


if __name__ == "__main__":
    without_lock()
    with_lock(LOCKED)

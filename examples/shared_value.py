"""Two processes increment one shared Value: without its lock, updates are lost.

`counter.value += 1` is a read and then a write. multiprocessing.Value takes
its lock for the read and again for the write, but not around both: when
the other process writes between them, one of the two increments is lost.
Holding `counter.get_lock()` around the whole update makes it exact.

Both processes wait on an Event so that they really run at the same time.
The first round, without the lock, loses updates on practically every run
on a machine with two cores or more; the second round, with the lock, never
does (parviz shows each hold of the Value's lock, one process at a time).

    parviz trace -- python3 examples/shared_value.py
"""
from multiprocessing import Event, Process, Value

UNLOCKED, LOCKED = 100000, 2000


def add_unlocked(counter, n, go):
    go.wait()
    for _ in range(n):
        counter.value += 1          # read, then write: not atomic


def add_locked(counter, n, go):
    go.wait()
    for _ in range(n):
        with counter.get_lock():    # the whole read-modify-write
            counter.value += 1


def race(label, target, n):
    counter = Value("i", 0)
    go = Event()
    procs = [Process(target=target, args=(counter, n, go)) for _ in range(2)]
    for p in procs:
        p.start()
    go.set()
    for p in procs:
        p.join()
    lost = 2 * n - counter.value
    print("%s: 2 processes x %d increments, counter = %d: %d updates lost" % (label, n, counter.value, lost))


if __name__ == "__main__":
    race("without the lock", add_unlocked, UNLOCKED)
    race("with counter.get_lock()", add_locked, LOCKED)

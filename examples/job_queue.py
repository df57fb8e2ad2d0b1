"""Four workers share ten jobs through a Queue, and CPython's feeder race.

The tutorial's job queue: the main process puts ten jobs on one Queue, four
worker processes take them with get_nowait() until it raises Empty, and put a
line for each finished job on a second Queue, which the main process empties
after joining them.

CPython's Queue.put() returns before the item is in the pipe: a feeder thread
of the putting process writes it a moment later. So a get_nowait() right after
a put can raise Empty although an item was put. The first lines show it on a
fresh queue, usually within the first attempts (up to two hundred: the
feeder wins it now and then, and on an idle core several times in a row). The workers start a moment after the jobs
were put, when the feeder has written them all, so they see every job; a
worker may still stop early when another worker is in the middle of a get
(get_nowait gives up at once when it cannot take the read lock), and the
others then do its share.

    parviz trace -- python3 examples/job_queue.py
"""
import os
import queue  # for queue.Empty
import time
from multiprocessing import Process, Queue, current_process

SCALE = float(os.environ.get("PARVIZ_EXAMPLE_SCALE", "0.1"))


def feeder_race():
    """put() then get_nowait() at once, up to two hundred attempts, until the
    race shows (it does on about half the attempts; a woken feeder thread
    gets to the pipe first when the scheduler hands it a core at once: on an
    idle core it can win many times in a row). The first quick attempts are
    printed, the rest counted."""
    q = Queue()
    quick = 0
    for attempt in range(1, ATTEMPTS + 1):
        q.put("ping %d" % attempt)
        try:
            got = q.get_nowait()
        except queue.Empty:
            if quick > SHOWN:
                print("... and %d more attempts the feeder was quick" % (quick - SHOWN))
            print("attempt %d: get_nowait right after put raised Empty: the item was put, "
                  "but not yet in the pipe" % attempt)
            print("a blocking get then got", repr(q.get()))
            return
        quick += 1
        if quick <= SHOWN:
            print("attempt %d: get_nowait right after put got %r (the feeder was quick)" % (attempt, got))
    print("the race did not show in %d attempts: the feeder thread was quick every time "
          "(an idle core for it each time)" % ATTEMPTS)


ATTEMPTS = 200  # put/get_nowait pairs tried before giving up on showing the race
SHOWN = 5       # quick attempts printed; the rest are counted


def do_job(tasks_to_accomplish, tasks_that_are_done):
    while True:
        try:
            task = tasks_to_accomplish.get_nowait()
        except queue.Empty:
            break
        print(task, "taken by", current_process().name)
        time.sleep(0.5 * SCALE)
        tasks_that_are_done.put(task + " is done by " + current_process().name)


def main():
    feeder_race()
    tasks_to_accomplish = Queue()
    tasks_that_are_done = Queue()
    for i in range(10):
        tasks_to_accomplish.put("Task no " + str(i))
    time.sleep(0.05)   # let the feeder thread write the jobs into the pipe
    workers = [Process(target=do_job, args=(tasks_to_accomplish, tasks_that_are_done)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    while not tasks_that_are_done.empty():
        print(tasks_that_are_done.get())


if __name__ == "__main__":
    print("(times scaled by %g: PARVIZ_EXAMPLE_SCALE=1 runs them in real seconds)" % SCALE)
    main()

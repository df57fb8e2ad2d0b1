"""Workers answer each job with task_done(); MainProcess waits in join().

MainProcess puts six jobs on a JoinableQueue, then calls join(): it blocks
until every job put has been answered by a task_done(). Two daemon workers
take the jobs from the queue (a SimpleQueue carries their reports back).

    parviz trace -- python3 examples/joinable_queue.py
"""
import os
import time
from multiprocessing import JoinableQueue, Process, SimpleQueue, current_process

SCALE = float(os.environ.get("PARVIZ_EXAMPLE_SCALE", "0.1"))


def worker(jobs, reports):
    while True:
        name, seconds = jobs.get()
        time.sleep(seconds * SCALE)
        reports.put("%s did %s" % (current_process().name, name))
        jobs.task_done()


if __name__ == "__main__":
    print("(times scaled by %g: PARVIZ_EXAMPLE_SCALE=1 runs them in real seconds)" % SCALE)
    jobs, reports = JoinableQueue(), SimpleQueue()
    workers = [Process(target=worker, args=(jobs, reports), daemon=True) for _ in range(2)]
    for w in workers:
        w.start()
    for job in (("A", 2), ("B", 1), ("C", 1), ("D", 3), ("E", 1), ("F", 1)):
        jobs.put(job)
    jobs.join()   # until six task_done() calls
    for _ in range(6):
        print(reports.get())
    print("every job is done")

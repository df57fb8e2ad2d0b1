"""Every synchronisation primitive parviz_trace records, once each, under the
start method named on the command line (fork, spawn, forkserver). Used by
trace_sync_test.

- Semaphore(2): three processes come to hold it; two at once, the third waits
  until MainProcess lets the first two release it.
- Event: two processes wait until MainProcess sets it.
- Condition: one process waits until MainProcess notifies it.
- Barrier(3): MainProcess and the two waiters meet; a Barrier(2) that only
  MainProcess reaches breaks at its timeout.
- JoinableQueue: three items, taken and task_done'd by the children; MainProcess joins.
- SimpleQueue: MainProcess puts one item, a child takes it.
- Pool(2).map: MainProcess waits for the results.

usage: python3 sync_all.py fork|spawn|forkserver
"""
import sys
import threading
import time
import multiprocessing as mp


def holder(sem, ready, go):
    # `ready` and `go` (untraced Pipes): MainProcess lets the holders release
    # only once all three have come to acquire, so two hold it while the
    # third waits even when a process starts late on a loaded machine (a
    # fixed 0.3 s hold was over before the third one started).
    ready.send("acquire")
    with sem:
        go.recv()
        time.sleep(0.05)


def waiter(ready, ev, cond, flag, bar, jq, sq):
    # `ready` (an untraced Pipe) tells MainProcess this waiter is about to
    # wait, so a slow start (spawn on a loaded machine) cannot miss the set
    # or the notify the test expects it to wait for.
    ready.send("event")
    ev.wait()
    ready.send("condition")
    with cond:
        cond.wait_for(lambda: flag.value == 1, 10)
    bar.wait()
    jq.task_done() if jq.get() is not None else None
    if sq is not None:
        print(mp.current_process().name, "took", sq.get())


def square(x):
    time.sleep(0.01)
    return x * x


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    sem = mp.Semaphore(2)
    ready_r, ready_w = mp.Pipe(duplex=False)
    gos = [mp.Pipe(duplex=False) for _ in range(3)]   # (read end, write end)
    holders = [mp.Process(target=holder, args=(sem, ready_w, go_r)) for go_r, _ in gos]
    for p in holders:
        p.start()
    for _ in holders:
        ready_r.recv()
    time.sleep(0.2)   # the third is in its acquire by then
    for _, go_w in gos:
        go_w.send("release")
    for p in holders:
        p.join()

    ev, cond, flag, bar = mp.Event(), mp.Condition(), mp.Value("i", 0), mp.Barrier(3)
    jq, sq = mp.JoinableQueue(), mp.SimpleQueue()
    ready_r, ready_w = mp.Pipe(duplex=False)
    waiters = [mp.Process(target=waiter, args=(ready_w, ev, cond, flag, bar, jq, sq if i == 0 else None))
               for i in range(2)]
    for p in waiters:
        p.start()
    for _ in waiters:
        ready_r.recv()
    time.sleep(0.3)
    ev.set()
    for _ in waiters:
        ready_r.recv()
    time.sleep(0.2)
    with cond:
        flag.value = 1
        cond.notify_all()
    bar.wait()
    for item in ("a", "b"):
        jq.put(item)
    jq.join()
    sq.put("hello")
    for p in waiters:
        p.join()
    try:
        mp.Barrier(2).wait(timeout=0.1)
    except threading.BrokenBarrierError:
        print("the Barrier(2) broke at its timeout")
    pool = mp.Pool(2)   # closed and joined: every worker takes its stop signal (a with-block's terminate may not)
    print("squares", pool.map(square, range(4), chunksize=1))
    pool.close()
    pool.join()
    print("done")

"""Lane states of a traced program at known moments (tests/cli: "a traced
worker's lane ..."). Each phase is bracketed by two printed lines; parviz's
test reads the lane's state halfway between them:
  a Pool worker's task:   cpu-begin/cpu-end            running (CPU work in a task)
                          sleep-begin/sleep-end        sleeping
                          after-sleep-begin/-end       running again (the sleep ended inside the task)
  a Process:              get-begin/putting            waits for queue (its get blocks)
                          (a thread of it sleeps meanwhile: t-sleep-end/putting is still the queue wait)
                          sq-get-begin/sq-putting      waits for queue (a SimpleQueue's get)
                          idle-begin/idle-end          idle (its own code, no task, no wait)
"""
import multiprocessing as mp
import sys
import threading
import time


def busy(seconds):
    t0 = time.process_time()
    while time.process_time() - t0 < seconds:
        pass


def task(kind):
    if kind == "cpu":
        print("cpu-begin", flush=True)
        busy(0.3)
        print("cpu-end", flush=True)
    else:
        print("sleep-begin", flush=True)
        time.sleep(0.3)
        print("sleep-end", flush=True)
        print("after-sleep-begin", flush=True)
        busy(0.3)
        print("after-sleep-end", flush=True)
    return kind


def waiter(q, ready, sq):
    def nap():
        time.sleep(0.2)
        print("t-sleep-end", flush=True)
        ready.put("slept")
    t = threading.Thread(target=nap)
    t.start()
    print("get-begin", flush=True)
    q.get()
    print("get-end", flush=True)
    t.join()
    print("sq-get-begin", flush=True)
    sq.get()
    print("sq-get-end", flush=True)
    print("idle-begin", flush=True)
    busy(0.2)
    print("idle-end", flush=True)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1] if len(sys.argv) > 1 else "fork")
    with mp.Pool(1) as pool:
        print(pool.map(task, ["cpu", "sleep"], chunksize=1), flush=True)
    q, ready, sq = mp.Queue(), mp.Queue(), mp.SimpleQueue()
    p = mp.Process(target=waiter, args=(q, ready, sq))
    p.start()
    ready.get()                 # its thread's sleep ended; its main thread waits on q
    time.sleep(0.3)
    print("putting", flush=True)
    q.put("go")
    time.sleep(0.3)             # it waits on sq meanwhile
    print("sq-putting", flush=True)
    sq.put("go")
    p.join()
    print("exit", p.exitcode, flush=True)

"""A SIGALRM handler that prints thousands of times a second while the main
thread takes and releases a Lock as fast as it can (two events each time).
Under `parviz trace` a handler's print is an event too, and it can come while
the main thread is inside the tracer's own ring write: the tracer must then
neither deadlock nor corrupt the ring, but drop that event and count it as
lost. The program says how many the tracer dropped that way (its ring's own
counter), so a test can find them in the trace's losses.

usage: python3 signal_print.py   (under parviz trace; prints 'dropped N',
'ticks N' and every tick)
"""
import multiprocessing as mp
import signal
import time


ticks = 0


def on_alarm(signum, frame):
    global ticks
    ticks += 1
    print("tick", ticks)


def dropped():
    import parviz_trace
    ring = parviz_trace._ring_obj
    return getattr(ring, "reentered", 0) if ring is not None else 0


if __name__ == "__main__":
    lock = mp.Lock()
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, 0.0002, 0.0002)
    deadline = time.monotonic() + 20
    while dropped() < 5 and time.monotonic() < deadline:
        for _ in range(500):
            with lock:
                pass
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    print("dropped", dropped())
    print("ticks", ticks)

"""Runs a Python program with every line it prints tagged by the process that
printed it: "<current_process().name>\t<line>" (used by export_python_test).

usage: python3 tag_output.py PROGRAM.py [ARGS...]

sys.stdout is replaced before the program starts; forked processes inherit
the replacement. Lines are kept in memory until flush(), as a block-buffered
pipe keeps them (a write per line would release the GIL at every print and
hide the program's races), and go out tagged, a line per os.write (atomic on a
pipe), so lines of different processes never mix. multiprocessing flushes the
standard streams before it forks and when a process ends.
"""
import multiprocessing
import os
import runpy
import sys


class TaggedLines:
    def __init__(self):
        self.pending = {}   # pid -> what that process wrote and has not flushed

    def write(self, text):
        pid = os.getpid()
        self.pending[pid] = self.pending.get(pid, "") + text
        return len(text)

    def flush(self):
        pid = os.getpid()
        *lines, rest = self.pending.get(pid, "").split("\n")
        self.pending[pid] = rest
        name = multiprocessing.current_process().name
        for line in lines:
            os.write(1, (name + "\t" + line + "\n").encode())


if __name__ == "__main__":
    sys.stdout = TaggedLines()
    sys.argv = sys.argv[1:]
    try:
        runpy.run_path(sys.argv[0], run_name="__main__")
    finally:
        sys.stdout.flush()

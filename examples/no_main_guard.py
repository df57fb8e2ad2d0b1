"""Starting a process under spawn without `if __name__ == "__main__":`.

A child started by spawn (the default on macOS and Windows) or forkserver is
a new interpreter that imports the program's main file again, to find the
target function. Here the code that starts the process is not under
`if __name__ == "__main__":`, so the import in the child runs it again and
CPython stops the child with RuntimeError ("An attempt has been made to
start a new process before the current process has finished its
bootstrapping phase"); the child exits with code 1 before running `hello`.
parviz shows the child's traceback as its output and says why it died.

The fix: put everything that starts processes under
`if __name__ == "__main__":`.

    parviz trace -- python3 examples/no_main_guard.py
"""
import multiprocessing as mp


def hello():
    print("hello from", mp.current_process().name)


print("the main file runs in", mp.current_process().name)
ctx = mp.get_context("spawn")
child = ctx.Process(target=hello)
child.start()
child.join()
print("the child's exit code:", child.exitcode)

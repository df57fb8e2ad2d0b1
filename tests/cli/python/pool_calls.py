"""One Pool, several calls over the same arguments (tests/cli/trace_pool_test.cpp):
each call's tasks must be told apart."""
import multiprocessing as mp


def same(x):
    return x


if __name__ == "__main__":
    with mp.Pool(2) as pool:
        print(pool.map(same, range(3)))
        print(pool.map(same, range(3)))
        print(list(pool.imap(same, range(3), chunksize=2)))
        print(pool.apply_async(same, (7,)).get())

# A traced Pool.map whose default chunksize makes chunks of more than 1 000
# tasks (20 000 tasks on 2 workers: 8 chunks of 2 500): each chunk is traced
# as one summarised bar. The second map raises in its item 7 321 (the 2 322nd
# of its chunk of items 5 000-7 499); the third's chunks (38 tasks) are traced task by task.
from multiprocessing import Pool


def f(x):
    if x == 27321:
        raise ZeroDivisionError("division by zero")
    return x


if __name__ == "__main__":
    with Pool(2) as p:
        print("sum", sum(p.map(f, range(20000))))
        try:
            p.map(f, range(20000, 40000))
        except ZeroDivisionError as e:
            print("raised", e)
        print("small", len(p.map(f, range(300))))

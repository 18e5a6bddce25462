"""spaCy's tokens of what a reader reads, made a few batches ahead of it: in worker
processes for a large input, where tokenizing is most of the reading (its records are still
parsed and checked here, in order, so a fault names its file and line as before).

Workers start from a clean process, never a fork of one running threads (the window reads
inputs from a thread, and a fork can inherit a lock held by another thread), as
pre-annotation's do. So, as with any multiprocessing, a script that imports a large input
must start from an `if __name__ == "__main__":` block.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Callable, Iterable, Iterator, TypeVar

Item = TypeVar("Item")

START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
BATCH = 500  # texts per job: a few milliseconds of work each way to send and return
# An input this large (bytes) pays for the workers' start (each loads spaCy, ~1.5 s).
WORKERS_FROM = 8 << 20


def worker_count(size: int) -> int:
    """Worker processes for an input of `size` bytes: none (tokenize here) for a small one."""
    if size < WORKERS_FROM:
        return 0
    return min(2, os.cpu_count() or 1)


def packed_batch(texts: list[str | None]) -> list[bytes | None]:
    """The packed tokens (annotate.stored_tokens) of each text; None for None."""
    from annotate.stored_tokens import pack
    from annotate.tokenizer import english

    tokenizer = english().tokenizer
    made = iter([pack(doc) for doc in tokenizer.pipe([t for t in texts if t is not None])])
    return [None if text is None else next(made) for text in texts]


def with_tokens(items: Iterable[Item], text_of: Callable[[Item], str | None],
                workers: int = 0) -> Iterator[tuple[Item, bytes | None]]:
    """Each item with the packed tokens of its text (None where `text_of` gives None),
    tokenized a batch at a time, by `workers` processes (0: here). An exception raised by
    `items` comes after the items before it, as if they had been read one by one."""
    source = _Deferred(iter(items))
    batches = iter(lambda: list(islice(source, BATCH)), [])
    if not workers:
        for batch in batches:
            yield from zip(batch, packed_batch([text_of(item) for item in batch]))
    else:
        context = multiprocessing.get_context(START_METHOD)
        if START_METHOD == "forkserver":  # workers fork from a server that imported spaCy once
            context.set_forkserver_preload(["spacy", __name__])
        pool = ProcessPoolExecutor(workers, mp_context=context)
        pending: deque[tuple[list, Future]] = deque()

        def send(batch: list) -> None:
            pending.append((batch, pool.submit(packed_batch, [text_of(i) for i in batch])))

        try:
            with _stops_held():  # the first sends start the workers
                for batch in islice(batches, 2 * workers + 1):  # enough to keep each busy
                    send(batch)
            while pending:
                batch, job = pending.popleft()
                for following in islice(batches, 1):  # one more goes out as one comes back
                    send(following)
                yield from zip(batch, job.result())
        finally:  # also when the reader stops early: a fault, a cancel
            pool.shutdown(wait=True, cancel_futures=True)
    if source.error is not None:
        raise source.error


@contextmanager
def _stops_held() -> Iterator[None]:
    """Holds SIGINT, SIGTERM and SIGHUP back while workers start: a stop raised while the
    pool waits for a new worker's pid leaves that worker out of the pool's list, so the
    pool's shutdown does not wait for it, and it starts after this process has gone and
    dies with a traceback. Held back, the stop comes once the workers are the pool's."""
    held = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
            if hasattr(signal, name)}
    if not hasattr(signal, "pthread_sigmask"):  # not on Windows
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


class _Deferred(Iterator):
    """The items up to the first exception, which is kept to be raised by the caller."""

    def __init__(self, items: Iterator):
        self.items = items
        self.error: Exception | None = None

    def __next__(self):
        if self.error is not None:
            raise StopIteration
        try:
            return next(self.items)
        except StopIteration:
            raise
        except Exception as error:
            self.error = error
            raise StopIteration from None

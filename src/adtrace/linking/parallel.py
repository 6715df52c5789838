"""An ordered map over worker processes whose arguments are produced in the calling thread.

`Pool.imap` would pull the arguments from its own thread; ours come from database reads on the
caller's connection, which must stay in the caller's thread. A bounded window of calls runs in the
workers while the caller reads the next argument and uses the previous results.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.pool import AsyncResult, Pool
from typing import TypeVar

A = TypeVar("A")
R = TypeVar("R")


@contextmanager
def pool(workers: int) -> Iterator[Pool | None]:
    """Worker processes (spawned: the caller may be a threaded server; workers get what they need as
    arguments, or open a SQLite file read-only themselves), or None for one worker: work stays in this process."""
    if workers <= 1:
        yield None
        return
    with multiprocessing.get_context("spawn").Pool(workers) as p:
        yield p


def ordered(workers: Pool | None, fn: Callable[[A], R], args: Iterable[A], ahead: int = 2,
            idle: Iterator[None] | None = None) -> Iterator[R]:
    """`map(fn, args)`, with up to `ahead` calls in flight in `workers` when there is a pool. `idle`: work of
    the caller's that can be done in any order, one step per `next`, taken while the next result is not ready
    (what is left of it the caller finishes)."""
    if workers is None:
        yield from map(fn, args)
        return
    pending: deque[AsyncResult[R]] = deque()

    def result() -> R:
        nonlocal idle
        head = pending.popleft()
        while idle is not None and not head.ready():
            if next(idle, _DONE) is _DONE:
                idle = None
        return head.get()

    for arg in args:
        pending.append(workers.apply_async(fn, (arg,)))
        while len(pending) > ahead:
            yield result()
    while pending:
        yield result()


_DONE = object()

"""The dashboard's aggregates, cached for a minute per process (they scan every document); the reviewed
count is read on every view."""

from __future__ import annotations

import time
import weakref
from collections import Counter
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from adtrace.storage import corpus, reviewlog
from adtrace.storage.db import read

TTL = 60.0


# Keyed by the engine object itself, weakly: an id() is reused once an engine is gone, and another
# store's figures would be served for it.
_cache: weakref.WeakKeyDictionary[sa.Engine, tuple[float, dict[str, Any]]] = weakref.WeakKeyDictionary()


def forget(engine: sa.Engine) -> None:
    """Drop this process's cached aggregates (after a change that moves them, e.g. new thresholds)."""
    _cache.pop(engine, None)


def _volumes(days: Counter[str], max_bars: int = 40) -> tuple[str, list[tuple[str, int]]]:
    """Bars by day, week or month, whichever fits in max_bars."""
    if not days:
        return "day", []
    keys: tuple[tuple[str, Callable[[str], str]], ...] = (("day", lambda d: d), ("month", lambda d: d[:7]),
                                                        ("year", lambda d: d[:4]))
    for unit, key in keys:
        buckets: Counter[str] = Counter()
        for d, n in days.items():
            buckets[key(d)] += n
        if len(buckets) <= max_bars or unit == "year":
            return unit, sorted(buckets.items())
    raise AssertionError("unreachable")


def aggregates(engine: sa.Engine) -> dict[str, Any]:
    with read(engine) as conn:
        # Reviewed: the newest decision counts, and an undone one ("withdrawn") is no review. Live, not
        # cached: it moves with every decision the reader makes, beside the live "waiting" count, and reads
        # only the decisions table (human-sized), not every document.
        decided = reviewlog.decided_count(conn)
    hit = _cache.get(engine)
    if hit and time.monotonic() - hit[0] < TTL:
        return {**hit[1], "decided": decided}
    with read(engine) as conn:
        days = Counter(corpus.per_day(conn))
        levels = corpus.per_level(conn)
        total = corpus.count(conn)
    unit, bars = _volumes(days)
    out = {"total": total, "levels": levels, "unit": unit, "bars": bars, "peak": max((n for _, n in bars), default=0)}
    _cache[engine] = (time.monotonic(), out)
    return {**out, "decided": decided}

"""Two or more stores (or one store's search modes) side by side, query by query, on the same queries.

    .venv/bin/python bench/search_ab.py postgresql://adtrace@127.0.0.1:5432/bench bench/out/x/bench.db
    .venv/bin/python bench/search_ab.py postgresql://adtrace@127.0.0.1:5432/bench --modes

Runs `--queries` two-word full-text searches with two facets, exact (what `adtrace search` runs; the words
as in bench/store.py), each one on every store in turn, rotating which goes first, so a machine whose load
moves (other work on shared cores) moves every store's figures alike. `--modes` compares one store's ways
of running an exact search instead: counting overlapped with the hits, in turn, and (PostgreSQL) one pass.
Prints one JSON object: wall p50/p95 per store or mode and the average total (which must agree).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from contextlib import ExitStack
from typing import Any

import orjson

from adtrace.storage import Query, Store, open_store

WORDS = ("new", "town", "massage", "available", "girl", "visiting", "sweet", "call", "text", "friendly")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)


def _mode(store: Store, name: str) -> None:
    store.overlap_counting = name == "overlapped"  # type: ignore[attr-defined]
    if hasattr(store, "one_pass"):
        store.one_pass = name == "one_pass"  # type: ignore[attr-defined]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("db", nargs="+", help="store URLs or SQLite paths")
    ap.add_argument("--queries", type=int, default=60)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--modes", action="store_true", help="compare the first store's search modes instead")
    ap.add_argument("--note", default="")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    queries = [Query(text=" ".join(rng.sample(WORDS, 2)), facets=("source", "risk_level"), limit=20)
               for _ in range(args.queries)]
    load = os.getloadavg()[0]
    with ExitStack() as stack:
        stores = [stack.enter_context(open_store(db)) for db in args.db]
        runs: list[tuple[str, Store, str | None]] = [(db, st, None) for db, st in zip(args.db, stores, strict=True)]
        if args.modes:
            first = stores[0]
            names = ["overlapped", "in_turn"] + (["one_pass"] if hasattr(first, "one_pass") else [])
            runs = [(name, first, name) for name in names]
        times: dict[str, list[float]] = {name: [] for name, _, _ in runs}
        totals: dict[str, list[int]] = {name: [] for name, _, _ in runs}
        for i, q in enumerate(queries):
            turn = i % len(runs)
            for name, store, mode in runs[turn:] + runs[:turn]:
                if mode:
                    _mode(store, mode)
                t = time.perf_counter()
                result = store.search(q)
                times[name].append(time.perf_counter() - t)
                totals[name].append(result.total)
    out: dict[str, Any] = {name: {"p50": pct(v, 0.5), "p95": pct(v, 0.95), "avg_total": statistics.fmean(totals[name])}
                           for name, v in times.items()}
    print(orjson.dumps({"queries": args.queries, "results": out, "cpus": os.cpu_count(),
                        "loadavg_1m": {"before": round(load, 2), "end": round(os.getloadavg()[0], 2)},
                        "note": args.note}, option=orjson.OPT_INDENT_2).decode())


if __name__ == "__main__":
    main()

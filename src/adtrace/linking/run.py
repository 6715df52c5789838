"""One `adtrace link` run over a store: link new documents (or all, on rebuild), then refresh the
summaries, cluster indicators and cluster-aware risk of every cluster that changed.

A rebuild links everything in memory (`Linker`) and writes the linker's tables whole; an incremental
run links only the new documents against those tables (`adtrace.linking.increment`), so its cost
follows the new documents and the clusters they touch, not the size of the store.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.pool import Pool
from typing import Any

import numpy as np
import orjson
import sqlalchemy as sa

from adtrace.linking import images as im
from adtrace.linking import store as ls
from adtrace.linking import tables
from adtrace.linking import templates as tp
from adtrace.linking.increment import link_new
from adtrace.linking.linker import Linker, LinkItem, prepare_many
from adtrace.linking.parallel import ordered, pool
from adtrace.linking.refresh import fill_network_scores, refresh
from adtrace.storage import corpus, linkstate
from adtrace.storage.db import read, write
from adtrace.storage.sqlite import database_path

PARALLEL_MIN = 50_000  # documents to link before worker processes pay for their start-up
AHEAD = 2  # batches (or summary batches) in flight in the workers: one each on 2 cores
TIMES = bool(os.environ.get("ADTRACE_LINK_TIMES"))  # phase timings of this process on stderr (benchmarks)


class _Clock:
    """Wall and this process's CPU seconds per phase, printed when ADTRACE_LINK_TIMES is set."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self, phase: str) -> None:
        if TIMES:
            wall, cpu = time.perf_counter(), time.process_time()
            print(f"link phase {phase}: {wall - self.wall:.1f} s wall, {cpu - self.cpu:.1f} s cpu", file=sys.stderr)
            self.wall, self.cpu = wall, cpu


@dataclass
class RunReport:
    linked: int = 0
    total_documents: int = 0
    clusters_refreshed: int = 0
    multi_doc_clusters: int = 0
    hub_keys: int = 0
    new_hubs: list[str] = field(default_factory=list)  # the first 20, sorted; counts below
    released_hubs: list[str] = field(default_factory=list)
    new_hubs_count: int = 0
    released_hubs_count: int = 0
    rebuild: bool = False
    images_skipped: int = 0  # images named by a path that could not be used: skipped, not fatal
    image_problems: dict[str, int] = field(default_factory=dict)  # reason -> count
    network_scores_filled: int = 0  # summaries from before migration 0024 given their network score

    def skip_images(self, items: list[LinkItem]) -> None:
        for it in items:
            for reason in it.skipped_images:
                self.images_skipped += 1
                self.image_problems[reason] = self.image_problems.get(reason, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def finish(self) -> None:
        self.new_hubs_count, self.released_hubs_count = len(self.new_hubs), len(self.released_hubs)
        self.new_hubs, self.released_hubs = sorted(self.new_hubs)[:20], sorted(self.released_hubs)[:20]


# LinkItems in columns: a list of dataclasses, each with its own numpy signature, cost the main
# process more to unpickle than the worker spent preparing them (measured at 1M documents).
Packed = tuple[list[str], list[list[str]], list[list[str]], list[list[str]], list[int], Any, Any, list[list[str]],
               list[Any], list[list[str]], list[bytes | None]]


def _pack(items: list[LinkItem]) -> Packed:
    at = [i for i, it in enumerate(items) if it.signature is not None]
    # uint32: MinHash values are 32-bit (every use casts to uint32), and half the bytes to pipe and copy
    sigs = np.stack([items[i].signature for i in at]).astype(np.uint32) if at else None
    bands = np.asarray([items[i].bands for i in at], dtype=np.uint32) if at else None
    return ([it.doc_id for it in items], [it.keys for it in items], [it.pdqs for it in items],
            [it.witnesses for it in items], at, sigs, bands, [it.skipped_images for it in items],
            [items[i].slots for i in at], [it.via_image for it in items], [items[i].digest for i in at])


def _unpack(packed: Packed) -> list[LinkItem]:
    doc_ids, keys, pdqs, witnesses, at, sigs, bands, skipped, slots, via_image, digests = packed
    items = [LinkItem(d, k, p, None, w, skipped_images=s, via_image=v)
             for d, k, p, w, s, v in zip(doc_ids, keys, pdqs, witnesses, skipped, via_image, strict=True)]
    if at:
        for i, sig, b, sl, h in zip(at, sigs, bands.tolist(), slots, digests, strict=True):
            items[i].signature, items[i].bands, items[i].slots, items[i].digest = sig, b, sl, h
    return items


def _prepare(rows: Sequence[tuple[Any, ...]]) -> tuple[int, int, Packed]:
    """Worker (or in-process): (last seq, rows, packed LinkItems) of (seq, id, record JSON, text, author, source)
    rows."""
    # No cyclic collection while the batch is built: its 10,000 parsed Records are about a million new
    # containers, and the collections they set off walked them again and again (162 -> 95 us an ad, 10,000
    # stored realistic ads, three alternating pairs, loaded). They hold no cycles: reference counting frees them.
    paused = gc.isenabled()
    gc.disable()
    try:
        items = prepare_many((r[1], orjson.loads(r[2]), r[3], r[4], r[5]) for r in rows)
    finally:
        if paused:
            gc.enable()
    return int(rows[-1][0]), len(rows), _pack(items)


def _prepare_at(work: tuple[str, int, int]) -> tuple[int, int, Packed, list[tuple[str, str | None]]]:
    """Worker: `_prepare` of the documents with after < seq <= last, read from the SQLite file itself; and their
    (id, posted_at)."""
    path, after, last = work
    rows = ls.rows_of(corpus.link_inputs_at(path, after, last))
    if not rows:  # deleted since the range was read
        return last, 0, _pack([]), []
    return (*_prepare(rows), [(r[1], r[6]) for r in rows])


def _items(engine: sa.Engine, after: int, batch: int, procs: Pool | None,
           on_progress: Callable[[int], None] | None,
           posted: dict[str, str | None] | None = None) -> Iterator[tuple[int, list[LinkItem]]]:
    """(last seq, LinkItems) per batch, in order; with a pool, the next batches are read and prepared
    while the caller links this one. `posted` gets each document's posted_at, read on the way. On a SQLite
    file the workers read their batches' rows themselves: reading every Record and text here and pickling
    them to the workers was main-process time, the part that bounds a rebuild's wall time."""
    path = _file_of(engine) if procs is not None else None
    if path is not None:
        work = ((path, lo, hi) for lo, hi in ls.link_ranges(engine, after, batch))
        for seq, n, packed, dates in ordered(procs, _prepare_at, work, ahead=AHEAD):
            if posted is not None:
                posted.update(dates)
            yield seq, _unpack(packed)
            if on_progress:
                on_progress(n)
        return

    def rows() -> Iterator[list[tuple[Any, ...]]]:
        for part in ls.link_rows(engine, after, batch):
            if posted is not None:
                posted.update((r[1], r[6]) for r in part)
            yield part

    for seq, n, packed in ordered(procs, _prepare, rows(), ahead=AHEAD):
        yield seq, _unpack(packed)
        if on_progress:
            on_progress(n)


def _workers(engine: sa.Engine, after: int, workers: int | None) -> int:
    if workers is not None:
        return workers
    with read(engine) as conn:
        pending = corpus.count_after(conn, after)
    return min(os.cpu_count() or 1, 4) if pending >= PARALLEL_MIN else 1


def link_store(engine: sa.Engine, *, rebuild: bool = False, batch: int = 10000,
               on_progress: Callable[[int], None] | None = None, workers: int | None = None) -> RunReport:
    """`workers`: processes preparing documents (default: the cores, when there are many documents)."""
    with engine.connect() as conn:
        meta, last_seq = tables.read_meta(conn)
    if rebuild or meta is None:
        return _rebuild(engine, batch, on_progress, _workers(engine, 0, workers))
    return _increment(engine, meta, last_seq, batch, on_progress, _workers(engine, last_seq, workers))


def _rebuild(engine: sa.Engine, batch: int, on_progress: Callable[[int], None] | None, workers: int) -> RunReport:
    report = RunReport(rebuild=True)
    linker = Linker()
    linker.overrides.update(ls.overrides(engine))
    linker.defer_unions = True
    clock = _Clock()
    posted: dict[str, str | None] = {}
    frozen = gc.get_freeze_count()  # a server froze its start-up objects: leave those frozen
    # No cyclic collection while linking either: a batch's LinkItems and the linker's new lists, sets and tuples
    # set off thousands of young collections (0.45 of 9.9 CPU-s linking 200,000 prepared ads; none find
    # garbage: nothing here makes cycles, reference counting frees the batches).
    collecting = gc.isenabled()
    with pool(workers) as procs:
        last_seq = 0
        try:
            gc.disable()  # (inside the try: re-enabled however this ends)
            for seq, items in _items(engine, 0, batch, procs, on_progress, posted):
                report.skip_images(items)
                last_seq = seq
                br = linker.add(items)
                report.new_hubs += br.new_hubs
                report.released_hubs += br.released_hubs
                report.linked += br.added
                # The linker's millions of lists and sets live to the end: without this every full collection
                # walks them all again (2.4 s against 0.5 s of collections linking 200,000 ads, more later).
                del items
                gc.freeze()
        finally:
            if not frozen:
                gc.unfreeze()
            if collecting:
                gc.enable()
        clock.lap("read+link")
        linker.join_all()
        clock.lap("join")
        _rebuilt(engine, linker, last_seq, procs, report, clock, posted)
    report.finish()
    return report


def _rebuilt(engine: sa.Engine, linker: Linker, last_seq: int, procs: Pool | None, report: RunReport,
             clock: _Clock, posted: dict[str, str | None]) -> None:
    """Write the tables and every cluster's rows and summary of a rebuilt `linker`."""
    n = len(linker.doc_ids)
    groups: dict[int, list[str]] = {}
    for d in range(n):
        groups.setdefault(linker.find(d), []).append(linker.doc_ids[d])
    clusters = {linker.doc_ids[r]: ms for r, ms in groups.items()}
    names, detail = linker.key_names, linker.detail

    def keys_of(doc_id: str) -> list[tuple[str, int | None]]:
        d = linker.index[doc_id]
        return [(names[k], detail.get((d, k))) for k in linker.doc_keys[d]]

    founders = {tp.SIGNAL.key(t): doc for t, doc in enumerate(linker.templates.founder_doc)}
    founders.update((im.SIGNAL.key(f), doc) for f, doc in enumerate(linker.images.founder_doc))
    clock.lap("groups")
    with write(engine) as conn:  # the write lock up front (SQLite: BEGIN IMMEDIATE), see _linked
        # The linker's tables are written while the workers summarise clusters (one transaction; with no workers,
        # before the clusters), and the workers read the Records themselves (this transaction does not change them).
        steps = tables.write_steps(conn, linker, last_seq)
        if procs is None:
            for _ in steps:
                pass
        report.clusters_refreshed = refresh(conn, clusters, keys_of, linker.is_hub_name, founders, everything=True,
                                            pool=procs, posted=posted, records_at=_file_of(engine), idle=steps)
        clock.lap("write tables + refresh")
        for _ in steps:  # what is left of them
            pass
        clock.lap("write tables (rest)")
    clock.lap("commit")
    report.total_documents = n
    report.hub_keys = len(linker.hubs)
    report.multi_doc_clusters = sum(1 for ms in clusters.values() if len(ms) > 1)


def _file_of(engine: sa.Engine) -> str | None:
    """The SQLite file behind `engine` (None for PostgreSQL or an in-memory database)."""
    if engine.dialect.name != "sqlite":
        return None
    path = database_path(engine.url.render_as_string(hide_password=False))
    return None if path is None else str(path)


def _increment(engine: sa.Engine, meta: tables.Meta, last_seq: int, batch: int,
               on_progress: Callable[[int], None] | None, workers: int) -> RunReport:
    report = RunReport()
    wanted = ls.overrides(engine)
    items: list[LinkItem] = []
    with pool(workers) as procs:
        for seq, part in _items(engine, last_seq, batch, procs, on_progress):
            report.skip_images(part)
            items += part
            last_seq = seq
        _linked(engine, meta, last_seq, items, wanted, procs, report)
    report.finish()
    return report


def _linked(engine: sa.Engine, meta: tables.Meta, last_seq: int, items: list[LinkItem], wanted: dict[str, bool],
            procs: Pool | None, report: RunReport) -> None:
    """Link prepared `items` into the tables and refresh the clusters that changed."""
    # The write lock up front (SQLite: BEGIN IMMEDIATE): link_new reads the link tables, then writes them;
    # in a deferred transaction, a write committed by another connection in between (an import, an audit
    # row) failed the link at once with "database is locked", whatever the busy timeout (seen in CI).
    with write(engine) as conn:
        delta = link_new(conn, meta, items, wanted)
        groups: dict[int, list[int]] = {}
        for d in sorted(delta.doc_id):
            groups.setdefault(delta.root[d], []).append(d)
        clusters = {delta.doc_id[r]: [delta.doc_id[d] for d in ms] for r, ms in groups.items()}
        index = {doc: d for d, doc in delta.doc_id.items()}
        keys = delta.keys

        def keys_of(doc_id: str) -> list[tuple[str, int | None]]:
            return [(keys[k].name, v) for k, v in delta.doc_keys.get(index[doc_id], ())]

        hubs = {r.name for r in keys.values() if r.hub}
        drop = [delta.doc_id[r] for r in delta.old_roots if r in delta.doc_id]
        report.clusters_refreshed = refresh(conn, clusters, keys_of, hubs.__contains__, delta.founders, drop=drop,
                                            pool=procs)
        report.network_scores_filled = fill_network_scores(conn)
        tables.write_meta(conn, meta, last_seq)
        report.multi_doc_clusters = linkstate.count_multi_doc_clusters(conn)
        report.hub_keys = linkstate.count_hub_keys(conn)
    report.linked = delta.added
    report.total_documents = meta.n_docs
    report.new_hubs, report.released_hubs = delta.new_hubs, delta.released_hubs

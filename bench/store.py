"""Store benchmark: ingest N synthetic documents, then time phone lookups and full-text + facet queries.

    .venv/bin/python bench/store.py --docs 1000000                      # SQLite under bench/out/
    .venv/bin/python bench/store.py --docs 100000 --pg                  # a throwaway PostgreSQL cluster
    .venv/bin/python bench/store.py --docs 100000 --db postgresql://adtrace@127.0.0.1:5432/bench

Prints one JSON object. Targets (1M docs): ingest <= 10 min with peak RSS <= 1 GB, phone lookup
p95 <= 50 ms, full text + two facets p95 <= 200 ms. Not a test: figures depend on the machine.
`--relevel` also times what saving new thresholds in the app's Settings costs on this store
(`adtrace.app.data.settings.save_thresholds`: one write transaction that re-levels every stored
document whose level changes), with the peak RSS of this process during each save.
`fulltext_2facets_exact_ms` is what `adtrace search` runs (exact counts; its p50/p95 are for the default
mode named in `default`: counting overlapped with the hits on 2+ cores, else in turn; both are printed);
`fulltext_2facets_capped_ms`
what the app's search page runs (count_cap/facet_cap). `broad_5facets_*` count every facet in FACETS
(seven since place facets were split). Each result dict says how many facets it counted. Peak RSS is sampled over the writer and its
worker processes every 0.2 s: the largest single process, and the largest sums of RSS (counts pages
the forked workers share with the writer twice) and of PSS (splits them).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.storage import Outcome, Prepared, Query, Store, init_db, open_store
from adtrace.storage.base import FACETS
from adtrace.storage.ingest import FileSummary, IngestOptions, ingest
from adtrace.storage.prepare import prepare
from adtrace.storage.search import COUNT_CAP, FACET_CAP
from adtrace.storage.sql import bulk_insert
from adtrace.synth import generate

WORDS = ("new", "town", "massage", "available", "girl", "visiting", "sweet", "call", "text", "friendly")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 2)


class RssSampler(threading.Thread):
    """Peak resident memory of this process and its descendants (ru_maxrss sees only one child)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.max_one = self.max_sum = self.max_pss = 0
        self.stop = threading.Event()

    @staticmethod
    def _tree(pid: int) -> Iterator[int]:
        yield pid
        with contextlib.suppress(OSError):
            for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
                yield from RssSampler._tree(int(child))

    @staticmethod
    def _kb(path: str, field: str) -> int:
        with contextlib.suppress(OSError, ValueError):
            for line in Path(path).read_text().splitlines():
                if line.startswith(field):
                    return int(line.split()[1])
        return 0

    def run(self) -> None:
        while not self.stop.wait(0.2):
            pids = list(self._tree(os.getpid()))
            sizes = [self._kb(f"/proc/{pid}/status", "VmRSS:") for pid in pids]
            self.max_one, self.max_sum = max(self.max_one, *sizes), max(self.max_sum, sum(sizes))
            # Forked workers share pages with the writer: PSS splits them, so its sum is the real total.
            pss = sum(self._kb(f"/proc/{pid}/smaps_rollup", "Pss:") for pid in pids)
            self.max_pss = max(self.max_pss, pss)


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL cluster in a temp dir on a free loopback port, as tests/storage/conftest.py starts it.

    Settings as in the tests (fsync=off, synchronous_commit=off): figures are for a disposable server.
    """
    import glob
    import pwd
    import socket

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        sys.exit("--pg needs PostgreSQL's binaries (apt-get install postgresql)")
    bindir = Path(found[-1]).parent
    tmp = Path(tempfile.mkdtemp(prefix="adtrace-bench-pg-"))
    sock = tmp / "sock"
    sock.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:  # root may not run postgres
        try:
            user = pwd.getpwnam("postgres").pw_name
        except KeyError:
            user = "nobody"
        shutil.chown(tmp, user)
        shutil.chown(sock, user)
        prefix = ["runuser", "-u", user, "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(tmp / "data"), "-U", "adtrace", "--auth=trust",
                    "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
    opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
    subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(tmp / "data"), "-o", opts, "-l", str(tmp / "log"),
                    "-w", "start"], check=True, capture_output=True)
    try:
        subprocess.run([*prefix, str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "adtrace",
                        "bench"], check=True, capture_output=True)
        yield f"postgresql://adtrace@127.0.0.1:{port}/bench"
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(tmp / "data"), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def _store_only(store: Store, corpus: Path, batch_size: int) -> FileSummary:
    """Writer throughput without the pipeline: Records are computed for 2,000 documents and reused."""
    summary = FileSummary(path=str(corpus))
    cache: list[dict[str, Any]] = []
    batch: list[Prepared] = []
    with corpus.open("rb") as fh:
        for i, line in enumerate(fh):
            doc = Document.from_dict(orjson.loads(line))
            if len(cache) < 2000:
                cache.append(process(doc))
            record = {**cache[i % len(cache)], "id": doc.id}
            batch.append(prepare(doc, record))
            if len(batch) >= batch_size:
                _count(summary, store.put_batch(batch))
                batch = []
    _count(summary, store.put_batch(batch))
    return summary


def _copy(sqlite_path: str, store: Store) -> int:
    """Copy documents, records, entities and indicator hits of a SQLite store into an empty store."""
    import sqlite3

    import sqlalchemy as sa

    # Read only, without locks or a -wal/-shm beside it: the source may be a shared cached store.
    src = sqlite3.connect(f"file:{Path(sqlite_path).resolve()}?immutable=1", uri=True)
    engine: sa.Engine = store.engine  # type: ignore[attr-defined]
    if engine.dialect.name != "postgresql":  # SQLite's writer, not triggers, fills its full-text and facet rows
        sys.exit("--copy-from fills a PostgreSQL --db; for SQLite ingest (or use `adtrace engine load`)")
    tables = {"documents": "id, source, url, kind, title, text, location, posted_at, content_hash, doc_hash, doc, "
                           "ingested_at, updated_at",
              "records": "doc_id, record, risk_score, risk_level", "entities": "kind, value, doc_id, platform",
              "indicator_hits": "indicator_id, doc_id"}
    for table, cols in tables.items():
        names = [c.strip() for c in cols.split(",")]
        cur = src.execute(f"SELECT {cols} FROM {table} ORDER BY rowid")
        while chunk := cur.fetchmany(20000):  # COPY (the triggers still fill the derived rows), a commit per chunk
            with engine.begin() as conn:
                bulk_insert(conn, table, names, chunk)
    with engine.connect() as conn:  # fresh statistics for the planner, as after a real load
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    return int(store.counts()["documents"])


def _vm_rss_kb() -> int:
    return RssSampler._kb("/proc/self/status", "VmRSS:")


def _relevel(store: Store) -> list[dict[str, Any]]:
    """Seconds and peak RSS of saving thresholds in Settings, as an admin would, one save after another.

    (1, 50): nearly every document changes level (the worst case: every Record is rewritten); back to
    levels.yaml: as many again; the same thresholds once more: nothing changes, only the scan remains.
    """
    from adtrace.app.data.settings import save_thresholds
    from adtrace.scoring import thresholds
    from adtrace.storage.db import engine_of

    engine = engine_of(store)
    default = thresholds()
    out = []
    for elevated, high in ((1.0, 50.0), (default["elevated"], default["high"]), (default["elevated"], default["high"])):
        sampler = RssSampler()
        sampler.start()
        before = _vm_rss_kb()
        t, c = time.perf_counter(), time.process_time()
        saved = save_thresholds(engine, "bench", elevated, high)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        sampler.stop.set()
        sampler.join()
        out.append({"thresholds": {"elevated": elevated, "high": high}, "documents_changed_level": saved.changed,
                    "alerts_raised": len(saved.alerts),
                    "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "rss_mb_before": round(before / 1024, 1),
                    "peak_rss_mb": round(max(sampler.max_one, _vm_rss_kb()) / 1024, 1),
                    "loadavg_1m": round(os.getloadavg()[0], 2)})
    return out


def _explain(store: Store, query: Query) -> list[dict[str, Any]]:
    """The plan of every SELECT one search runs (counting in turn): PostgreSQL's EXPLAIN (ANALYZE, BUFFERS),
    SQLite's EXPLAIN QUERY PLAN. The statements are captured as the store sends them to the driver."""
    import sqlalchemy as sa

    engine: sa.Engine = store.engine  # type: ignore[attr-defined]
    seen: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH", "SET")):
            seen.append((statement, parameters))

    overlap = getattr(store, "overlap_counting", False)
    store.overlap_counting = False  # type: ignore[attr-defined]
    sa.event.listen(engine, "before_cursor_execute", grab)
    try:
        store.search(query)
    finally:
        sa.event.remove(engine, "before_cursor_execute", grab)
        store.overlap_counting = overlap  # type: ignore[attr-defined]
    pg = engine.dialect.name == "postgresql"
    out = []
    with engine.connect() as conn:
        for statement, parameters in seen:
            if statement.lstrip().upper().startswith("SET"):  # e.g. SET LOCAL: the next statement runs under it
                conn.rollback()
                conn.exec_driver_sql(statement, parameters)
                continue
            rows = conn.exec_driver_sql(("EXPLAIN (ANALYZE, BUFFERS) " if pg else "EXPLAIN QUERY PLAN ") + statement,
                                        parameters).all()
            out.append({"sql": " ".join(statement.split()), "plan": [r[0] if pg else r[-1] for r in rows]})
    return out


def _count(summary: FileSummary, outcomes: list[Outcome]) -> None:
    summary.read += len(outcomes)
    for o in outcomes:
        setattr(summary, o.status, getattr(summary, o.status) + 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--db", default=None, help="database URL (default: a SQLite file in --dir)")
    ap.add_argument("--pg", action="store_true", help="start a throwaway PostgreSQL cluster and use it as --db")
    ap.add_argument("--dir", default=str(Path(__file__).parent / "out"),
                    help="where the corpus and the SQLite file go (removed afterwards unless --keep)")
    ap.add_argument("--keep", action="store_true", help="keep the corpus and the SQLite file")
    ap.add_argument("--corpus", default=None,
                    help="ingest this JSONL (e.g. a kept corpus of an earlier run) instead of generating one")
    ap.add_argument("--note", default="", help="conditions to record with the figures (e.g. 'quiet machine')")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--batch-size", type=int, default=1000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reuse", action="store_true",
                    help="--db already holds the documents (e.g. bench/out/store-200000.db): skip the ingest")
    ap.add_argument("--copy-from", default=None,
                    help="fill --db by copying the tables of this SQLite store instead of ingesting")
    ap.add_argument("--sets", type=lambda v: set(v.split(",")), default=None,
                    help="run only these of the slower query sets after the phone and two-facet ones, comma-separated "
                         "(fulltext_2facets_capped_ms, broad_2facets_exact_ms, broad_5facets_exact_ms, "
                         "broad_5facets_capped_ms; 'none' for none); default: all")
    ap.add_argument("--explain", action="store_true",
                    help="also print the plan of each statement of one two-word + two-facet search (PostgreSQL: "
                         "EXPLAIN ANALYZE with buffers; SQLite: EXPLAIN QUERY PLAN)")
    ap.add_argument("--relevel", action="store_true",
                    help="also time saving new thresholds (every stored document re-levelled) and its peak RSS")
    ap.add_argument("--store-only", action="store_true",
                    help="measure the writer and queries at scale: run the pipeline on 2,000 documents and "
                         "reuse their Records (with each document's own id) for the rest")
    args = ap.parse_args()
    with contextlib.ExitStack() as stack:
        if args.pg:
            args.db = stack.enter_context(throwaway_postgres())
        run(args)


def run(args: argparse.Namespace) -> None:
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"store-{args.docs}-", dir=args.dir))
    if not args.keep:
        atexit.register(shutil.rmtree, tmp, True)
    corpus = Path(args.corpus) if args.corpus else tmp / "corpus.jsonl"
    t0 = time.perf_counter()
    if not (args.reuse or args.copy_from or args.corpus):
        with corpus.open("wb") as fh:
            for doc, _ in generate(args.docs, seed=args.seed):
                fh.write(orjson.dumps(doc) + b"\n")
    generate_s = time.perf_counter() - t0

    db = args.db or str(tmp / "bench.db")
    init_db(db)
    sampler = RssSampler()
    sampler.start()
    load_before = os.getloadavg()
    with open_store(db) as store:
        t0, cpu0, kids0 = time.perf_counter(), time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
        summary = FileSummary(path=str(corpus))
        if args.reuse or args.copy_from:
            if args.copy_from:
                summary.new = _copy(args.copy_from, store)
            else:
                summary.new = store.counts()["documents"]
        elif args.store_only:
            summary = _store_only(store, corpus, args.batch_size)
        else:
            [summary] = ingest(store, [str(corpus)], IngestOptions(workers=args.workers, batch_size=args.batch_size))
        ingest_s = time.perf_counter() - t0
        main_cpu_s = time.process_time() - cpu0
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pool's workers, reaped at its shutdown
        workers_cpu_s = kids.ru_utime + kids.ru_stime - kids0.ru_utime - kids0.ru_stime
        load_ingest = os.getloadavg()
        size = store.size_bytes()

        rng = random.Random(args.seed)
        ids = list(store.iter_ids())
        phones: list[str] = []
        for doc_id in rng.sample(ids, min(len(ids), 2000)):
            rec = store.get_record(doc_id) or {}
            phones += [p["value"] for p in rec.get("phones", [])]
            if len(phones) >= args.queries:
                break
        lookup_t, lookup_cpu, lookup_hits = [], [], 0
        for phone in phones[: args.queries]:
            t, c = time.perf_counter(), time.process_time()
            result = store.search(Query(phone=phone, limit=20))
            lookup_t.append(time.perf_counter() - t)
            lookup_cpu.append(time.process_time() - c)  # with overlap: both threads' CPU
            lookup_hits += result.total
        # What `adtrace search` runs: exact total and exact facet counts. CPU seconds per query (in turn) are
        # less disturbed by other processes than wall time.
        text_t, text_cpu, text_seq, text_hits = [], [], [], 0
        default_overlap = bool(getattr(store, "overlap_counting", False))  # what the CLI and app use here
        text_queries = [Query(text=" ".join(rng.sample(WORDS, 2)), facets=("source", "risk_level"), limit=20)
                        for _ in range(args.queries)]
        # Each query runs both ways, in turn and overlapped, alternating which goes first, so neither
        # mode is measured on caches the other warmed.
        for i, q in enumerate(text_queries):
            for overlap in ((False, True) if i % 2 == 0 else (True, False)):
                store.overlap_counting = overlap  # type: ignore[attr-defined]
                t, c = time.perf_counter(), time.process_time()
                result = store.search(q)
                wall, cpu = time.perf_counter() - t, time.process_time() - c
                if overlap:
                    text_seq.append(wall)
                else:
                    text_t.append(wall)
                    text_cpu.append(cpu)  # in turn: all of the query's work is this thread's
                    text_hits += result.total
        store.overlap_counting = default_overlap  # type: ignore[attr-defined]
        # The app's search page caps counting ("10,000+" total, facets over the 5,000 newest matches); broad
        # one-word queries (many matches) with five facets, exact and capped.
        broad = {}
        # broad_2facets_exact: one common word + the two facets, exact: at 100k its matches (~18k) are as many
        # as a two-word query's at 1M, so it shows the plan at the 1M target's match-set size.
        for name, facets, caps in (("fulltext_2facets_capped_ms", ("source", "risk_level"), True),
                                   ("broad_2facets_exact_ms", ("source", "risk_level"), False),
                                   ("broad_5facets_exact_ms", FACETS, False),
                                   ("broad_5facets_capped_ms", FACETS, True)):
            if args.sets and name not in args.sets:
                continue
            times, cpus, totals, capped = [], [], [], 0
            for i in range(args.queries):
                words = " ".join(rng.sample(WORDS, 2)) if name.startswith("fulltext") else WORDS[i % len(WORDS)]
                q = Query(text=words, facets=facets, limit=20, count_cap=COUNT_CAP if caps else None,
                          facet_cap=FACET_CAP if caps else None)
                t, c = time.perf_counter(), time.process_time()
                result = store.search(q)
                times.append(time.perf_counter() - t)
                cpus.append(time.process_time() - c)  # with overlap: both threads' CPU (process time)
                totals.append(result.total)
                capped += result.facets_capped
            broad[name] = {"n": len(times), "facets": len(facets), "p50": pct(times, 0.5), "p95": pct(times, 0.95),
                           "cpu_p50": pct(cpus, 0.5), "cpu_p95": pct(cpus, 0.95),
                           "avg_total": round(statistics.fmean(totals), 1), "facets_capped": capped}
        counts = store.counts()
        explain = _explain(store, text_queries[0]) if args.explain and text_queries else None
        relevel = _relevel(store) if args.relevel else None
    sampler.stop.set()
    sampler.join()
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(orjson.dumps({
        "backend": "postgresql" if db.startswith("postgres") else "sqlite", "store_only": args.store_only,
        "docs": args.docs, "workers": args.workers, "batch_size": args.batch_size,
        "generate_s": round(generate_s, 1),
        "ingest_s": round(ingest_s, 1), "ingest_docs_per_s": round(summary.new / ingest_s, 1),
        # CPU seconds of the process that reads and writes (ingest's one writer) and of the pipeline workers.
        "ingest_cpu_s": {"writer_process": round(main_cpu_s, 1), "workers": round(workers_cpu_s, 1)},
        "summary": summary.to_dict(), "counts": counts,
        "peak_rss_mb": {"max_process": round(max(rss_self, rss_child, sampler.max_one) / 1024, 1),
                        "writer": round(rss_self / 1024, 1), "largest_worker": round(rss_child / 1024, 1),
                        "all_processes_rss_sum": round(sampler.max_sum / 1024, 1),
                        "all_processes_pss_sum": round(sampler.max_pss / 1024, 1)},
        "db_bytes": size, "db_mb": round(size / 2**20, 1),
        "phone_lookup_ms": {"n": len(lookup_t), "p50": pct(lookup_t, 0.5), "p95": pct(lookup_t, 0.95),
                            "mean": round(statistics.fmean(lookup_t) * 1000, 2) if lookup_t else None,
                            "cpu_p50": pct(lookup_cpu, 0.5), "cpu_p95": pct(lookup_cpu, 0.95),
                            "avg_hits": round(lookup_hits / max(1, len(lookup_t)), 1)},
        "fulltext_2facets_exact_ms": {"n": len(text_t),
                                      "default": "overlapped" if default_overlap else "in_turn",
                                      "p50": pct(text_seq if default_overlap else text_t, 0.5),
                                      "p95": pct(text_seq if default_overlap else text_t, 0.95),
                                      "in_turn_p50": pct(text_t, 0.5), "in_turn_p95": pct(text_t, 0.95),
                                      "cpu_p50": pct(text_cpu, 0.5), "cpu_p95": pct(text_cpu, 0.95),
                                      "overlapped_p50": pct(text_seq, 0.5), "overlapped_p95": pct(text_seq, 0.95),
                                      "avg_hits": round(text_hits / max(1, len(text_t)), 1)},
        **broad,
        **({"relevel": relevel} if relevel else {}),
        **({"explain": {"query": text_queries[0].text, "statements": explain}} if explain else {}),
        "cpus": os.cpu_count(),
        "loadavg_1m": {"before": round(load_before[0], 2), "after_ingest": round(load_ingest[0], 2),
                       "end": round(os.getloadavg()[0], 2)},
        "note": args.note,
    }, option=orjson.OPT_INDENT_2).decode())
    sys.stdout.flush()


if __name__ == "__main__":
    main()

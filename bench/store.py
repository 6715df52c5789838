"""Store benchmark: ingest N synthetic documents, then time phone lookups and full-text + facet queries.

    .venv/bin/python bench/store.py --docs 100000                       # SQLite in a temp folder
    .venv/bin/python bench/store.py --docs 100000 --db postgresql://adtrace@127.0.0.1:5432/bench

Prints one JSON object. Targets (1M docs): ingest <= 10 min with peak RSS <= 1 GB, phone lookup
p95 <= 50 ms, full text + two facets p95 <= 200 ms. Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
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
from adtrace.synth import generate

WORDS = ("new", "town", "massage", "available", "girl", "visiting", "sweet", "call", "text", "friendly")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 2)


def _store_only(store: Store, corpus: Path, batch_size: int) -> FileSummary:
    """Writer throughput without the pipeline: Records are computed for 2,000 documents and reused."""
    summary = FileSummary(str(corpus))
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

    src = sqlite3.connect(sqlite_path)
    engine: sa.Engine = store.engine  # type: ignore[attr-defined]
    tables = {"documents": "id, source, url, kind, title, text, location, posted_at, content_hash, doc_hash, doc, "
                           "ingested_at, updated_at",
              "records": "doc_id, record, risk_score, risk_level", "entities": "kind, value, doc_id, platform",
              "indicator_hits": "indicator_id, doc_id"}
    for table, cols in tables.items():
        names = [c.strip() for c in cols.split(",")]
        insert = sa.text(f"INSERT INTO {table} ({cols}) VALUES ({', '.join(':' + n for n in names)})")
        cur = src.execute(f"SELECT {cols} FROM {table} ORDER BY rowid")
        while chunk := cur.fetchmany(5000):
            with engine.begin() as conn:
                conn.execute(insert, [dict(zip(names, row, strict=True)) for row in chunk])
    with engine.connect() as conn:  # fresh statistics for the planner, as after a real load
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    return store.counts()["documents"]


def _count(summary: FileSummary, outcomes: list[Outcome]) -> None:
    summary.read += len(outcomes)
    for o in outcomes:
        setattr(summary, o.status, getattr(summary, o.status) + 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--db", default=None, help="database URL (default: a SQLite file in a temp folder)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--batch-size", type=int, default=1000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reuse", action="store_true",
                    help="--db already holds the documents (e.g. bench/out/store-200000.db): skip the ingest")
    ap.add_argument("--copy-from", default=None,
                    help="fill --db by copying the tables of this SQLite store instead of ingesting")
    ap.add_argument("--store-only", action="store_true",
                    help="measure the writer and queries at scale: run the pipeline on 2,000 documents and "
                         "reuse their Records (with each document's own id) for the rest")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="adtrace-bench-"))
    corpus = tmp / "corpus.jsonl"
    t0 = time.perf_counter()
    if not (args.reuse or args.copy_from):
        with corpus.open("wb") as fh:
            for doc, _ in generate(args.docs, seed=args.seed):
                fh.write(orjson.dumps(doc) + b"\n")
    generate_s = time.perf_counter() - t0

    db = args.db or str(tmp / "bench.db")
    init_db(db)
    with open_store(db) as store:
        t0 = time.perf_counter()
        summary = FileSummary(str(corpus))
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
        size = store.size_bytes()

        rng = random.Random(args.seed)
        ids = list(store.iter_ids())
        phones: list[str] = []
        for doc_id in rng.sample(ids, min(len(ids), 2000)):
            rec = store.get_record(doc_id) or {}
            phones += [p["value"] for p in rec.get("phones", [])]
            if len(phones) >= args.queries:
                break
        lookup_t, lookup_hits = [], 0
        for phone in phones[: args.queries]:
            t = time.perf_counter()
            result = store.search(Query(phone=phone, limit=20))
            lookup_t.append(time.perf_counter() - t)
            lookup_hits += result.total
        text_t, text_hits = [], 0
        for _ in range(args.queries):
            q = Query(text=" ".join(rng.sample(WORDS, 2)), facets=("source", "risk_level"), limit=20)
            t = time.perf_counter()
            result = store.search(q)
            text_t.append(time.perf_counter() - t)
            text_hits += result.total
        # Broad one-word queries (thousands of matches), as the app's search page runs them: exact, and
        # with the suggested caps ("10,000+" total, facets over the 5,000 newest matches).
        broad = {}
        for name, facets, caps in (("fulltext_2facets_capped_ms", ("source", "risk_level"), True),
                                   ("broad_5facets_exact_ms", FACETS, False),
                                   ("broad_5facets_capped_ms", FACETS, True)):
            times, totals, capped = [], [], 0
            for i in range(args.queries):
                words = " ".join(rng.sample(WORDS, 2)) if name.startswith("fulltext") else WORDS[i % len(WORDS)]
                q = Query(text=words, facets=facets, limit=20, count_cap=COUNT_CAP if caps else None,
                          facet_cap=FACET_CAP if caps else None)
                t = time.perf_counter()
                result = store.search(q)
                times.append(time.perf_counter() - t)
                totals.append(result.total)
                capped += result.facets_capped
            broad[name] = {"n": len(times), "p50": pct(times, 0.5), "p95": pct(times, 0.95),
                           "avg_total": round(statistics.fmean(totals), 1), "facets_capped": capped}
        counts = store.counts()
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(orjson.dumps({
        "backend": "postgresql" if db.startswith("postgres") else "sqlite", "store_only": args.store_only,
        "docs": args.docs, "workers": args.workers, "batch_size": args.batch_size,
        "generate_s": round(generate_s, 1),
        "ingest_s": round(ingest_s, 1), "ingest_docs_per_s": round(summary.new / ingest_s, 1),
        "summary": summary.to_dict(), "counts": counts,
        "peak_rss_mb": {"writer": round(rss_self / 1024, 1), "largest_worker": round(rss_child / 1024, 1)},
        "db_bytes": size, "db_mb": round(size / 2**20, 1),
        "phone_lookup_ms": {"n": len(lookup_t), "p50": pct(lookup_t, 0.5), "p95": pct(lookup_t, 0.95),
                            "mean": round(statistics.fmean(lookup_t) * 1000, 2) if lookup_t else None,
                            "avg_hits": round(lookup_hits / max(1, len(lookup_t)), 1)},
        "fulltext_2facets_ms": {"n": len(text_t), "p50": pct(text_t, 0.5), "p95": pct(text_t, 0.95),
                                "avg_hits": round(text_hits / max(1, len(text_t)), 1)},
        **broad,
        "cpus": os.cpu_count(), "note": "measured while other processes shared the CPU",
    }, option=orjson.OPT_INDENT_2).decode())
    sys.stdout.flush()


if __name__ == "__main__":
    main()

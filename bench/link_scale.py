"""Linking at scale: a full `adtrace link --rebuild` of N stored documents, then 10k more linked incrementally.

    .venv/bin/python bench/link_scale.py --docs 1000000          # the issue #6 target (long first run)
    .venv/bin/python bench/link_scale.py --docs 100000 --add 10000

The store of N documents is built once and cached under bench/out/ (synth -> `adtrace engine run` ->
`adtrace load`, which is faster than ingest); every run works on a copy of it. `--out DIR` keeps the
cached stores elsewhere (`DIR/link-scale-N-sSEED/`, the layout of bench/out, so a store built there is
reused), `--work DIR` puts the working copy elsewhere (to time two checkouts side by side on one store). The added documents
go in with `adtrace ingest` (not timed as linking). Prints one JSON object: full-link and incremental
seconds (wall and CPU, CPU including worker processes), peak RSS, cluster counts, and whether the
incremental result equals a rebuild of the final store (`--no-check` skips that second rebuild).
Wall-clock figures depend on what else shares the machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import text

from adtrace.linking.run import link_store
from adtrace.storage import open_store
from adtrace.storage.db import engine_of

OUT = Path(__file__).resolve().parent / "out"
CLI = str(Path(sys.executable).with_name("adtrace"))


def _sh(*args: str) -> None:
    subprocess.run([CLI, *args], check=True, stdout=subprocess.DEVNULL)


def _base(out: Path, n: int, add: int, seed: int, workers: int) -> tuple[Path, Path]:
    """(cached store of n documents, JSONL of `add` more), built when missing."""
    folder = out / f"link-scale-{n}-s{seed}"
    db, extra = folder / "base.db", folder / f"add-{add}.jsonl"
    folder.mkdir(parents=True, exist_ok=True)
    if not db.is_file():
        corpus = folder / "corpus.jsonl"
        _sh("synth", "--docs", str(n), "--seed", str(seed), "-o", str(corpus))
        parquet = folder / "engine"
        shutil.rmtree(parquet, ignore_errors=True)
        _sh("engine", "run", "-i", str(corpus), "-o", str(parquet), "--engine", "dask", "--workers", str(workers),
            "--partition-mb", "8")  # several partitions, so both workers have work
        tmp = folder / "base.db.part"
        tmp.unlink(missing_ok=True)
        _sh("load", str(parquet), "--db", str(tmp))
        tmp.rename(db)
        shutil.rmtree(parquet, ignore_errors=True)
        corpus.unlink()
    if not extra.is_file():  # a different seed: new documents, some joining the stored networks' keys
        raw = folder / "add-raw.jsonl"
        _sh("synth", "--docs", str(add), "--seed", str(seed + 1000), "-o", str(raw))
        _only_new(db, raw, extra)
        raw.unlink()
    return db, extra


def _only_new(db: Path, raw: Path, out: Path) -> None:
    """Drop documents whose content or (source, url) is stored: ingest would update those in place, and a
    document is linked once, so the incremental run could not equal a rebuild on them."""
    from adtrace.documents import Document
    from adtrace.storage.base import content_hash

    with sqlite3.connect(db) as conn:
        stored = {h for (h,) in conn.execute("SELECT content_hash FROM documents")}
        urls = set(conn.execute("SELECT source, url FROM documents WHERE url IS NOT NULL"))
    with raw.open("rb") as src, out.open("wb") as dst:
        for line in src:
            doc = Document.from_dict(orjson.loads(line))
            if content_hash(doc) not in stored and (doc.source, doc.url) not in urls:
                dst.write(line)


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(engine: Any, rebuild: bool) -> tuple[dict[str, Any], dict[str, float]]:
    c0, t0 = _cpu(), time.perf_counter()
    report = link_store(engine, rebuild=rebuild)
    return report.to_dict(), {"wall_s": round(time.perf_counter() - t0, 2), "cpu_s": round(_cpu() - c0, 2)}


def _partition(engine: Any) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    with engine.connect() as conn:
        for d, c in conn.execute(text("SELECT doc_id, cluster_id FROM link_clusters")):
            groups.setdefault(c, set()).add(d)
    return {frozenset(g) for g in groups.values() if len(g) > 1}


def _summaries(engine: Any) -> dict[str, int]:
    with engine.connect() as conn:
        return {str(c): int(n) for c, n in conn.execute(text("SELECT cluster_id, documents FROM link_summaries"))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--add", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2, help="engine workers building the cached store")
    ap.add_argument("--no-check", action="store_true", help="skip the rebuild that checks the incremental run")
    ap.add_argument("--out", type=Path, default=OUT,
                    help="folder of cached stores (link-scale-N-sSEED/ inside; default bench/out)")
    ap.add_argument("--work", type=Path, default=None,
                    help="where the working copy goes (default: next to the cached store)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(args.out).free
    if free < args.docs * 20_000:  # ~10 KB a document for the cached store and the working copy
        raise SystemExit(f"only {free / 2**30:.1f} GiB free under {args.out}")
    t0 = time.perf_counter()
    base, extra = _base(args.out, args.docs, args.add, args.seed, args.workers)
    build_s = time.perf_counter() - t0
    work = base.with_name("work.db") if args.work is None else args.work / "work.db"
    work.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(base, work)
    _sh("init", "--db", str(work))  # a cached store from an older schema gets the linker's tables
    store = open_store(str(work))
    engine = engine_of(store)
    try:
        full, full_t = _timed(engine, rebuild=True)
        t1 = time.perf_counter()
        _sh("ingest", str(extra), "--db", str(work), "--no-alerts")
        ingest_s = time.perf_counter() - t1
        inc, inc_t = _timed(engine, rebuild=False)
        result: dict[str, Any] = {
            "docs": args.docs, "added": sum(1 for _ in extra.open("rb")), "cpus": os.cpu_count(),
            "full_link": {**full_t, "linked": full["linked"], "multi_doc_clusters": full["multi_doc_clusters"],
                          "clusters_refreshed": full["clusters_refreshed"], "hub_keys": full["hub_keys"]},
            "incremental_link": {**inc_t, "linked": inc["linked"], "total_documents": inc["total_documents"],
                                 "multi_doc_clusters": inc["multi_doc_clusters"],
                                 "clusters_refreshed": inc["clusters_refreshed"],
                                 "new_hubs": inc["new_hubs_count"], "released_hubs": inc["released_hubs_count"]},
            "ingest_added_s": round(ingest_s, 2),
            "store_build_s": round(build_s, 2),
        }
        if not args.no_check:
            incremental, inc_summ = _partition(engine), _summaries(engine)
            _rb, rb_t = _timed(engine, rebuild=True)
            result["check"] = {"incremental_equals_rebuild": incremental == _partition(engine),
                               "summaries_equal": inc_summ == _summaries(engine),
                               "rebuild_final": rb_t, "multi_doc_clusters": len(incremental)}
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        result["peak_rss_children_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
        # Wall seconds depend on what else shares the cores: record the load so a reader can tell.
        result["load_average_1_5_15"] = [round(x, 2) for x in os.getloadavg()]
        print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    finally:
        store.close()


if __name__ == "__main__":
    main()

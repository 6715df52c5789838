"""The ingest writer's CPU, without the pipeline workers: what `adtrace ingest`'s one writer process does.

    .venv/bin/python bench/store_writer.py CORPUS.jsonl --docs 20000            # CPU seconds per phase
    .venv/bin/python bench/store_writer.py CORPUS.jsonl --docs 20000 --profile 40  # + cProfile's top functions
    .venv/bin/python bench/store_writer.py CORPUS.jsonl --docs 20000 --db COPY_OF_A_1M_STORE.db

The pipeline's results for the first --docs ads are computed once (all cores) and cached beside the
bench's output (`bench/out/writer-N-....pkl`, pickled as the pool returns them). The timed run then does
what the writer does per batch of `ingest`: read the input's raw lines (a worker parses them), pickle each
chunk as it is sent to a worker, unpickle the worker's answer, and write it (`store_batch`) into a fresh
SQLite store. Prints one JSON object with CPU seconds per phase (process time: steadier than wall time on
a loaded machine). Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import itertools
import os
import pickle
import pstats
import resource
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import orjson

from adtrace.documents import Document
from adtrace.sources import Options, read_paths
from adtrace.sources.jsonl import lines
from adtrace.storage import init_db, open_store
from adtrace.storage.base import Checkpoint, Prepared
from adtrace.storage.ingest import FileSummary, _process_chunk, store_batch


def _head(corpus: Path, skip: int, n: int, out: Path) -> Path:
    """n lines of the corpus after the first `skip`, in a file of our own (the corpus may be a shared cache:
    read only)."""
    with corpus.open("rb") as src, out.open("wb") as dst:
        dst.writelines(itertools.islice(src, skip, skip + n))
    return out


def _results(head: Path, batch: int, cache: Path) -> list[bytes]:
    """Each batch's pipeline answer, pickled as the pool sends it back (computed once, then cached)."""
    if cache.exists():
        return list(pickle.loads(cache.read_bytes()))
    docs = [d for d in read_paths([str(head)], Options()) if isinstance(d, Document)]
    chunks = [docs[i:i + batch] for i in range(0, len(docs), batch)]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        answers = [pickle.dumps(r) for r in pool.map(_process_chunk, chunks, itertools.repeat("US"))]
    cache.write_bytes(pickle.dumps(answers))
    return answers


def _time_statements(store: Any, out: dict[str, float]) -> None:
    """CPU seconds per kind of statement (its first words and table), summed over the run."""
    import sqlalchemy as sa

    started: list[float] = []

    def before(*_: Any) -> None:
        started.append(time.process_time())

    def after(_conn: Any, _cur: Any, statement: str, *_: Any) -> None:
        words = statement.split()
        key = " ".join(words[:3] if words[0].upper() == "INSERT" else words[:1] + words[words.index("FROM") + 1:][:1]
                       if "FROM" in words else words[:2])
        out[key] = out.get(key, 0.0) + time.process_time() - started.pop()

    sa.event.listen(store.engine, "before_cursor_execute", before)
    sa.event.listen(store.engine, "after_cursor_execute", after)


def run(args: argparse.Namespace) -> dict[str, Any]:
    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1(f"{Path(args.corpus).resolve()}:{args.skip}:{args.docs}:{args.batch_size}".encode()).hexdigest()[:8]
    head = out / f"writer-{args.docs}-{key}.jsonl"
    if not head.exists():
        _head(Path(args.corpus), args.skip, args.docs, head)
    answers = _results(head, args.batch_size, out / f"writer-{args.docs}-{key}.pkl")
    tmp = Path(tempfile.mkdtemp(prefix="store-writer-", dir=out))
    try:
        db = args.db or str(tmp / "w.db")  # --db: on top of an existing store (it keeps what is written)
        init_db(db)
        phases = {"read": 0.0, "send": 0.0, "receive": 0.0, "write": 0.0}
        prof = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not wall
        by_statement: dict[str, float] = {}
        summary = FileSummary(path=str(head))
        wall, ru = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
        with open_store(db) as store:
            if args.pragma:  # e.g. "wal_autocheckpoint=65536": on every connection the store opens from here on
                import sqlalchemy as sa

                sa.event.listen(store.engine, "connect",  # type: ignore[attr-defined]
                                lambda dbapi, _rec: [dbapi.execute(f"PRAGMA {p}") for p in args.pragma])
                store.engine.dispose()  # type: ignore[attr-defined]
            if args.statements:
                _time_statements(store, by_statement)
            if prof:
                prof.enable()
            fh = head.open("rb")
            items = lines(fh, str(head), Options())  # raw lines: the workers parse them (ingest._process_chunk)
            for i, answer in enumerate(answers):
                c = time.process_time()
                chunk = list(itertools.islice(items, args.batch_size))  # reading the lines
                c1 = time.process_time()
                pickle.dumps((_process_chunk, (chunk, "US", (str(head), Options())), {}))  # what submit() sends
                c2 = time.process_time()
                results = pickle.loads(answer)  # the worker's answer arriving
                c3 = time.process_time()
                good = [r for r in results if isinstance(r, Prepared)]
                store_batch(store, good, Checkpoint(str(head), "bench", (i + 1) * args.batch_size, False), summary)
                c4 = time.process_time()
                for name, a, b in (("read", c, c1), ("send", c1, c2), ("receive", c2, c3), ("write", c3, c4)):
                    phases[name] += b - a
            fh.close()
            if prof:
                prof.disable()
        wall = time.perf_counter() - wall
        ru1 = resource.getrusage(resource.RUSAGE_SELF)
        total = sum(phases.values())
        result: dict[str, Any] = {
            "docs": args.docs, "batch_size": args.batch_size, "stored_new": summary.new,
            "cpu_s": {k: round(v, 2) for k, v in phases.items()}, "cpu_total_s": round(total, 2),
            # System time: pages the writer reads from the OS (WAL, index pages not in its cache).
            "user_s": round(ru1.ru_utime - ru.ru_utime, 2), "sys_s": round(ru1.ru_stime - ru.ru_stime, 2),
            "cpu_us_per_doc": round(total / max(1, args.docs) * 1e6, 1), "wall_s": round(wall, 2),
            "db_mb": round(Path(db).stat().st_size / 2**20, 1), "loadavg_1m": round(os.getloadavg()[0], 2),
            "pragmas": args.pragma,
            "note": args.note,
        }
        if by_statement:
            result["statement_cpu_s"] = {k: round(v, 2) for k, v in sorted(by_statement.items(), key=lambda kv: -kv[1])}
        if prof:
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(args.profile)
            result["profile_tottime"] = buf.getvalue().splitlines()[:args.profile + 12]
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", help="a JSONL corpus (e.g. the cached 1M realistic one); only read")
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--skip", type=int, default=0, help="start after this many lines (new documents for --db)")
    ap.add_argument("--batch-size", type=int, default=1000)
    ap.add_argument("--dir", default=str(Path(__file__).parent / "out"), help="cache of the pipeline's answers")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="also print cProfile's N top functions")
    ap.add_argument("--db", default=None, help="write into this SQLite store (e.g. a copy of a 1M one) instead "
                    "of a fresh one: the writer's cost on a big store's indexes; the documents stay in it")
    ap.add_argument("--statements", action="store_true", help="also print CPU seconds per kind of statement")
    ap.add_argument("--pragma", action="append", default=[], help="a SQLite PRAGMA for the writer (repeatable)")
    ap.add_argument("--note", default="")
    args = ap.parse_args()
    print(orjson.dumps(run(args), option=orjson.OPT_INDENT_2).decode())


if __name__ == "__main__":
    main()

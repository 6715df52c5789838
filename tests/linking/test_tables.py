"""The linker's state in tables: incremental runs over them equal a rebuild, row for row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import text

from adtrace.documents import Document
from adtrace.linking import store as ls
from adtrace.linking import templates as tp
from adtrace.linking.run import link_store
from adtrace.pipeline.process import extract
from adtrace.storage import init_db, open_store
from adtrace.storage.db import engine_of
from adtrace.synth import generate


def _snapshot(engine: Any) -> dict[str, Any]:
    with engine.connect() as conn:
        return {
            "clusters": sorted(tuple(r) for r in conn.execute(text(
                "SELECT doc_id, cluster_id, risk_score, risk_level FROM link_clusters"))),
            "summaries": sorted(tuple(r) for r in conn.execute(text(
                "SELECT cluster_id, documents, risk_max, summary FROM link_summaries"))),
            "roots": sorted(tuple(r) for r in conn.execute(text("SELECT d, doc_id, root FROM link_docs"))),
            "keys": sorted(tuple(r) for r in conn.execute(text(
                "SELECT k, name, first_d, docs, seen, hub, witnesses FROM link_keys"))),
            "postings": sorted(tuple(r) for r in conn.execute(text("SELECT k, d, detail FROM link_postings"))),
        }


def _indexes(engine: Any) -> dict[str, str]:
    with engine.connect() as conn:
        return {str(n): str(s) for n, s in conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name LIKE 'link%' AND sql IS NOT NULL"))}


@pytest.fixture(scope="module")
def docs() -> list[dict[str, Any]]:
    return [d for d, _t in generate(900, seed=21)]


def test_incremental_batches_equal_rebuild(tmp_path: Path, docs: list[dict[str, Any]]) -> None:
    init_db(str(tmp_path / "a.db"))
    store = open_store(str(tmp_path / "a.db"))
    engine = engine_of(store)
    try:
        hubs_changed = 0
        for part in (docs[:300], docs[300:310], docs[310:700], docs[700:]):
            _ingest(store, part)
            report = link_store(engine)
            hubs_changed += report.new_hubs_count + report.released_hubs_count
        assert hubs_changed  # the batches turned keys into hubs (or back): the relinking path ran
        ls.set_override(engine, _some_key(engine), True, "test")  # an analyst's override, then more documents
        _ingest(store, [d for d, _t in generate(60, seed=22)])
        assert link_store(engine).linked == 60
        incremental = _snapshot(engine)
        assert len({c for _d, c, _s, _lv in incremental["clusters"]}) < len(incremental["clusters"])
        indexes = _indexes(engine)
        link_store(engine, rebuild=True)  # drops the link tables' secondary indexes for its bulk insert
        assert _snapshot(engine) == incremental
        assert _indexes(engine) == indexes and "link_postings_d" in indexes
        linker, _seq = ls.load(engine)
        assert linker is not None and len(linker.doc_ids) == len(incremental["roots"])
        assert {(d, doc, linker.find(d)) for d, doc, _r in incremental["roots"]} == set(incremental["roots"])
        assert any(h["override"] is True for h in ls.hub_keys(engine))
    finally:
        store.close()


def test_incremental_link_holds_the_write_lock_while_another_connection_writes(
        tmp_path: Path, docs: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    """Another writer committing between incremental linking's reads and its writes used to fail the link
    at once ("database is locked": SQLite's snapshot rule in WAL); the link now takes the write lock first
    and the other writer waits for it."""
    import sqlite3
    import threading

    import adtrace.linking.run as run

    path = str(tmp_path / "w.db")
    init_db(path)
    store = open_store(path)
    engine = engine_of(store)
    real = run.link_new
    other: dict[str, Any] = {}

    def writer() -> None:
        conn = sqlite3.connect(path, timeout=30)
        conn.execute("CREATE TABLE IF NOT EXISTS other_writer (x INTEGER)")
        conn.execute("INSERT INTO other_writer VALUES (1)")
        conn.commit()
        other["done"] = True
        conn.close()

    def interleaved(conn: Any, *a: Any, **kw: Any) -> Any:
        conn.execute(text("SELECT count(*) FROM link_docs")).scalar_one()  # this transaction has read
        thread = threading.Thread(target=writer)
        thread.start()
        thread.join(timeout=1.0)  # under the write lock it waits; without, it commits now
        other["during"] = other.get("done", False)
        other["thread"] = thread
        return real(conn, *a, **kw)

    try:
        _ingest(store, docs[:200])
        link_store(engine)
        _ingest(store, docs[200:260])
        monkeypatch.setattr(run, "link_new", interleaved)
        assert link_store(engine).linked == 60
        other["thread"].join(timeout=30)
        assert other["during"] is False and other["done"] is True  # it waited, then wrote
    finally:
        store.close()


def _some_key(engine: Any) -> str:
    with engine.connect() as conn:
        name = conn.execute(text("SELECT name FROM link_keys WHERE hub = :f AND docs > 2 AND name LIKE 'phone:%' "
                                 "ORDER BY docs DESC, name LIMIT 1"), {"f": False}).scalar_one()
    return str(name)


def _ingest(store: Any, part: list[dict[str, Any]]) -> None:
    from adtrace.storage.prepare import prepare

    batch = []
    for raw in part:
        doc = Document.from_dict(raw)
        batch.append(prepare(doc, extract(doc)))
    store.put_batch(batch)


def test_vectorised_minhash_equals_datasketch(docs: list[dict[str, Any]]) -> None:
    sets = []
    for raw in docs[:60]:
        doc = Document.from_dict(raw)
        sh = tp.shingles(tp.tokens(tp.mask(doc.full_text, extract(doc))))
        if len(sh) >= tp.MIN_SHINGLES:
            sets.append(sh)
    many = tp.signatures([tp.shingle_hashes(s) for s in sets])
    assert np.array_equal(many, np.stack([tp.signature(s) for s in sets]))

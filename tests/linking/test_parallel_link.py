"""`link_store` with worker processes (prepare ahead, summarise in workers: on a SQLite file they read their
batches' rows (`run._prepare_at`) and the clusters' Records themselves, `refresh.fetch_and_summarize`) writes
exactly the rows of a run in one process, batch boundaries and all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import text

from adtrace.linking import refresh
from adtrace.linking.run import link_store
from adtrace.storage import init_db, open_store
from adtrace.storage.db import engine_of
from adtrace.storage.ingest import IngestOptions, ingest
from adtrace.synth import generate


def _rows(engine: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        clusters = conn.execute(text("SELECT doc_id, cluster_id, risk_score, risk_level FROM link_clusters "
                                     "ORDER BY doc_id")).all()
        summaries = conn.execute(text("SELECT cluster_id, documents, risk_max, summary FROM link_summaries "
                                      "ORDER BY cluster_id")).all()
    return [tuple(r) for r in clusters], [tuple(r) for r in summaries]


def _state(engine: Any) -> list[list[tuple[Any, ...]]]:
    """The linker's tables, sorted (a rebuild with workers writes them while the workers summarise)."""
    with engine.connect() as conn:
        return [sorted(tuple(r) for r in conn.execute(text(f"SELECT * FROM {t}")))
                for t in ("link_docs", "link_keys", "link_postings", "link_templates", "link_template_bands",
                          "link_images", "link_image_chunks", "link_template_df", "link_photos")]


def test_workers_write_the_rows_of_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refresh, "FETCH", 40)  # several summary batches in flight
    docs = [d for d, _t in generate(500, seed=4)]
    corpus = tmp_path / "a.jsonl"
    corpus.write_bytes(b"".join(orjson.dumps(d) + b"\n" for d in docs[:400]))
    more = tmp_path / "b.jsonl"
    more.write_bytes(b"".join(orjson.dumps(d) + b"\n" for d in docs[400:]))
    db = str(tmp_path / "t.db")
    init_db(db)
    store = open_store(db)
    try:
        ingest(store, [str(corpus)], IngestOptions(workers=1))
        engine = engine_of(store)
        one = link_store(engine, rebuild=True, batch=60, workers=1)
        alone, state = _rows(engine), _state(engine)
        two = link_store(engine, rebuild=True, batch=60, workers=2)
        assert two.to_dict() == one.to_dict()
        assert _rows(engine) == alone and _state(engine) == state
        assert state[2] and state[4]  # postings and template bands were written
        assert any(n > 1 for _c, n, _r, _s in alone[1])
        ingest(store, [str(more)], IngestOptions(workers=1))
        link_store(engine, batch=30, workers=2)  # incremental, prepared in workers
        clusters, summaries = _rows(engine)
        link_store(engine, rebuild=True, workers=1)
        assert _rows(engine)[0] == clusters
        assert [s[:3] for s in _rows(engine)[1]] == [s[:3] for s in summaries]
    finally:
        store.close()

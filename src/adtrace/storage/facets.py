"""Facet rows written by the SQLite writer, set-based per batch.

On SQLite, per-row triggers that looked up each child row's document made every batch slower as the
store grew (0.1 s → 0.6 s per 1,000 documents over the first 6,000; 20k documents took 24 s to ingest
instead of 10 s). One INSERT ... SELECT per facet over the batch's ids stays flat, so the SQLite writer
refreshes a batch's facets itself (migration 0008 drops the insert/update triggers there). PostgreSQL
keeps its triggers, which COPY in the bulk load relies on. Delete triggers stay on both.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import bindparam, text

# The same facets as migration 0007's backfill, for a set of documents.
_IDS = "d.id IN :ids"
_INSERTS = tuple(text(sql).bindparams(bindparam("ids", expanding=True)) for sql in (
    f"INSERT OR IGNORE INTO facet_values (seq, facet, value) SELECT d.seq, 'source', d.source FROM documents d "
    f"WHERE {_IDS}",
    f"INSERT OR IGNORE INTO facet_values (seq, facet, value) SELECT d.seq, 'kind', d.kind FROM documents d "
    f"WHERE {_IDS}",
    "INSERT OR IGNORE INTO facet_values (seq, facet, value) SELECT d.seq, 'risk_level', r.risk_level FROM records r "
    f"JOIN documents d ON d.id = r.doc_id WHERE {_IDS} AND r.risk_level IS NOT NULL",
    "INSERT OR IGNORE INTO facet_values (seq, facet, value) SELECT d.seq, 'city', e.value FROM entities e "
    f"JOIN documents d ON d.id = e.doc_id WHERE {_IDS} AND e.kind = 'city'",
    "INSERT OR IGNORE INTO facet_values (seq, facet, value) SELECT d.seq, 'indicator', h.indicator_id "
    f"FROM indicator_hits h JOIN documents d ON d.id = h.doc_id WHERE {_IDS}",
))
_DELETE = text("DELETE FROM facet_values WHERE seq IN (SELECT seq FROM documents WHERE id IN :ids)").bindparams(
    bindparam("ids", expanding=True))
CHUNK = 5000  # SQLite's bound-parameter limit is far above this


def refresh(conn: sa.Connection, ids: Sequence[str]) -> None:
    """Rewrite the facet rows of these documents from what is stored (inside the caller's transaction)."""
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        conn.execute(_DELETE, {"ids": chunk})
        for stmt in _INSERTS:
            conn.execute(stmt, {"ids": chunk})

"""Linking's tables in the adtrace database (migration 0003): state, clusters, summaries, overrides.

Uses the storage package's engine (`Store.engine` of the SQL backends) and only the tables this
package owns, plus reads of `documents` and `records`.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import bindparam, text

from adtrace import errors
from adtrace.linking.linker import Linker
from adtrace.storage import Store

_NEW_DOCS = text("SELECT d.seq, d.id, d.source, d.title, d.text, d.posted_at, d.doc, r.record FROM documents d "
                 "JOIN records r ON r.doc_id = d.id WHERE d.seq > :after ORDER BY d.seq LIMIT :limit")
_MEMBERS = text("SELECT d.id, d.posted_at, r.record FROM documents d JOIN records r ON r.doc_id = d.id "
                "WHERE d.id IN :ids").bindparams(bindparam("ids", expanding=True))


def engine_of(store: Store) -> sa.Engine:
    engine = getattr(store, "engine", None)
    if not isinstance(engine, sa.Engine):
        raise errors.StorageError(message="linking needs an SQL store (SQLite or PostgreSQL)", code="AT206")
    return engine


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def load(engine: sa.Engine) -> tuple[Linker | None, int]:
    with engine.connect() as conn:
        row = conn.execute(text("SELECT state, last_seq FROM link_state WHERE id = 1")).first()
    linker = Linker.from_state(orjson.loads(zlib.decompress(row[0]))) if row else None
    return linker, int(row[1]) if row else 0


def overrides(engine: sa.Engine) -> dict[str, bool]:
    with engine.connect() as conn:
        return {str(k): bool(h) for k, h in conn.execute(text("SELECT key, hub FROM link_hub_overrides"))}


def set_override(engine: sa.Engine, key: str, hub: bool | None, note: str = "") -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM link_hub_overrides WHERE key = :key"), {"key": key})
        if hub is not None:
            conn.execute(text("INSERT INTO link_hub_overrides (key, hub, note, created_at) "
                              "VALUES (:key, :hub, :note, :now)"), {"key": key, "hub": hub, "note": note, "now": _now()})


def new_documents(engine: sa.Engine, after: int, batch: int = 5000) -> Iterator[list[dict[str, Any]]]:
    """Documents with their Records, in ingest order, after sequence number `after`."""
    while True:
        with engine.connect() as conn:
            rows = conn.execute(_NEW_DOCS, {"after": after, "limit": batch}).all()
        if not rows:
            return
        out = []
        for seq, doc_id, source, title, body, posted_at, doc, record in rows:
            meta = orjson.loads(doc)
            out.append({"seq": int(seq), "id": doc_id, "source": source or "", "posted_at": posted_at,
                        "text": f"{title}\n{body}" if title else body, "author": meta.get("author"),
                        "record": orjson.loads(record)})
        yield out
        after = out[-1]["seq"]


def members(engine: sa.Engine, ids: Sequence[str]) -> list[tuple[str, str | None, dict[str, Any]]]:
    out: list[tuple[str, str | None, dict[str, Any]]] = []
    with engine.connect() as conn:
        for s in range(0, len(ids), 900):  # below SQLite's bound-parameter limit
            for doc_id, posted_at, record in conn.execute(_MEMBERS, {"ids": list(ids[s:s + 900])}):
                out.append((doc_id, posted_at, orjson.loads(record)))
    return out


def save(engine: sa.Engine, linker: Linker, last_seq: int, *, rebuild: bool,
         rows: Iterable[tuple[str, str, float | None, str | None]],
         summaries: Iterable[dict[str, Any]]) -> None:
    """State, member rows (doc, cluster, risk, level) and summaries, in one transaction."""
    blob = zlib.compress(orjson.dumps(linker.to_state()), 1)
    with engine.begin() as conn:
        if rebuild:
            conn.execute(text("DELETE FROM link_clusters"))
            conn.execute(text("DELETE FROM link_summaries"))
        conn.execute(text("DELETE FROM link_state WHERE id = 1"))
        conn.execute(text("INSERT INTO link_state (id, state, last_seq, updated_at) VALUES (1, :s, :q, :now)"),
                     {"s": blob, "q": last_seq, "now": _now()})
        rows_list = list(rows)
        member_rows = [{"d": d, "c": c, "s": s, "l": lv} for d, c, s, lv in rows_list]
        if member_rows:
            _delete_many(conn, [d for d, _c, _s, _l in rows_list])
            conn.execute(text("INSERT INTO link_clusters (doc_id, cluster_id, risk_score, risk_level) "
                              "VALUES (:d, :c, :s, :l)"), member_rows)
        summ = [{"c": s["cluster"], "n": s["documents"], "r": s.get("risk_max"),
                 "j": orjson.dumps(s).decode()} for s in summaries]
        if summ:
            for s in summ:
                conn.execute(text("DELETE FROM link_summaries WHERE cluster_id = :c"), {"c": s["c"]})
            conn.execute(text("INSERT INTO link_summaries (cluster_id, documents, risk_max, summary) "
                              "VALUES (:c, :n, :r, :j)"), summ)


def drop_summaries(engine: sa.Engine, cluster_ids: Iterable[str]) -> None:
    with engine.begin() as conn:
        for c in cluster_ids:
            conn.execute(text("DELETE FROM link_summaries WHERE cluster_id = :c"), {"c": c})


def _delete_many(conn: sa.Connection, ids: list[str]) -> None:
    stmt = text("DELETE FROM link_clusters WHERE doc_id IN :ids").bindparams(bindparam("ids", expanding=True))
    for s in range(0, len(ids), 900):
        conn.execute(stmt, {"ids": ids[s:s + 900]})


def summary(engine: sa.Engine, cluster_id: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(text("SELECT summary FROM link_summaries WHERE cluster_id = :c"), {"c": cluster_id}).first()
        if row is None:  # accept any member's id as the cluster's name
            row = conn.execute(text("SELECT s.summary FROM link_clusters c JOIN link_summaries s ON "
                                    "s.cluster_id = c.cluster_id WHERE c.doc_id = :c"), {"c": cluster_id}).first()
    result: dict[str, Any] | None = orjson.loads(row[0]) if row else None
    return result


def summaries(engine: sa.Engine, min_docs: int = 2, limit: int | None = None) -> Iterator[dict[str, Any]]:
    sql = "SELECT summary FROM link_summaries WHERE documents >= :m ORDER BY documents DESC, cluster_id"
    if limit:
        sql += f" LIMIT {int(limit)}"
    with engine.connect() as conn:
        for (raw,) in conn.execute(text(sql), {"m": min_docs}):
            yield orjson.loads(raw)

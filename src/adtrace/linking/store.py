"""Linking's tables in the adtrace database (migrations 0003, 0009): clusters, summaries, overrides;
the linker's own state is in `adtrace.linking.tables`.

Uses the storage package's engine (`Store.engine` of the SQL backends) and only the tables this
package owns, plus reads of `documents` and `records`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import bindparam, text

from adtrace.linking import tables
from adtrace.linking.linker import Linker
from adtrace.linking.signals import kind_of
from adtrace.storage.db import now
from adtrace.storage.sql import bulk_insert

_MEMBERS = text("SELECT d.id, d.posted_at, r.record FROM documents d JOIN records r ON r.doc_id = d.id "
                "WHERE d.id IN :ids").bindparams(bindparam("ids", expanding=True))


def load(engine: sa.Engine) -> tuple[Linker | None, int]:
    """The whole linker, rebuilt in memory from its tables (tools and tests; `link_store` reads rows)."""
    with engine.connect() as conn:
        return tables.read_linker(conn)


def hub_keys(engine: sa.Engine) -> list[dict[str, Any]]:
    """Hub keys, most documents first, as `Linker.hub_keys` lists them."""
    wanted = overrides(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, docs, seen FROM link_keys WHERE hub = :t ORDER BY docs DESC, name"),
                            {"t": True}).all()
    return [{"key": str(n), "kind": kind_of(str(n)), "docs": int(d), "diversity": int(s),
             "override": wanted.get(str(n))} for n, d, s in rows]


def overrides(engine: sa.Engine) -> dict[str, bool]:
    with engine.connect() as conn:
        return {str(k): bool(h) for k, h in conn.execute(text("SELECT key, hub FROM link_hub_overrides"))}


def set_override(engine: sa.Engine, key: str, hub: bool | None, note: str = "") -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM link_hub_overrides WHERE key = :key"), {"key": key})
        if hub is not None:
            conn.execute(text("INSERT INTO link_hub_overrides (key, hub, note, created_at) "
                              "VALUES (:key, :hub, :note, :now)"), {"key": key, "hub": hub, "note": note, "now": now()})


def link_rows(engine: sa.Engine, after: int, batch: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
    """(seq, id, record JSON, text, author, source, posted_at) of documents after sequence number `after`, in order.

    Only the columns linking needs; the Record stays raw JSON so workers can parse it."""
    author = ("json_extract(d.doc, '$.author')" if engine.dialect.name == "sqlite"
              else "(d.doc::jsonb ->> 'author')")
    sql = text(f"SELECT d.seq, d.id, r.record, d.title, d.text, {author}, d.source, "
               "d.posted_at FROM documents d "
               "JOIN records r ON r.doc_id = d.id WHERE d.seq > :after ORDER BY d.seq LIMIT :limit")
    while True:
        with engine.connect() as conn:
            rows = conn.execute(sql, {"after": after, "limit": batch}).all()
        if not rows:
            return
        yield [(int(seq), doc_id, record, f"{title}\n{body}" if title else body, a if isinstance(a, str) else None,
                source or "", posted) for seq, doc_id, record, title, body, a, source, posted in rows]
        after = int(rows[-1][0])


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
    """A whole linker's tables, member rows (doc, cluster, risk, level) and summaries, in one transaction
    (`adtrace load` after an engine run; `adtrace link` writes through `adtrace.linking.refresh`)."""
    with engine.begin() as conn:
        tables.write_all(conn, linker, last_seq)
        if rebuild:
            conn.execute(text("DELETE FROM link_clusters"))
            conn.execute(text("DELETE FROM link_summaries"))
        rows_list = list(rows)
        if not rebuild:
            tables.execute_in(conn, "DELETE FROM link_clusters WHERE doc_id IN :ids", [r[0] for r in rows_list])
        bulk_insert(conn, "link_clusters", ("doc_id", "cluster_id", "risk_score", "risk_level"), rows_list)
        summ = [(s["cluster"], s["documents"], s.get("risk_max"), orjson.dumps(s).decode()) for s in summaries]
        if not rebuild:
            tables.execute_in(conn, "DELETE FROM link_summaries WHERE cluster_id IN :ids", [s[0] for s in summ])
        bulk_insert(conn, "link_summaries", ("cluster_id", "documents", "risk_max", "summary"), summ)


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

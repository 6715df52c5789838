"""Reads over the stored documents and their Records that the packages above the Store need beyond its
contract: counts, batches in ingest order, selections by review decision or risk level, titles by id.

Each takes the caller's connection, so a caller that reads several things sees one snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import bindparam, text

from adtrace.storage.bulk import CHUNK, select_in

_AFTER = text("SELECT d.seq, d.id, r.record FROM documents d JOIN records r ON r.doc_id = d.id "
              "WHERE d.seq > :after ORDER BY d.seq LIMIT :limit")
_OTHER_SOURCE = text("SELECT id FROM documents WHERE id IN :ids AND source <> :src").bindparams(
    bindparam("ids", expanding=True))
_TITLES = text("SELECT id, title FROM documents WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))


def count(conn: sa.Connection) -> int:
    return int(conn.execute(text("SELECT count(*) FROM documents")).scalar_one())


def count_after(conn: sa.Connection, seq: int) -> int:
    """Documents ingested after `seq` (in ingest order)."""
    return int(conn.execute(text("SELECT count(*) FROM documents WHERE seq > :a"), {"a": seq}).scalar_one())


def records_after(conn: sa.Connection, after: int, limit: int) -> list[tuple[int, str, str]]:
    """(seq, id, Record JSON) of up to `limit` documents after `after`, in ingest order."""
    return [(int(s), str(d), str(r)) for s, d, r in conn.execute(_AFTER, {"after": after, "limit": limit})]


def ids_of_other_sources(conn: sa.Connection, ids: Sequence[str], source: str) -> set[str]:
    """Those of `ids` stored under a source other than `source`."""
    return {str(r[0]) for r in conn.execute(_OTHER_SOURCE, {"ids": list(ids), "src": source})}


def titles(conn: sa.Connection, ids: Sequence[str]) -> dict[str, str | None]:
    """id -> title of those of `ids` that are stored."""
    return {str(i): t for i, t in conn.execute(_TITLES, {"ids": list(ids)})} if ids else {}


def link_inputs(conn: sa.Connection, after: int, limit: int) -> list[Sequence[Any]]:
    """(seq, id, Record JSON, title, text, author, source, posted_at) of up to `limit` documents after
    `after`, in ingest order: the columns linking reads (the author from the stored document's JSON)."""
    author = ("json_extract(d.doc, '$.author')" if conn.dialect.name == "sqlite"
              else "(d.doc::jsonb ->> 'author')")
    sql = text(f"SELECT d.seq, d.id, r.record, d.title, d.text, {author}, d.source, "
               "d.posted_at FROM documents d "
               "JOIN records r ON r.doc_id = d.id WHERE d.seq > :after ORDER BY d.seq LIMIT :limit")
    return list(conn.execute(sql, {"after": after, "limit": limit}).all())


def posted_records(conn: sa.Connection, ids: Iterable[str]) -> Iterator[Sequence[Any]]:
    """(id, posted_at, Record JSON as stored) of those of `ids` that are stored, CHUNK ids a query."""
    return select_in(conn, "SELECT d.id, d.posted_at, r.record FROM documents d JOIN records r "
                     "ON r.doc_id = d.id WHERE d.id IN :ids", ids)


def risks(conn: sa.Connection, ids: Iterable[str]) -> Iterator[Sequence[Any]]:
    """(id, risk score, risk level) of those of `ids` that are stored."""
    return select_in(conn, "SELECT doc_id, risk_score, risk_level FROM records WHERE doc_id IN :ids", ids)


def record_json(conn: sa.Connection, ids: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(id, Record JSON text) of those of `ids` that are stored; on SQLite straight from the driver's
    cursor (no per-row Row objects: linking reads a million of them)."""
    if conn.dialect.name != "sqlite":
        for doc_id, record in select_in(conn, "SELECT doc_id, record FROM records WHERE doc_id IN :ids", ids):
            yield str(doc_id), record if isinstance(record, str) else bytes(record).decode()
        return
    cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    for s in range(0, len(ids), CHUNK):
        part = ids[s:s + CHUNK]
        yield from cur.execute(f"SELECT doc_id, record FROM records WHERE doc_id IN ({','.join('?' * len(part))})",
                               part)


def selected_records(conn: sa.Connection, *, since: str | None = None, decision: str | None = None,
                     levels: Sequence[str] | None = None) -> list[tuple[str, str | None, str, str]]:
    """(id, posted_at, ingested_at, Record JSON) in ingest order of the documents ingested since `since`
    whose latest review decision is `decision` and whose risk level is one of `levels` (each when given)."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if since:
        where.append("d.ingested_at >= :since")
        params["since"] = since
    if decision:
        where.append("(SELECT x.decision FROM review_decisions x WHERE x.doc_id = d.id ORDER BY x.id DESC "
                     "LIMIT 1) = :decision")
        params["decision"] = decision
    if levels is not None:
        where.append("r.risk_level IN :levels")
        params["levels"] = list(levels)
    sql = text(f"SELECT d.id, d.posted_at, d.ingested_at, r.record FROM documents d JOIN records r "
               f"ON r.doc_id = d.id {('WHERE ' + ' AND '.join(where)) if where else ''} ORDER BY d.seq")
    if levels is not None:
        sql = sql.bindparams(bindparam("levels", expanding=True))
    return [(str(i), p, str(g), str(r)) for i, p, g, r in conn.execute(sql, params)]

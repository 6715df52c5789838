"""Reads over the stored documents and their Records that the packages above the Store need beyond its
contract: counts, batches in ingest order, selections by review decision or risk level, titles by id.

Each takes the caller's connection, so a caller that reads several things sees one snapshot.
"""

from __future__ import annotations

import sqlite3
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


def delete_all(conn: sa.Connection) -> None:
    """Every document, with its record, entities, hits and search rows (ON DELETE CASCADE, search triggers):
    what a failed bulk load, which found the store empty, takes out again."""
    conn.execute(text("DELETE FROM documents"))


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


# The columns linking reads, and the join every linked document is in (a document without a Record is not).
_LINK_INPUTS = ("SELECT d.seq, d.id, r.record, d.title, d.text, {author}, d.source, d.posted_at "
                "FROM documents d JOIN records r ON r.doc_id = d.id")
_SQLITE_AUTHOR = "json_extract(d.doc, '$.author')"


def link_inputs(conn: sa.Connection, after: int, limit: int) -> list[Sequence[Any]]:
    """(seq, id, Record JSON, title, text, author, source, posted_at) of up to `limit` documents after
    `after`, in ingest order: the columns linking reads (the author from the stored document's JSON)."""
    author = _SQLITE_AUTHOR if conn.dialect.name == "sqlite" else "(d.doc::jsonb ->> 'author')"
    sql = text(_LINK_INPUTS.format(author=author) + " WHERE d.seq > :after ORDER BY d.seq LIMIT :limit")
    return list(conn.execute(sql, {"after": after, "limit": limit}).all())


def link_seqs(conn: sa.Connection, after: int, limit: int) -> list[int]:
    """The sequence numbers `link_inputs(conn, after, limit)` would return rows of."""
    sql = text("SELECT d.seq FROM documents d JOIN records r ON r.doc_id = d.id WHERE d.seq > :after "
               "ORDER BY d.seq LIMIT :limit")  # link_inputs' join, sequence numbers only
    return [int(r[0]) for r in conn.execute(sql, {"after": after, "limit": limit})]


def link_inputs_at(path: str, after: int, last: int) -> list[Sequence[Any]]:
    """`link_inputs` of the documents with `after` < seq <= `last`, from a SQLite file on a connection of this
    process (`record_json_at`): a worker reads its batch itself instead of the caller reading and sending it."""
    conn = _reader(path)
    return conn.execute(_LINK_INPUTS.format(author=_SQLITE_AUTHOR) + " WHERE d.seq > ? AND d.seq <= ? ORDER BY d.seq",
                        (after, last)).fetchall()


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


_LISTED = ("SELECT d.id, d.title, d.source, d.posted_at, d.location, r.risk_score, r.risk_level, r.record, "
           "c.cluster_id FROM documents d JOIN records r ON r.doc_id = d.id "
           "LEFT JOIN link_clusters c ON c.doc_id = d.id WHERE d.id IN :ids")


def listed(conn: sa.Connection, ids: Iterable[str]) -> list[dict[str, Any]]:
    """{id, title, source, posted_at, location, risk_score, risk_level, record (JSON), cluster_id} of those
    of `ids` that are stored: what a page listing ads shows."""
    return [dict(r._mapping) for r in select_in(conn, _LISTED, ids)]


def newest_at_level(conn: sa.Connection, level: str, limit: int) -> list[dict[str, Any]]:
    """{id, title, source, posted_at, location, risk_score} of the newest documents at `level`."""
    return [dict(r._mapping) for r in conn.execute(text(
        "SELECT d.id, d.title, d.source, d.posted_at, d.location, r.risk_score FROM documents d "
        "JOIN records r ON r.doc_id = d.id WHERE r.risk_level = :level "
        "ORDER BY d.posted_at DESC NULLS LAST, d.id LIMIT :n"), {"level": level, "n": limit})]


def per_day(conn: sa.Connection) -> dict[str, int]:
    """Documents per posting day (YYYY-MM-DD)."""
    return {str(d): int(n) for d, n in conn.execute(text(
        "SELECT substr(posted_at, 1, 10) AS d, count(*) AS n FROM documents WHERE posted_at IS NOT NULL "
        "GROUP BY substr(posted_at, 1, 10)"))}


def per_level(conn: sa.Connection) -> dict[str, int]:
    """Documents per risk level."""
    return {str(v): int(n) for v, n in conn.execute(text(
        "SELECT risk_level, count(*) AS n FROM records WHERE risk_level IS NOT NULL GROUP BY risk_level"))}


def scores(conn: sa.Connection) -> list[tuple[str, float | None]]:
    """(id, risk score) of every document."""
    return [(str(d), s) for d, s in conn.execute(text("SELECT doc_id, risk_score FROM records"))]


def latest_posted(conn: sa.Connection) -> str | None:
    """The newest posting date of an ad. Tips are left out: they are dated when they arrive, so one tip
    received today would move a period that ends "at the newest ad" away from every ad."""
    value = conn.execute(text("SELECT max(posted_at) FROM documents WHERE kind <> 'tip'")).scalar()
    return None if value is None else str(value)


def version(conn: sa.Connection) -> tuple[Any, ...]:
    """Changes when documents or clusters do: (highest seq, documents, cluster summaries)."""
    return tuple(conn.execute(text("SELECT (SELECT max(seq) FROM documents), (SELECT count(*) FROM documents), "
                                   "(SELECT count(*) FROM link_summaries)")).one())


def cities(conn: sa.Connection, date_from: str, date_to: str) -> list[tuple[str, int, int]]:
    """(city, documents, high-risk documents) for city mentions in ads posted from `date_from` to the end
    of `date_to` (dates as YYYY-MM-DD), most documents first. Tips are not ads: their place is the tipster's."""
    rows = conn.execute(text(
        "SELECT e.value AS city, count(*) AS n, sum(CASE WHEN r.risk_level = 'high' THEN 1 ELSE 0 END) AS high "
        "FROM entities e JOIN documents d ON d.id = e.doc_id JOIN records r ON r.doc_id = d.id "
        "WHERE e.kind = 'city' AND d.kind <> 'tip' AND d.posted_at >= :a AND d.posted_at < :b "
        "GROUP BY e.value ORDER BY n DESC"),
        {"a": date_from, "b": date_to + "T99"}).all()
    return [(str(c), int(n), int(h or 0)) for c, n, h in rows]


_TEXTS = text("SELECT id, title, text FROM documents WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))


def texts(conn: sa.Connection, ids: Sequence[str]) -> list[tuple[str, str | None, str | None]]:
    """(id, title, text) of those of `ids` that are stored (one query: keep `ids` under CHUNK)."""
    return [(str(i), t, b) for i, t, b in conn.execute(_TEXTS, {"ids": list(ids)})]


_READERS: dict[str, sqlite3.Connection] = {}  # database file -> this process's sqlite3 connection (worker processes)


def _reader(path: str) -> sqlite3.Connection:
    """A read-only connection of this process to a SQLite file, opened once."""
    conn = _READERS.get(path)
    if conn is None:
        conn = _READERS[path] = sqlite3.connect(path, timeout=60, check_same_thread=False)
        conn.execute("PRAGMA query_only=ON")
    return conn


def record_json_at(path: str, ids: Sequence[str]) -> Iterator[tuple[str, str]]:
    """`record_json` from a SQLite database file, on a connection of this process (opened once): a worker
    process reads Records itself instead of the caller reading them and sending them over a pipe. It sees
    committed data only, so use it for Records the caller's open transaction does not change."""
    conn = _reader(path)
    for s in range(0, len(ids), CHUNK):
        part = ids[s:s + CHUNK]
        yield from conn.execute(f"SELECT doc_id, record FROM records WHERE doc_id IN ({','.join('?' * len(part))})",
                                part)

"""Risk levels from the thresholds in force: an admin's saved thresholds (app Settings) over levels.yaml.

A stored level is derived data: the score is the judgement, the level is where that score falls
against the thresholds. So saving new thresholds re-levels every stored document in place (the
`records.risk_level` column, the level inside the stored Record, SQLite's facet rows and the cluster
membership rows) and every write of new documents levels them with the saved thresholds: the queue,
search facets, alerts, exports and case reports all read one level, and nothing needs re-ingest.
Only rows whose level changes are rewritten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import bindparam, text

from adtrace.scoring import thresholds as default_thresholds
from adtrace.storage.bulk import CHUNK
from adtrace.storage.facets import SET_LEVEL

SETTING = "risk_thresholds"  # app_settings key: {"elevated": 40, "high": 80}

_SAVED = text("SELECT value FROM app_settings WHERE key = :k")
_CASE = "CASE WHEN risk_score >= :high THEN 'high' WHEN risk_score >= :elevated THEN 'elevated' ELSE 'low' END"
_DIFFERS = f"risk_score IS NOT NULL AND (risk_level IS NULL OR risk_level <> {_CASE})"
# Only the documents whose level changes, found by the database: a store of millions of documents is
# never read whole, and the Records are fetched a chunk at a time.
_CHANGED = text(f"SELECT doc_id, risk_level, {_CASE} FROM records WHERE {_DIFFERS}")
_CHANGED_IN = text(f"SELECT doc_id, risk_level, {_CASE} FROM records WHERE doc_id IN :ids AND {_DIFFERS}").bindparams(
    bindparam("ids", expanding=True))
_RECORDS = text("SELECT d.seq, r.doc_id, r.record FROM records r JOIN documents d ON d.id = r.doc_id "
                "WHERE r.doc_id IN :ids").bindparams(bindparam("ids", expanding=True))
_SET_RECORD = text("UPDATE records SET risk_level = :level, record = :record WHERE doc_id = :id")
_SET_FACET = text("UPDATE facet_values SET value = :level WHERE seq = :seq AND facet = 'risk_level'")
_SEQS = text("SELECT id, seq FROM documents WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
_SET_RECORD_SQLITE = ("UPDATE records SET risk_level = ?, record = CASE WHEN json_type(record, '$.risk') = 'object' "
                      "THEN json_set(record, '$.risk.level', ?) ELSE record END WHERE doc_id = ?")
_SET_FACET_SQLITE = "UPDATE facet_values SET value = ? WHERE seq = ? AND facet = 'risk_level'"
_SET_LINKS = text(f"UPDATE link_clusters SET risk_level = {_CASE} WHERE risk_score IS NOT NULL "
                  f"AND (risk_level IS NULL OR risk_level <> {_CASE})")


def saved_thresholds(conn: sa.Connection) -> dict[str, float] | None:
    """The admin's saved level minimums, or None when none were saved (levels.yaml holds)."""
    raw = conn.execute(_SAVED, {"k": SETTING}).scalar()
    if not raw:
        return None
    value = orjson.loads(raw)
    return {"elevated": float(value["elevated"]), "high": float(value["high"])}


def in_force(conn: sa.Connection) -> dict[str, float]:
    """The thresholds that decide levels now: the saved ones, else the package defaults."""
    return {**default_thresholds(), **(saved_thresholds(conn) or {})}


def relevel(conn: sa.Connection, minimums: Mapping[str, float], ids: Sequence[str] | None = None) -> int:
    """Bring stored levels in line with `minimums` (inside the caller's write transaction).

    `ids`: only these documents (a batch just written); None: every document and cluster row.
    Returns how many documents changed level.
    """
    return len(relevel_changes(conn, minimums, ids))


def relevel_changes(conn: sa.Connection, minimums: Mapping[str, float],
                    ids: Sequence[str] | None = None) -> dict[str, tuple[str | None, str]]:
    """`relevel`, returning {doc_id: (old level, new level)} for the documents whose level changed
    (what the alerts need: a document that newly reaches an alerting level raises its alert)."""
    t = {**default_thresholds(), **minimums}
    bounds = {"high": t["high"], "elevated": t["elevated"]}
    moves: dict[str, tuple[str | None, str]] = {}
    if ids is None:
        moves = {str(d): (old, str(lv)) for d, old, lv in conn.execute(_CHANGED, bounds)}
    else:
        for s in range(0, len(ids), CHUNK):
            moves.update({str(d): (old, str(lv)) for d, old, lv in
                          conn.execute(_CHANGED_IN, {**bounds, "ids": list(ids[s:s + CHUNK])})})
    new = {d: lv for d, (_, lv) in moves.items()}
    changed = list(new)
    if conn.dialect.name == "sqlite":
        _relevel_sqlite(conn, new)
        changed = []
    for s in range(0, len(changed), CHUNK):
        rows: list[dict[str, Any]] = []
        for seq, doc_id, record in conn.execute(_RECORDS, {"ids": changed[s:s + CHUNK]}):
            rec = orjson.loads(record)
            if isinstance(rec.get("risk"), dict):
                rec["risk"]["level"] = new[doc_id]
            rows.append({"id": doc_id, "seq": seq, "level": new[doc_id], "record": orjson.dumps(rec).decode()})
        if rows:
            conn.execute(_SET_RECORD, rows)
            if conn.dialect.name == "sqlite":  # PostgreSQL's facet trigger follows risk_level by itself
                conn.execute(_SET_FACET, rows)
                for sql in SET_LEVEL:
                    conn.exec_driver_sql(sql, [(r["level"], r["seq"]) for r in rows])
    if ids is None:
        conn.execute(_SET_LINKS, bounds)
    return moves


def _relevel_sqlite(conn: sa.Connection, new: Mapping[str, str]) -> None:
    """SQLite edits the level inside the stored Record itself (json_set), through the driver's executemany:
    the Records never cross into Python, which was most of a large save's time. json_set's output was
    byte-identical to orjson's load-edit-dump on the Records compared (synthetic, with non-ASCII text,
    escapes and large numbers). PostgreSQL keeps the Python path: its jsonb would reformat the text."""
    ids = list(new)
    for s in range(0, len(ids), CHUNK):
        chunk = ids[s:s + CHUNK]
        seqs: dict[str, int] = {str(d): int(q) for d, q in conn.execute(_SEQS, {"ids": chunk})}
        conn.exec_driver_sql(_SET_RECORD_SQLITE, [(new[d], new[d], d) for d in chunk])
        facets = [(new[d], seqs[d]) for d in chunk if d in seqs]
        if facets:
            conn.exec_driver_sql(_SET_FACET_SQLITE, facets)
            for sql in SET_LEVEL:  # doc_facets' combination number (migration 0022)
                conn.exec_driver_sql(sql, facets)


def relevel_written(conn: sa.Connection, ids: Sequence[str]) -> int:
    """After a write of new or updated documents: level them by the saved thresholds, if any were saved."""
    saved = saved_thresholds(conn)
    return relevel(conn, saved, ids) if saved and ids else 0

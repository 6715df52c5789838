"""The watchlist entries and alerts tables.

What may be watched, how it matches and when an alert is raised is `adtrace.cases`'s (watchlists,
alerts); these functions read and write the rows on the caller's connection. Rows come back as dicts
keyed by column; an alert's reasons are stored as JSON and come back decoded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import bindparam, text

from adtrace.storage.bulk import chunks

_ENTRY_COLS = ("id", "kind", "value", "name", "owner", "note", "distance", "active", "created_at", "removed_at")
_ENTRY_SQL = ", ".join(_ENTRY_COLS)
_ACTIVE = text(f"SELECT {_ENTRY_SQL} FROM watchlist_entries WHERE kind = :k AND value = :v AND name = :n AND active")
_ALERT_COLS = ("id", "doc_id", "kind", "severity", "reasons", "created_at", "acked_at", "acked_by", "ack_note",
               "dedup_key")
_ALERT_SQL = ", ".join(_ALERT_COLS)
_ALERTS_BY_KEY = text(f"SELECT {_ALERT_SQL} FROM alerts WHERE dedup_key IN :keys").bindparams(
    bindparam("keys", expanding=True))
_RISK_IN = text("SELECT doc_id, risk_level, risk_score, record FROM records WHERE doc_id IN :ids").bindparams(
    bindparam("ids", expanding=True))
_KEYS_IN = text("SELECT dedup_key FROM alerts WHERE dedup_key IN :keys").bindparams(
    bindparam("keys", expanding=True))
_OPEN_IN = text("SELECT id FROM alerts WHERE id IN :ids AND acked_at IS NULL").bindparams(
    bindparam("ids", expanding=True))
_ACK_IN = text("UPDATE alerts SET acked_at = :t, acked_by = :a, ack_note = :n WHERE id IN :ids "
               "AND acked_at IS NULL").bindparams(bindparam("ids", expanding=True))
_DOCS_IN = text("SELECT d.id, d.title, d.text, r.record, r.risk_level, r.risk_score "
                "FROM documents d JOIN records r ON r.doc_id = d.id WHERE d.id IN :ids").bindparams(
    bindparam("ids", expanding=True))


# --- watchlist entries ---------------------------------------------------------------------------

def _entry(row: Any) -> dict[str, Any]:
    out = dict(zip(_ENTRY_COLS, row, strict=True))
    out.update(id=int(row[0]), note=row[5] or "", active=bool(row[7]))
    return out


def active_entry(conn: sa.Connection, kind: str, value: str, name: str) -> dict[str, Any] | None:
    row = conn.execute(_ACTIVE, {"k": kind, "v": value, "n": name}).first()
    return None if row is None else _entry(row)


def insert_entry(conn: sa.Connection, kind: str, value: str, name: str, owner: str, note: str,
                 distance: int | None, at: str) -> dict[str, Any]:
    """Add an active entry; returns its row."""
    conn.execute(text("INSERT INTO watchlist_entries (kind, value, name, owner, note, distance, active, "
                      "created_at) VALUES (:k, :v, :n, :o, :note, :d, :a, :t)"),
                 {"k": kind, "v": value, "n": name, "o": owner, "note": note, "d": distance, "a": True, "t": at})
    return _entry(conn.execute(_ACTIVE, {"k": kind, "v": value, "n": name}).one())


def deactivate_entry(conn: sa.Connection, entry_id: int, at: str) -> None:
    conn.execute(text("UPDATE watchlist_entries SET active = :f, removed_at = :t WHERE id = :id AND active"),
                 {"f": False, "t": at, "id": entry_id})


def entry(conn: sa.Connection, entry_id: int) -> dict[str, Any] | None:
    row = conn.execute(text(f"SELECT {_ENTRY_SQL} FROM watchlist_entries WHERE id = :id"), {"id": entry_id}).first()
    return None if row is None else _entry(row)


def entries(conn: sa.Connection, *, active_only: bool = True, name: str | None = None) -> list[dict[str, Any]]:
    """Entries by watchlist name, then id."""
    params = {"name": name} if name else {}
    where = (" AND active" if active_only else "") + (" AND name = :name" if name else "")
    return [_entry(r) for r in conn.execute(text(f"SELECT {_ENTRY_SQL} FROM watchlist_entries WHERE 1 = 1{where} "
                                                 "ORDER BY name, id"), params)]


def entries_stamp(conn: sa.Connection) -> tuple[Any, ...]:
    """(entries, newest id, active entries): changes whenever an entry is added or removed."""
    return tuple(conn.execute(text("SELECT COUNT(*), MAX(id), SUM(CASE WHEN active THEN 1 ELSE 0 END) "
                                   "FROM watchlist_entries")).one())


# --- alerts --------------------------------------------------------------------------------------

def _alert(row: Any) -> dict[str, Any]:
    out = dict(zip(_ALERT_COLS, row, strict=True))
    out.update(id=int(row[0]), reasons=orjson.loads(row[4]))
    return out


def insert_new_alerts(conn: sa.Connection, pending: Sequence[dict[str, Any]], at: str) -> list[dict[str, Any]]:
    """Insert the alerts (doc_id, kind, dedup_key, severity, reasons) whose dedup key is not stored yet;
    return those rows, in id order."""
    keys = [p["dedup_key"] for p in pending]
    existing = {r[0] for part in chunks(keys) for r in conn.execute(_KEYS_IN, {"keys": part})}
    fresh = [p for p in pending if p["dedup_key"] not in existing]
    for p in fresh:
        conn.execute(text("INSERT INTO alerts (doc_id, kind, dedup_key, severity, reasons, created_at) "
                          "VALUES (:d, :k, :key, :s, :r, :t)"),
                     {"d": p["doc_id"], "k": p["kind"], "key": p["dedup_key"], "s": p["severity"],
                      "r": orjson.dumps(p["reasons"]).decode(), "t": at})
    if not fresh:
        return []
    # a threshold change can lift many documents at once: chunked below SQLite's parameter limit
    rows = [r for part in chunks([p["dedup_key"] for p in fresh]) for r in conn.execute(_ALERTS_BY_KEY, {"keys": part})]
    return sorted((_alert(r) for r in rows), key=lambda a: int(a["id"]))


def risk_of(conn: sa.Connection, ids: Sequence[str]) -> list[tuple[str, str | None, float | None, str]]:
    """(doc_id, risk level, risk score, record JSON) of the stored Records of `ids`."""
    return [(r[0], r[1], r[2], r[3]) for part in chunks(ids) for r in conn.execute(_RISK_IN, {"ids": part})]


def documents_to_check(conn: sa.Connection, ids: Sequence[str]) -> list[tuple[Any, ...]]:
    """(id, title, text, record JSON, risk level, risk score) of the stored documents of `ids`."""
    return [tuple(r) for r in conn.execute(_DOCS_IN, {"ids": list(ids)}).all()]


def _filters(open_only: bool, kind: str | None, watchlist: str | None) -> tuple[str, dict[str, Any]]:
    """SQL conditions: open ones, a kind ("hits": every kind but risk), a watchlist's name."""
    sql, params = "", {}
    if open_only:
        sql += " AND acked_at IS NULL"
    if kind == "hits":
        sql += " AND kind <> 'risk'"
    elif kind:
        sql += " AND kind = :kind"
        params["kind"] = kind
    if watchlist:  # the reasons hold {"watchlist": name} as orjson writes it (no spaces)
        needle = '"watchlist":' + orjson.dumps(watchlist).decode()
        sql += " AND reasons LIKE :needle ESCAPE '!'"
        params["needle"] = "%" + needle.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"
    return sql, params


def alerts(conn: sa.Connection, *, open_only: bool, limit: int, offset: int, since_id: int, kind: str | None,
           watchlist: str | None) -> list[dict[str, Any]]:
    """Newest first, raised after `since_id`; `kind` one kind or "hits" (all but risk), `watchlist` a name."""
    where, params = _filters(open_only, kind, watchlist)
    rows = conn.execute(text(f"SELECT {_ALERT_SQL} FROM alerts WHERE id > :since{where} "
                             "ORDER BY id DESC LIMIT :limit OFFSET :offset"),
                        {**params, "since": since_id, "limit": limit, "offset": offset}).all()
    return [_alert(r) for r in rows]


def alert_counts(conn: sa.Connection, *, open_only: bool) -> dict[str, int]:
    where, params = _filters(open_only, None, None)
    return {str(k): int(n) for k, n in conn.execute(
        text(f"SELECT kind, count(*) FROM alerts WHERE 1 = 1{where} GROUP BY kind"), params)}


def watchlist_reasons(conn: sa.Connection, *, open_only: bool) -> list[list[Any]]:
    """The reasons of each watchlist alert."""
    where, params = _filters(open_only, "watchlist", None)
    return [orjson.loads(raw) for (raw,) in conn.execute(text(f"SELECT reasons FROM alerts WHERE 1 = 1{where}"),
                                                          params)]


def alert(conn: sa.Connection, alert_id: int) -> dict[str, Any] | None:
    row = conn.execute(text(f"SELECT {_ALERT_SQL} FROM alerts WHERE id = :id"), {"id": alert_id}).first()
    return None if row is None else _alert(row)


def ack(conn: sa.Connection, alert_ids: list[int], actor: str, note: str, at: str) -> list[int]:
    """Acknowledge the open alerts among `alert_ids` (an acknowledged one keeps its first acknowledgement);
    returns the ids that were open."""
    fresh = [int(r[0]) for r in conn.execute(_OPEN_IN, {"ids": alert_ids})]
    if fresh:
        conn.execute(_ACK_IN, {"t": at, "a": actor, "n": note, "ids": fresh})
    return fresh

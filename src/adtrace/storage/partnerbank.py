"""The partner bank's tables (migrations 0004, 0016 and 0027): trusted issuers, bundles, signals (and the
bundles that carried each), retractions, opinions, leads and the exchange's own state.

The exchange decides (verification, retraction order, opinions, quarantine); these functions only read
and write rows, on the caller's connection so one import or one decision stays one transaction. Plain
SQL that runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import text

from adtrace.storage.db import now

_WHERE_SIGNAL = "issuer = :i AND type = :t AND hash = :h"


# --- issuers and bundles ---------------------------------------------------------------------------
def has_issuer_key(conn: sa.Connection, org: str, kid: str) -> bool:
    return conn.execute(text("SELECT 1 FROM exchange_issuers WHERE org = :o AND key_id = :k"),
                        {"o": org, "k": kid}).first() is not None


def add_issuer_key(conn: sa.Connection, org: str, kid: str, public_hex: str, actor: str, note: str) -> None:
    conn.execute(text("INSERT INTO exchange_issuers (org, key_id, public_key, trusted_at, trusted_by, "
                      "note) VALUES (:o, :k, :p, :t, :a, :n)"),
                 {"o": org, "k": kid, "p": public_hex, "t": now(), "a": actor, "n": note})


def issuers(conn: sa.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(text("SELECT org, key_id, public_key, trusted_at, trusted_by, note "
                             "FROM exchange_issuers ORDER BY org, trusted_at")).all()
    return [dict(r._mapping) for r in rows]


def has_bundle(conn: sa.Connection, bundle_id: str) -> bool:
    return conn.execute(text("SELECT 1 FROM exchange_bundles WHERE bundle_id = :b"), {"b": bundle_id}).first() \
        is not None


def add_bundle(conn: sa.Connection, bundle_id: str, issuer: str, key_id: str, kind: str, created_at: str,
               direction: str, items: int) -> None:
    """`direction`: 'in' for a bundle we imported, 'out' for one we issued."""
    conn.execute(text("INSERT INTO exchange_bundles (bundle_id, issuer, key_id, kind, created_at, imported_at, "
                      "direction, items) VALUES (:b, :i, :k, :kind, :c, :t, :dir, :n)"),
                 {"b": bundle_id, "i": issuer, "k": key_id, "kind": kind, "c": created_at, "t": now(),
                  "dir": direction, "n": items})


# --- signals and retractions -----------------------------------------------------------------------
def retracted_at(conn: sa.Connection, issuer: str, type_: str, hash_: str) -> str | None:
    gone = conn.execute(text(f"SELECT retracted_at FROM exchange_retractions WHERE {_WHERE_SIGNAL}"),
                        {"i": issuer, "t": type_, "h": hash_}).scalar()
    return None if gone is None else str(gone)


def signal_id(conn: sa.Connection, issuer: str, type_: str, hash_: str) -> int | None:
    sid = conn.execute(text(f"SELECT id FROM exchange_signals WHERE {_WHERE_SIGNAL}"),
                       {"i": issuer, "t": type_, "h": hash_}).scalar()
    return None if sid is None else int(sid)


def put_signal(conn: sa.Connection, old: int | None, fields: dict[str, Any]) -> None:
    """Insert a signal (`old` None) or update signal `old`. `fields`: i(ssuer), t(ype), h(ash), c(ategory),
    conf(idence), f(irst seen), l(ast seen), n(ote), b(undle id), at (imported)."""
    if old is None:
        conn.execute(text("INSERT INTO exchange_signals (issuer, type, hash, category, confidence, first_seen, "
                          "last_seen, note, bundle_id, imported_at, retracted) VALUES (:i, :t, :h, :c, :conf, "
                          ":f, :l, :n, :b, :at, :r)"), {**fields, "r": False})
    else:
        conn.execute(text("UPDATE exchange_signals SET category = :c, confidence = :conf, first_seen = "
                          "COALESCE(first_seen, :f), last_seen = :l, note = :n, bundle_id = :b, "
                          "imported_at = :at, retracted = :r WHERE id = :id"), {**fields, "r": False, "id": old})


def carried_by(conn: sa.Connection, issuer: str, type_: str, hash_: str, bundle_id: str) -> None:
    """Bundle `bundle_id` carried the issuer's signal (kept for every bundle, not only the latest)."""
    conn.execute(text("INSERT INTO exchange_signal_bundles (issuer, type, hash, bundle_id) VALUES (:i, :t, :h, :b) "
                      "ON CONFLICT DO NOTHING"), {"i": issuer, "t": type_, "h": hash_, "b": bundle_id})


def set_withdrawn(conn: sa.Connection, sid: int, at: str | None, reason: str | None) -> None:
    """Signal `sid` stops matching because its issuer withdrew every bundle that carried it (`at` None: it is
    shared again); its leads follow (see set_lead_status)."""
    conn.execute(text("UPDATE exchange_signals SET withdrawn_at = :at, withdrawn_reason = :r WHERE id = :id"),
                 {"at": at, "r": reason, "id": sid})


def put_retraction(conn: sa.Connection, issuer: str, type_: str, hash_: str, bundle_id: str, at: str) -> None:
    params = {"i": issuer, "t": type_, "h": hash_}
    conn.execute(text(f"DELETE FROM exchange_retractions WHERE {_WHERE_SIGNAL}"), params)
    # The bundles that carried it no longer share it: only a bundle after the retraction may bring it back.
    conn.execute(text(f"DELETE FROM exchange_signal_bundles WHERE {_WHERE_SIGNAL}"), params)
    conn.execute(text("INSERT INTO exchange_retractions (issuer, type, hash, bundle_id, retracted_at) "
                      "VALUES (:i, :t, :h, :b, :at)"), {**params, "b": bundle_id, "at": at})


def delete_signal(conn: sa.Connection, sid: int) -> None:
    """The signal and its leads (their alerts first: `drop_signal_alerts`)."""
    conn.execute(text("DELETE FROM exchange_leads WHERE signal_id = :id"), {"id": sid})
    conn.execute(text("DELETE FROM exchange_signals WHERE id = :id"), {"id": sid})


def drop_signal_alerts(conn: sa.Connection, sid: int) -> None:
    """Remove a signal from the partner alerts of its leads' documents; an alert left with no reason goes."""
    docs = [str(r[0]) for r in conn.execute(text("SELECT doc_id FROM exchange_leads WHERE signal_id = :id"),
                                            {"id": sid})]
    for s in range(0, len(docs), 900):
        rows = conn.execute(text("SELECT id, reasons FROM alerts WHERE kind = 'partner_signal' AND doc_id IN :d")
                            .bindparams(sa.bindparam("d", expanding=True)), {"d": docs[s:s + 900]}).all()
        for alert_id, raw in rows:
            reasons = orjson.loads(raw or "[]")
            kept = [r for r in reasons if not (isinstance(r, dict) and r.get("signal_id") == sid)]
            if not kept:
                conn.execute(text("DELETE FROM alerts WHERE id = :id"), {"id": alert_id})
            elif len(kept) != len(reasons):
                conn.execute(text("UPDATE alerts SET reasons = :r WHERE id = :id"),
                             {"r": orjson.dumps(kept).decode(), "id": alert_id})


def signal_row(conn: sa.Connection, sid: int) -> dict[str, Any] | None:
    row = conn.execute(text("SELECT * FROM exchange_signals WHERE id = :id"), {"id": sid}).first()
    return None if row is None else dict(row._mapping)


def signal_rows(conn: sa.Connection, issuer: str | None = None) -> list[dict[str, Any]]:
    """Every signal not retracted (of one issuer), by id."""
    sql = "SELECT * FROM exchange_signals WHERE retracted = :f"
    params: dict[str, Any] = {"f": False}
    if issuer:
        sql += " AND issuer = :i"
        params["i"] = issuer
    return [dict(r._mapping) for r in conn.execute(text(sql + " ORDER BY id"), params)]


def matching_signal_rows(conn: sa.Connection) -> list[dict[str, Any]]:
    """Signals not retracted, disabled, quarantined or withdrawn (opinions are the caller's to weigh)."""
    rows = conn.execute(text("SELECT id, issuer, type, hash, category, confidence, bundle_id, first_seen, "
                             "last_seen FROM exchange_signals WHERE retracted = :f AND disabled_at IS NULL "
                             "AND quarantined_at IS NULL AND withdrawn_at IS NULL"), {"f": False}).all()
    return [dict(r._mapping) for r in rows]


def released_signal_ids(conn: sa.Connection) -> set[int]:
    """Signals an analyst released from quarantine (never quarantined again)."""
    return {int(r[0]) for r in conn.execute(text(
        "SELECT id FROM exchange_signals WHERE quarantine_released_at IS NOT NULL"))}


def signals_version(conn: sa.Connection) -> tuple[int, int, int]:
    # Counts the signals that match, so that one withdrawn (or disabled, quarantined) changes it too.
    row = conn.execute(text("SELECT count(*), COALESCE(max(id), 0) FROM exchange_signals WHERE retracted = :f "
                            "AND disabled_at IS NULL AND quarantined_at IS NULL AND withdrawn_at IS NULL"),
                       {"f": False}).one()
    n_bundles = conn.execute(text("SELECT count(*) FROM exchange_bundles")).scalar_one()
    return int(row[0]), int(row[1]), int(n_bundles)


def set_disabled(conn: sa.Connection, sid: int, actor: str | None, reason: str | None) -> None:
    """Disable signal `sid` (who, why) or, with `actor` None, enable it; its leads follow (see set_lead_status)."""
    if actor is None:
        conn.execute(text("UPDATE exchange_signals SET disabled_at = NULL, disabled_by = NULL, disabled_reason = NULL "
                          "WHERE id = :id"), {"id": sid})
    else:
        conn.execute(text("UPDATE exchange_signals SET disabled_at = :at, disabled_by = :by, disabled_reason = :r "
                          "WHERE id = :id"), {"at": now(), "by": actor, "r": reason, "id": sid})


def set_quarantined(conn: sa.Connection, sid: int, reason: str) -> None:
    conn.execute(text("UPDATE exchange_signals SET quarantined_at = :at, quarantine_reason = :r WHERE id = :id"),
                 {"at": now(), "r": reason, "id": sid})


def set_released(conn: sa.Connection, sid: int, actor: str) -> None:
    conn.execute(text("UPDATE exchange_signals SET quarantined_at = NULL, quarantine_released_at = :at, "
                      "quarantine_released_by = :by WHERE id = :id"), {"at": now(), "by": actor, "id": sid})


# --- opinions --------------------------------------------------------------------------------------
def opinions(conn: sa.Connection) -> list[tuple[str, str, str]]:
    """(type, hash, opinion) of every organisation's opinion."""
    return [(str(t), str(h), str(o)) for t, h, o in conn.execute(text(
        "SELECT type, hash, opinion FROM exchange_opinions"))]


def negative_opinions(conn: sa.Connection) -> set[tuple[str, str, str]]:
    """(org, type, hash) of every negative opinion."""
    return {(str(o), str(t), str(h)) for o, t, h in conn.execute(text(
        "SELECT org, type, hash FROM exchange_opinions WHERE opinion = 'negative'"))}


def opinions_on(conn: sa.Connection, type_: str, hash_: str) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(text(
        "SELECT org, opinion, set_by, at, note FROM exchange_opinions WHERE type = :t AND hash = :h ORDER BY org"),
        {"t": type_, "h": hash_})]


def delete_opinion(conn: sa.Connection, type_: str, hash_: str, org: str) -> None:
    conn.execute(text("DELETE FROM exchange_opinions WHERE type = :t AND hash = :h AND org = :o"),
                 {"t": type_, "h": hash_, "o": org})


def put_opinion(conn: sa.Connection, type_: str, hash_: str, org: str, opinion: str, by: str, note: str) -> None:
    """One organisation's opinion on a signal, replacing its earlier one."""
    delete_opinion(conn, type_, hash_, org)
    conn.execute(text("INSERT INTO exchange_opinions (type, hash, org, opinion, set_by, at, note) VALUES "
                      "(:t, :h, :o, :op, :by, :at, :n)"),
                 {"t": type_, "h": hash_, "o": org, "op": opinion, "by": by, "at": now(), "n": note})


# --- leads and state ------------------------------------------------------------------------------
def add_lead(conn: sa.Connection, doc_id: str, signal: int, issuer: str, type_: str, category: str,
             confidence: float, bundle_id: str, distance: int | None) -> int:
    """1 when the (document, signal) lead is new, 0 when it was there (kept as it is)."""
    res = conn.execute(text("INSERT INTO exchange_leads (doc_id, signal_id, issuer, type, category, confidence, "
                            "bundle_id, distance, status, created_at) VALUES (:d, :s, :i, :t, :c, :conf, :b, "
                            ":dist, 'open', :at) ON CONFLICT (doc_id, signal_id) DO NOTHING"),
                       {"d": doc_id, "s": signal, "i": issuer, "t": type_, "c": category,
                        "conf": confidence, "b": bundle_id, "dist": distance, "at": now()})
    return res.rowcount or 0


def held_status(signal: Mapping[str, Any]) -> str:
    """The status a signal's leads wait in, from its row: `withdrawn`, `quarantined`, `disabled`, else `open`.
    Why one order for every path: ending one hold (enable, release, shared again) must not reopen the leads of
    a signal another hold still stops (a disabled and withdrawn signal enabled reopened them)."""
    if signal.get("withdrawn_at"):
        return "withdrawn"
    if signal.get("quarantined_at"):
        return "quarantined"
    return "disabled" if signal.get("disabled_at") else "open"


def set_lead_status(conn: sa.Connection, sid: int, old: str, new: str) -> None:
    """Move signal `sid`'s leads in status `old` to `new` (open, disabled, quarantined, withdrawn)."""
    conn.execute(text("UPDATE exchange_leads SET status = :new WHERE signal_id = :id AND status = :old"),
                 {"id": sid, "old": old, "new": new})


def lead_counts(conn: sa.Connection, sids: Sequence[int] | None = None) -> dict[int, int]:
    """Leads per signal (of `sids`, or of every signal)."""
    if sids is None:
        rows = conn.execute(text("SELECT signal_id, count(*) FROM exchange_leads GROUP BY signal_id"))
    else:
        rows = conn.execute(text("SELECT signal_id, count(*) FROM exchange_leads WHERE signal_id IN :ids "
                                 "GROUP BY signal_id").bindparams(sa.bindparam("ids", expanding=True)),
                            {"ids": list(sids)})
    return {int(s): int(n) for s, n in rows}


def lead_rows(conn: sa.Connection, status: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
    """Leads (in `status`, or all) with their signal's hash and dates and their bundle's key, by id."""
    where = "WHERE l.status = :s" if status else ""
    rows = conn.execute(text("SELECT l.id, l.doc_id, l.issuer, l.type, l.category, l.confidence, l.bundle_id, "
                             "l.distance, l.status, l.created_at, l.signal_id, s.hash, s.first_seen, s.last_seen, "
                             "s.withdrawn_at, s.withdrawn_reason, "
                             "b.key_id, b.created_at AS bundle_created_at FROM exchange_leads l "
                             "JOIN exchange_signals s ON s.id = l.signal_id "
                             "LEFT JOIN exchange_bundles b ON b.bundle_id = l.bundle_id "
                             f"{where} ORDER BY l.id LIMIT :lim OFFSET :off"),
                        {"s": status, "lim": limit, "off": offset}).all()
    return [dict(r._mapping) for r in rows]


def get_state(conn: sa.Connection, key: str) -> str | None:
    value = conn.execute(text("SELECT value FROM exchange_state WHERE key = :k"), {"k": key}).scalar()
    return None if value is None else str(value)


def set_state(conn: sa.Connection, key: str, value: str) -> None:
    conn.execute(text("DELETE FROM exchange_state WHERE key = :k"), {"k": key})
    conn.execute(text("INSERT INTO exchange_state (key, value) VALUES (:k, :v)"), {"k": key, "v": value})

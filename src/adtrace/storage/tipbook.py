"""The tips tables (migrations 0019, 0026, 0027): tips, their triage decisions, the routing rules and tip leads.

Plain SQL for SQLite and PostgreSQL alike, on the caller's connection (so a write and its audit entry
share a transaction). Decisions are rows, never updates in place, so a tip's history stays; what the
statuses and decisions mean, and the checks before a write, are `adtrace.tips`'s.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import bindparam, text

# --- tips and their decisions ------------------------------------------------------------------


def insert_tip(conn: sa.Connection, doc_id: str, receipt_hash: str, country: str, about: str, lang: str,
               at: str) -> int:
    """A new tip (status `new`); its id."""
    conn.execute(text("INSERT INTO tips (doc_id, receipt_hash, status, country, about, lang, additions, "
                      "created_at, updated_at) VALUES (:d, :r, 'new', :c, :a, :l, 0, :t, :t)"),
                 {"d": doc_id, "r": receipt_hash, "c": country, "a": about, "l": lang, "t": at})
    return int(conn.execute(text("SELECT id FROM tips WHERE doc_id = :d"), {"d": doc_id}).scalar_one())


def tip_by_receipt(conn: sa.Connection, receipt_hash: str) -> dict[str, Any] | None:
    row = conn.execute(text("SELECT * FROM tips WHERE receipt_hash = :r"), {"r": receipt_hash}).first()
    return dict(row._mapping) if row else None


def count_addition(conn: sa.Connection, tip_id: int, at: str) -> None:
    conn.execute(text("UPDATE tips SET additions = additions + 1, updated_at = :t WHERE id = :i"),
                 {"t": at, "i": tip_id})


def tip_row(conn: sa.Connection, tip_id: int) -> dict[str, Any] | None:
    row = conn.execute(text("SELECT * FROM tips WHERE id = :i"), {"i": tip_id}).first()
    return dict(row._mapping) if row else None


def tip_history(conn: sa.Connection, tip_id: int) -> list[dict[str, Any]]:
    """The tip's decisions (decision, reason, partner, actor, at), newest first."""
    return histories(conn, [tip_id]).get(tip_id, [])


def tips_with_status(conn: sa.Connection, status: str, limit: int) -> list[dict[str, Any]]:
    """Tips of one status, oldest first, with the document's risk and the first 300 characters as `preview`."""
    return [dict(r._mapping) for r in conn.execute(text(
        "SELECT t.*, r.risk_score, r.risk_level, substr(d.text, 1, 300) AS preview "
        "FROM tips t LEFT JOIN records r ON r.doc_id = t.doc_id LEFT JOIN documents d "
        "ON d.id = t.doc_id WHERE t.status = :s ORDER BY t.id LIMIT :n"), {"s": status, "n": limit})]


def status_counts(conn: sa.Connection) -> dict[str, int]:
    """Status -> number of tips (statuses without a tip are absent)."""
    return {str(s): int(n) for s, n in conn.execute(text("SELECT status, count(*) FROM tips GROUP BY status"))}


def insert_decision(conn: sa.Connection, tip_id: int, decision: str, status: str, reason: str,
                    partner: str | None, actor: str, at: str) -> bool:
    """Record a decision and set the tip's status to its outcome. False, and nothing written, when there is
    no such tip or its hand-off was signed: the guard is in the UPDATE so that a hand-off signed between
    the caller's check and this write still wins."""
    changed = conn.execute(text("UPDATE tips SET status = :s, partner = :p, updated_at = :t "
                                "WHERE id = :i AND handed_off_at IS NULL"),
                           {"s": status, "p": partner, "t": at, "i": tip_id}).rowcount
    if not changed:
        return False
    conn.execute(text("INSERT INTO tip_decisions (tip_id, decision, reason, partner, actor, at) "
                      "VALUES (:i, :d, :r, :p, :a, :t)"),
                 {"i": tip_id, "d": decision, "r": reason, "p": partner, "a": actor, "t": at})
    return True


def histories(conn: sa.Connection, tip_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each tip's decisions (decision, reason, partner, actor, at), newest first; tips without one absent."""
    if not tip_ids:
        return {}
    out: dict[int, list[dict[str, Any]]] = {}
    for r in conn.execute(text("SELECT tip_id, decision, reason, partner, actor, at FROM tip_decisions "
                               "WHERE tip_id IN :ids ORDER BY id DESC").bindparams(bindparam("ids", expanding=True)),
                          {"ids": tip_ids}):
        row = dict(r._mapping)
        out.setdefault(int(row.pop("tip_id")), []).append(row)
    return out


def routed_not_handed_off(conn: sa.Connection, partner: str | None) -> list[dict[str, Any]]:
    """Tips routed (to `partner`, or to anyone) and not yet handed off, by id."""
    where = " AND partner = :p" if partner else ""
    return [dict(r._mapping) for r in conn.execute(text(
        f"SELECT * FROM tips WHERE status = 'routed' AND handed_off_at IS NULL{where} ORDER BY id"), {"p": partner})]


def mark_handed_off(conn: sa.Connection, tip_id: int, partner: str, handoff_id: str, at: str, chars: int,
                    additions: int) -> bool:
    """Mark a tip handed off to `partner`, carrying its first `chars` characters and `additions` additions;
    False when it is no longer routed there and pending (routed elsewhere, taken back or signed by someone
    else since the signer read it)."""
    return bool(conn.execute(text(
        "UPDATE tips SET handed_off_at = :t, handoff_id = :h, handoff_chars = :c, sent_additions = :n WHERE id = :i "
        "AND status = 'routed' AND partner = :p AND handed_off_at IS NULL"),
        {"t": at, "h": handoff_id, "c": chars, "n": additions, "i": tip_id, "p": partner}).rowcount)


def mark_withdrawn(conn: sa.Connection, tip_id: int, reason: str, actor: str, at: str) -> bool:
    """Withdraw a handed-off tip's hand-off: `withdrawn_at` and a `withdraw` decision (its history). False,
    nothing written, when it is not handed off or was withdrawn already."""
    changed = conn.execute(text("UPDATE tips SET withdrawn_at = :t, updated_at = :t WHERE id = :i "
                                "AND handed_off_at IS NOT NULL AND withdrawn_at IS NULL"), {"t": at, "i": tip_id}).rowcount
    if not changed:
        return False
    conn.execute(text("INSERT INTO tip_decisions (tip_id, decision, reason, partner, actor, at) "
                      "SELECT id, 'withdraw', :r, partner, :a, :t FROM tips WHERE id = :i"),
                 {"i": tip_id, "r": reason, "a": actor, "t": at})
    return True


def mark_sent_additions(conn: sa.Connection, tip_id: int, additions: int) -> None:
    """The tip's additions up to `additions` went to the partner in a signed update (never lowered)."""
    conn.execute(text("UPDATE tips SET sent_additions = :n WHERE id = :i AND sent_additions < :n"),
                 {"n": additions, "i": tip_id})


def unsent_additions(conn: sa.Connection, partner: str | None) -> list[dict[str, Any]]:
    """Tips handed off (to `partner`, or to anyone), not withdrawn, with additions no signed file carried, by id."""
    where = " AND partner = :p" if partner else ""
    return [dict(r._mapping) for r in conn.execute(text(
        "SELECT * FROM tips WHERE handed_off_at IS NOT NULL AND withdrawn_at IS NULL AND additions > sent_additions"
        f"{where} ORDER BY id"), {"p": partner})]


def handed_off_tips(conn: sa.Connection, partner: str | None, limit: int) -> list[dict[str, Any]]:
    """(id, doc_id, partner, handed_off_at, handoff_id, withdrawn_at, additions, sent_additions) of tips handed off (to `partner`), newest first."""
    where = " AND partner = :p" if partner else ""
    return [dict(r._mapping) for r in conn.execute(text(
        "SELECT id, doc_id, partner, handed_off_at, handoff_id, withdrawn_at, additions, sent_additions FROM tips "
        "WHERE handed_off_at IS NOT NULL"
        f"{where} ORDER BY handed_off_at DESC, id DESC LIMIT :n"), {"p": partner, "n": limit})]


# --- routing rules -----------------------------------------------------------------------------


def insert_rule(conn: sa.Connection, country: str, about: str, lang: str, partner: str, note: str, actor: str,
                at: str) -> int:
    conn.execute(text("INSERT INTO tip_rules (country, about, lang, partner, note, created_by, created_at) "
                      "VALUES (:c, :a, :l, :p, :n, :by, :t)"),
                 {"c": country, "a": about, "l": lang, "p": partner, "n": note, "by": actor, "t": at})
    return int(conn.execute(text("SELECT max(id) FROM tip_rules")).scalar_one())


def delete_rule(conn: sa.Connection, rule_id: int) -> bool:
    """False when there was no such rule."""
    return bool(conn.execute(text("DELETE FROM tip_rules WHERE id = :i"), {"i": rule_id}).rowcount)


def rule_rows(conn: sa.Connection) -> list[tuple[int, str, str, str, str, str]]:
    """(id, country, about, lang, partner, note) of every rule, oldest first."""
    return [(int(r.id), str(r.country), str(r.about), str(r.lang), str(r.partner), str(r.note)) for r in conn.execute(
        text("SELECT id, country, about, lang, partner, note FROM tip_rules ORDER BY id"))]


# --- tip leads (hand-offs received from partners) ----------------------------------------------


def lead_id_of(conn: sa.Connection, handoff_id: str) -> int | None:
    found = conn.execute(text("SELECT id FROM tip_leads WHERE handoff_id = :h"), {"h": handoff_id}).scalar()
    return None if found is None else int(found)


def insert_lead(conn: sa.Connection, values: dict[str, Any]) -> int:
    """A new open tip lead from `values` (handoff_id, issuer, signals_bundle, signals, text, country, about,
    lang, indicators, sent_at, imported_at, imported_by); its id."""
    conn.execute(text("INSERT INTO tip_leads (handoff_id, issuer, signals_bundle, signals, text, country, about, "
                      "lang, indicators, sent_at, imported_at, imported_by, status) VALUES (:handoff_id, :issuer, "
                      ":signals_bundle, :signals, :text, :country, :about, :lang, :indicators, :sent_at, "
                      ":imported_at, :imported_by, 'open')"), values)
    return int(conn.execute(text("SELECT id FROM tip_leads WHERE handoff_id = :h"),
                            {"h": values["handoff_id"]}).scalar_one())


def lead_row(conn: sa.Connection, lead_id: int) -> dict[str, Any] | None:
    row = conn.execute(text("SELECT * FROM tip_leads WHERE id = :i"), {"i": lead_id}).first()
    return dict(row._mapping) if row else None


def lead_ads(conn: sa.Connection, issuer: str, hashes: list[str]) -> list[tuple[str, str, str | None, str]]:
    """(doc_id, type, title, lead status) of our documents with an exchange lead on one of the issuer's signal
    hashes, by document.

    Through the issuer's signals, not the bundle id: a later bundle with the same phone re-dates the
    signal, and the ads it matched before must still show."""
    if not hashes:
        return []
    return [(str(a.doc_id), str(a.type), a.title, str(a.status)) for a in conn.execute(text(
        "SELECT DISTINCT l.doc_id, l.type, d.title, l.status FROM exchange_leads l JOIN exchange_signals s "
        "ON s.id = l.signal_id LEFT JOIN documents d ON d.id = l.doc_id WHERE s.issuer = :i AND s.hash IN :h "
        "ORDER BY l.doc_id, l.type, l.status").bindparams(bindparam("h", expanding=True)), {"i": issuer, "h": hashes})]


def link_bundle(conn: sa.Connection, lead_id: int, bundle_id: str) -> None:
    """The signals bundle came with tip lead `lead_id` (its hand-off or an update of it)."""
    conn.execute(text("INSERT INTO tip_lead_bundles (lead_id, bundle_id) VALUES (:l, :b) ON CONFLICT DO NOTHING"),
                 {"l": lead_id, "b": bundle_id})


def carried_by_active(conn: sa.Connection, issuer: str, type_: str, hash_: str) -> bool:
    """Whether a bundle not withdrawn carried the issuer's signal: a bundle that came with no tip lead (the
    issuer's routine sharing; also migration 0027's `before-0027` stand-in), or with a tip lead not withdrawn."""
    return conn.execute(text(
        "SELECT 1 FROM exchange_signal_bundles m WHERE m.issuer = :i AND m.type = :t AND m.hash = :h AND ("
        "NOT EXISTS (SELECT 1 FROM tip_lead_bundles k WHERE k.bundle_id = m.bundle_id) OR EXISTS (SELECT 1 "
        "FROM tip_lead_bundles k JOIN tip_leads l ON l.id = k.lead_id WHERE k.bundle_id = m.bundle_id "
        "AND l.withdrawn_at IS NULL))"), {"i": issuer, "t": type_, "h": hash_}).first() is not None


def newest_lead_ids(conn: sa.Connection, limit: int) -> list[int]:
    return [int(r[0]) for r in conn.execute(text("SELECT id FROM tip_leads ORDER BY id DESC LIMIT :n"), {"n": limit})]


def withdraw_lead(conn: sa.Connection, lead_id: int, reason: str, withdrawn_at: str, imported_at: str) -> bool:
    """Mark a lead withdrawn by its sender (kept, with everything on it); False when it was already."""
    return bool(conn.execute(text(
        "UPDATE tip_leads SET status = 'withdrawn', withdrawn_at = :w, withdrawn_reason = :r, "
        "withdrawal_imported_at = :t WHERE id = :i AND withdrawn_at IS NULL"),
        {"w": withdrawn_at, "r": reason, "t": imported_at, "i": lead_id}).rowcount)


def update_lead(conn: sa.Connection, lead_id: int, added_text: str, through: int, sent_at: str, signals: str,
                after_withdrawal: bool = False) -> bool:
    """Put an update's additions (every one since the hand-off, through addition `through`) on a lead;
    `after_withdrawal`: it was imported after the lead's withdrawal (its identifiers were not). False,
    nothing written, when the lead already has an update as recent (a file imported twice, or late)."""
    return bool(conn.execute(text(
        "UPDATE tip_leads SET added_text = :x, added_through = :n, added_sent_at = :s, signals = :g, "
        "added_after_withdrawal = :w WHERE id = :i AND (added_through IS NULL OR added_through < :n)"),
        {"x": added_text, "n": through, "s": sent_at, "g": signals, "w": after_withdrawal, "i": lead_id}).rowcount)

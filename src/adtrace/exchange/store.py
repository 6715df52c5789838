"""The exchange's tables (migration 0004): trusted issuers, imported bundles and signals, retractions, leads.

Plain SQL that runs on SQLite and PostgreSQL alike. Writes go through one transaction per import so a
failed import leaves nothing half-applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import text

from adtrace import errors
from adtrace.exchange import bundles as b
from adtrace.exchange.keys import key_id
from adtrace.storage.db import now, write

CONSORTIUM_MISMATCH = errors.CONSORTIUM_MISMATCH
NOT_ISSUER = errors.NOT_ISSUER


def trust(engine: sa.Engine, public_info: Any, actor: str, note: str = "") -> list[tuple[str, str]]:
    """Trust an issuer's public keys (the JSON `adtrace exchange keys --public` prints). Idempotent."""
    if not isinstance(public_info, dict) or not isinstance(public_info.get("org"), str) \
            or not isinstance(public_info.get("keys"), list):
        raise errors.InputError.at(errors.BAD_FIELD, "not a public-key file (needs 'org' and 'keys')",
                                   hint="Ask the partner for the output of: adtrace exchange keys --public")
    org = public_info["org"].strip()
    added: list[tuple[str, str]] = []
    with write(engine) as conn:
        for k in public_info["keys"]:
            try:
                raw = bytes.fromhex(str(k["public"]))
                Ed25519PublicKey.from_public_bytes(raw)
            except (KeyError, TypeError, ValueError):
                raise errors.InputError.at(errors.BAD_FIELD, "a key is not a 32-byte Ed25519 public key in hex",
                                           field_name="keys") from None
            kid = key_id(raw)
            if k.get("id") not in (None, kid):
                raise errors.InputError.at(errors.BAD_FIELD, f"key id {str(k.get('id'))[:20]!r} does not match "
                                           "its public key", field_name="keys")
            exists = conn.execute(text("SELECT 1 FROM exchange_issuers WHERE org = :o AND key_id = :k"),
                                  {"o": org, "k": kid}).first()
            if exists is None:
                conn.execute(text("INSERT INTO exchange_issuers (org, key_id, public_key, trusted_at, trusted_by, "
                                  "note) VALUES (:o, :k, :p, :t, :a, :n)"),
                             {"o": org, "k": kid, "p": raw.hex(), "t": now(), "a": actor, "n": note})
                added.append((org, kid))
    return added


def issuers(engine: sa.Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT org, key_id, public_key, trusted_at, trusted_by, note "
                                 "FROM exchange_issuers ORDER BY org, trusted_at")).all()
    return [dict(r._mapping) for r in rows]


def key_lookup(engine: sa.Engine) -> b.KeyLookup:
    keys = {(i["org"], i["key_id"]): Ed25519PublicKey.from_public_bytes(bytes.fromhex(i["public_key"]))
            for i in issuers(engine)}
    return lambda org, kid: keys.get((org, kid))


@dataclass
class ImportReport:
    bundle_id: str
    issuer: str
    kind: str
    already_imported: bool = False
    added: int = 0
    updated: int = 0
    retracted: int = 0
    skipped_retracted: int = 0
    leads: int = 0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def import_bundle(engine: sa.Engine, bundle: Any, consortium_id: str | None) -> ImportReport:
    """Verify and record one bundle. Signals are upserted per (issuer, type, hash); a retraction only
    touches signals of its own issuer. Matching against documents is the caller's next step."""
    body = b.verify(bundle, key_lookup(engine))
    if consortium_id is not None and body["consortium_key_id"] != consortium_id:
        raise errors.AuthError(message="the bundle was hashed with another consortium key "
                               f"({body['consortium_key_id']}, ours is {consortium_id}); its hashes would never "
                               "match. Check which consortium the issuer belongs to", code=CONSORTIUM_MISMATCH,
                               http_status=422)
    bid = b.bundle_id(body)
    report = ImportReport(bid, body["issuer"], body["kind"])
    with write(engine) as conn:
        if conn.execute(text("SELECT 1 FROM exchange_bundles WHERE bundle_id = :b"), {"b": bid}).first():
            report.already_imported = True
            return report
        items = body["signals"] if body["kind"] == "signals" else body["retractions"]
        conn.execute(text("INSERT INTO exchange_bundles (bundle_id, issuer, key_id, kind, created_at, imported_at, "
                          "direction, items) VALUES (:b, :i, :k, :kind, :c, :t, 'in', :n)"),
                     {"b": bid, "i": body["issuer"], "k": body["key_id"], "kind": body["kind"],
                      "c": body["created_at"], "t": now(), "n": len(items)})
        if body["kind"] == "signals":
            _upsert_signals(conn, body, bid, report)
        else:
            _retract(conn, body, bid, report)
    return report


def _upsert_signals(conn: sa.Connection, body: dict[str, Any], bid: str, report: ImportReport) -> None:
    from adtrace.exchange import opinions  # it builds on this module's write()

    issuer, stamp = body["issuer"], now()
    for s in b.signals_of(body):
        params = {"i": issuer, "t": s.type, "h": s.hash}
        gone = conn.execute(text("SELECT retracted_at FROM exchange_retractions WHERE issuer = :i AND type = :t "
                                 "AND hash = :h"), params).scalar()
        # A retraction wins over a bundle made before it (an old bundle imported late must not revive it).
        if gone is not None and str(gone) >= body["created_at"]:
            report.skipped_retracted += 1
            continue
        row = {**params, "c": s.category, "conf": s.confidence, "f": s.first_seen, "l": s.last_seen,
               "n": s.note, "b": bid, "at": stamp}
        old = conn.execute(text("SELECT id FROM exchange_signals WHERE issuer = :i AND type = :t AND hash = :h"),
                           params).scalar()
        opinions.record(conn, s.type, s.hash, issuer, s.opinion or "positive", issuer)
        if old is None:
            conn.execute(text("INSERT INTO exchange_signals (issuer, type, hash, category, confidence, first_seen, "
                              "last_seen, note, bundle_id, imported_at, retracted) VALUES (:i, :t, :h, :c, :conf, "
                              ":f, :l, :n, :b, :at, :r)"), {**row, "r": False})
            report.added += 1
        else:
            conn.execute(text("UPDATE exchange_signals SET category = :c, confidence = :conf, first_seen = "
                              "COALESCE(first_seen, :f), last_seen = :l, note = :n, bundle_id = :b, "
                              "imported_at = :at, retracted = :r WHERE id = :id"), {**row, "r": False, "id": old})
            report.updated += 1


def _retract(conn: sa.Connection, body: dict[str, Any], bid: str, report: ImportReport) -> None:
    """A withdrawal deletes the issuer's signal, its opinion, its leads and their alerts (not only hides
    them); the retraction row stays, so an older bundle imported later cannot bring the signal back."""
    issuer = body["issuer"]
    for item in body["retractions"]:
        params = {"i": issuer, "t": item["type"], "h": item["hash"]}
        conn.execute(text("DELETE FROM exchange_retractions WHERE issuer = :i AND type = :t AND hash = :h"), params)
        conn.execute(text("INSERT INTO exchange_retractions (issuer, type, hash, bundle_id, retracted_at) "
                          "VALUES (:i, :t, :h, :b, :at)"), {**params, "b": bid, "at": body["created_at"]})
        sid = conn.execute(text("SELECT id FROM exchange_signals WHERE issuer = :i AND type = :t AND hash = :h"),
                           params).scalar()
        conn.execute(text("DELETE FROM exchange_opinions WHERE type = :t AND hash = :h AND org = :i"), params)
        if sid is None:
            continue
        drop_alerts(conn, int(sid))
        conn.execute(text("DELETE FROM exchange_leads WHERE signal_id = :id"), {"id": sid})
        conn.execute(text("DELETE FROM exchange_signals WHERE id = :id"), {"id": sid})
        report.retracted += 1


def drop_alerts(conn: sa.Connection, signal_id: int) -> None:
    """Remove a withdrawn signal from partner alerts; an alert left with no reason is deleted."""
    docs = [str(r[0]) for r in conn.execute(text("SELECT doc_id FROM exchange_leads WHERE signal_id = :id"),
                                            {"id": signal_id})]
    for s in range(0, len(docs), 900):
        rows = conn.execute(text("SELECT id, reasons FROM alerts WHERE kind = 'partner_signal' AND doc_id IN :d")
                            .bindparams(sa.bindparam("d", expanding=True)), {"d": docs[s:s + 900]}).all()
        for alert_id, raw in rows:
            reasons = orjson.loads(raw or "[]")
            kept = [r for r in reasons if not (isinstance(r, dict) and r.get("signal_id") == signal_id)]
            if not kept:
                conn.execute(text("DELETE FROM alerts WHERE id = :id"), {"id": alert_id})
            elif len(kept) != len(reasons):
                conn.execute(text("UPDATE alerts SET reasons = :r WHERE id = :id"),
                             {"r": orjson.dumps(kept).decode(), "id": alert_id})


def record_export(engine: sa.Engine, bundle: dict[str, Any]) -> str:
    """Remember a bundle we issued (provenance; what a retraction may refer to)."""
    bid = b.bundle_id(bundle)
    items = bundle.get("signals") or bundle.get("retractions") or []
    with write(engine) as conn:
        if conn.execute(text("SELECT 1 FROM exchange_bundles WHERE bundle_id = :b"), {"b": bid}).first() is None:
            conn.execute(text("INSERT INTO exchange_bundles (bundle_id, issuer, key_id, kind, created_at, "
                              "imported_at, direction, items) VALUES (:b, :i, :k, :kind, :c, :t, 'out', :n)"),
                         {"b": bid, "i": bundle["issuer"], "k": bundle["key_id"], "kind": bundle["kind"],
                          "c": bundle["created_at"], "t": now(), "n": len(items)})
    return bid


def active_signals(engine: sa.Engine) -> list[dict[str, Any]]:
    """Signals that may make leads: not disabled, not quarantined, not negative (by their issuer or by all)."""
    from adtrace.exchange import opinions

    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, issuer, type, hash, category, confidence, bundle_id, first_seen, "
                                 "last_seen FROM exchange_signals WHERE retracted = :f AND disabled_at IS NULL "
                                 "AND quarantined_at IS NULL"), {"f": False}).all()
        agg = opinions.by_signal(conn)
        own_negative = opinions.own_negative(conn)
    out = []
    for r in rows:
        row = dict(r._mapping)
        row["opinion"] = agg.get((str(row["type"]), str(row["hash"])), "positive")
        # No leads from a signal its own issuer calls negative, nor from one every opinion calls negative.
        if row["opinion"] != "negative" and (str(row["issuer"]), str(row["type"]), str(row["hash"])) not in own_negative:
            out.append(row)
    return out


def signals_version(engine: sa.Engine) -> tuple[int, int, int]:
    """Changes whenever signals are added, updated or retracted (cheap: lets caches know when to reload)."""
    with engine.connect() as conn:
        row = conn.execute(text("SELECT count(*), COALESCE(max(id), 0) FROM exchange_signals WHERE retracted = :f"),
                           {"f": False}).one()
        n_bundles = conn.execute(text("SELECT count(*) FROM exchange_bundles")).scalar_one()
    return int(row[0]), int(row[1]), int(n_bundles)


def get_state(conn: sa.Connection, key: str) -> str | None:
    value = conn.execute(text("SELECT value FROM exchange_state WHERE key = :k"), {"k": key}).scalar()
    return None if value is None else str(value)


def set_state(conn: sa.Connection, key: str, value: str) -> None:
    conn.execute(text("DELETE FROM exchange_state WHERE key = :k"), {"k": key})
    conn.execute(text("INSERT INTO exchange_state (key, value) VALUES (:k, :v)"), {"k": key, "v": value})


def leads(engine: sa.Engine, status: str | None = "open", limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Leads with provenance and the signal's aggregate opinion (positive, investigation, disputed)."""
    from adtrace.exchange import opinions

    where = "WHERE l.status = :s" if status else ""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT l.id, l.doc_id, l.issuer, l.type, l.category, l.confidence, l.bundle_id, "
                                 "l.distance, l.status, l.created_at, l.signal_id, s.hash, s.first_seen, s.last_seen, b.key_id, "
                                 "b.created_at AS bundle_created_at FROM exchange_leads l "
                                 "JOIN exchange_signals s ON s.id = l.signal_id "
                                 "LEFT JOIN exchange_bundles b ON b.bundle_id = l.bundle_id "
                                 f"{where} ORDER BY l.id LIMIT :lim OFFSET :off"),
                            {"s": status, "lim": limit, "off": offset}).all()
        agg = opinions.by_signal(conn)
    return [{**dict(r._mapping), "opinion": agg.get((str(r.type), str(r.hash)), "positive")} for r in rows]

"""The exchange's tables (migration 0004): trusted issuers, imported bundles and signals, retractions, leads.

Plain SQL that runs on SQLite and PostgreSQL alike. Writes go through one transaction per import so a
failed import leaves nothing half-applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from adtrace import errors
from adtrace.exchange import bundles as b
from adtrace.exchange.keys import key_id
from adtrace.i18n import _
from adtrace.storage import partnerbank as bank
from adtrace.storage.db import now, read, write

CONSORTIUM_MISMATCH = errors.CONSORTIUM_MISMATCH
NOT_ISSUER = errors.NOT_ISSUER


def trust(engine: sa.Engine, public_info: Any, actor: str, note: str = "") -> list[tuple[str, str]]:
    """Trust an issuer's public keys (the JSON `adtrace exchange keys --public` prints). Idempotent."""
    if not isinstance(public_info, dict) or not isinstance(public_info.get("org"), str) \
            or not isinstance(public_info.get("keys"), list):
        raise errors.InputError.at(errors.BAD_FIELD, "not a public-key file (needs 'org' and 'keys')",
                                   cli_hint="ask the partner for the output of `adtrace exchange keys --public`",
                                   web_hint=_("Ask the partner for their public-key file"))
    org = public_info["org"].strip()
    # A key under no name (bundles name their issuer, and a blank one would match it) or a file with no key
    # (trusting nothing, silently) is a damaged or hand-edited file.
    if not org:
        raise errors.InputError.at(errors.BAD_FIELD, "the public-key file names no organisation", field_name="org",
                                   cli_hint="ask the partner for the output of `adtrace exchange keys --public`",
                                   web_hint=_("Ask the partner for their public-key file"))
    if not public_info["keys"]:
        raise errors.InputError.at(errors.BAD_FIELD, "the public-key file holds no key", field_name="keys",
                                   cli_hint="ask the partner for the output of `adtrace exchange keys --public`",
                                   web_hint=_("Ask the partner for their public-key file"))
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
            if not bank.has_issuer_key(conn, org, kid):
                bank.add_issuer_key(conn, org, kid, raw.hex(), actor, note)
                added.append((org, kid))
    return added


def issuers(engine: sa.Engine) -> list[dict[str, Any]]:
    with read(engine) as conn:
        return bank.issuers(conn)


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
        if bank.has_bundle(conn, bid):
            report.already_imported = True
            return report
        items = body["signals"] if body["kind"] == "signals" else body["retractions"]
        bank.add_bundle(conn, bid, body["issuer"], body["key_id"], body["kind"], body["created_at"], "in", len(items))
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
        gone = bank.retracted_at(conn, issuer, s.type, s.hash)
        # A retraction wins over a bundle made before it (an old bundle imported late must not revive it).
        if gone is not None and str(gone) >= body["created_at"]:
            report.skipped_retracted += 1
            continue
        row = {**params, "c": s.category, "conf": s.confidence, "f": s.first_seen, "l": s.last_seen,
               "n": s.note, "b": bid, "at": stamp}
        old = bank.signal_id(conn, issuer, s.type, s.hash)
        was = None if old is None else bank.signal_row(conn, old)
        opinions.record(conn, s.type, s.hash, issuer, s.opinion or "positive", issuer)
        bank.put_signal(conn, old, row)
        bank.carried_by(conn, issuer, s.type, s.hash, bid)
        if old is None:
            report.added += 1
        else:
            report.updated += 1
            if was is not None and was["withdrawn_at"] is not None:
                # Shared again in a bundle of its own (not a withdrawn tip's): it matches again.
                bank.set_withdrawn(conn, old, None, None)
                bank.set_lead_status(conn, old, "withdrawn", bank.held_status({**was, "withdrawn_at": None}))


def _retract(conn: sa.Connection, body: dict[str, Any], bid: str, report: ImportReport) -> None:
    """A withdrawal deletes the issuer's signal, its opinion, its leads and their alerts (not only hides
    them); the retraction row stays, so an older bundle imported later cannot bring the signal back."""
    issuer = body["issuer"]
    for item in body["retractions"]:
        type_, hash_ = item["type"], item["hash"]
        bank.put_retraction(conn, issuer, type_, hash_, bid, body["created_at"])
        sid = bank.signal_id(conn, issuer, type_, hash_)
        bank.delete_opinion(conn, type_, hash_, issuer)
        if sid is None:
            continue
        bank.drop_signal_alerts(conn, sid)
        bank.delete_signal(conn, sid)
        report.retracted += 1


def record_export(engine: sa.Engine, bundle: dict[str, Any]) -> str:
    """Remember a bundle we issued (provenance; what a retraction may refer to)."""
    bid = b.bundle_id(bundle)
    items = bundle.get("signals") or bundle.get("retractions") or []
    with write(engine) as conn:
        if not bank.has_bundle(conn, bid):
            bank.add_bundle(conn, bid, bundle["issuer"], bundle["key_id"], bundle["kind"], bundle["created_at"],
                            "out", len(items))
    return bid


def active_signals(engine: sa.Engine) -> list[dict[str, Any]]:
    """Signals that may make leads: not disabled, not quarantined, not negative (by their issuer or by all)."""
    from adtrace.exchange import opinions

    with read(engine) as conn:
        rows = bank.matching_signal_rows(conn)
        agg = opinions.by_signal(conn)
        own_negative = opinions.own_negative(conn)
    out = []
    for row in rows:
        row["opinion"] = agg.get((str(row["type"]), str(row["hash"])), "positive")
        # No leads from a signal its own issuer calls negative, nor from one every opinion calls negative.
        if row["opinion"] != "negative" and (str(row["issuer"]), str(row["type"]), str(row["hash"])) not in own_negative:
            out.append(row)
    return out


def signals_version(engine: sa.Engine) -> tuple[int, int, int]:
    """Changes whenever signals are added, updated or retracted (cheap: lets caches know when to reload)."""
    with read(engine) as conn:
        return bank.signals_version(conn)


def leads(engine: sa.Engine, status: str | None = "open", limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Leads with provenance and the signal's aggregate opinion (positive, investigation, disputed)."""
    from adtrace.exchange import opinions

    with read(engine) as conn:
        rows = bank.lead_rows(conn, status, limit, offset)
        agg = opinions.by_signal(conn)
    return [{**r, "opinion": agg.get((str(r["type"]), str(r["hash"])), "positive")} for r in rows]

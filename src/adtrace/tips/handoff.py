"""Handing a tip to a partner organisation: a signed hand-off that carries the tip redacted as a case
export is (`cases.redaction.Masker`) and its identifiers as a standard signed signals bundle
(`exchange.bundles`, keyed hashes only). The partner's import verifies both signatures, imports the signals
as any bundle (so they match its ads) and creates a *tip lead* whose linked ads are the exchange leads of
those signals. Both sides audit it (docs/tips.md, "Hand-off format").
"""

from __future__ import annotations

import base64
import io
import logging
import re
import zipfile
from typing import Any

import orjson
import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature

from adtrace import errors
from adtrace.exchange import bundles as b
from adtrace.exchange import match as xm
from adtrace.exchange import store as xs
from adtrace.exchange.keys import OrgKeys
from adtrace.exchange.signals import consortium_key_id, identifiers, keyed_hash
from adtrace.i18n import _
from adtrace.places.hotlines import org_country
from adtrace.storage import audit, tipbook
from adtrace.storage.db import now, read, write
from adtrace.tips import store as ts

FORMAT = "adtrace.tips.handoff"
VERSION = 1  # a first hand-off: its id is the hash of its signed body (every adtrace reads it)
COPY_VERSION = 2  # a copy of a past hand-off: carries that hand-off's id in `id`; an adtrace that reads only
# version 1 refuses it instead of importing the tip a second time under a new id
_ID = re.compile(r"^[0-9a-f]{32}$")  # b.bundle_id's shape
CATEGORY = "tip"  # the signals' category: the partner's leads say they came from a tip
MAX_TEXT = 110_000  # a tip and its additions (intake.MAX_TEXT * 10) plus masks


def redacted(store: Any, doc_id: str) -> dict[str, Any]:
    """The tip's text masked by the case-export rules, with what routing and triage need (no identifiers)."""
    from adtrace.cases.redaction import Masker

    doc, record = store.get_document(doc_id), store.get_record(doc_id) or {}
    if doc is None:
        raise errors.not_found(_("the tip's document %(id)s is gone (purged?)") % {"id": doc_id}, doc_id=doc_id)
    body = Masker(True).document(record, doc)[1]
    risk = record.get("risk") or {}
    return {"ref": doc.id, "text": body, "received_at": doc.posted_at, "lang": doc.lang or "",
            "indicators": sorted({str(i["id"]) for i in record.get("indicators") or [] if i.get("id")}),
            "risk_level": risk.get("level")}


def make(store: Any, tip: dict[str, Any], keys: OrgKeys, consortium_key: bytes,
         region: str | None = None, again: str | None = None) -> dict[str, Any]:
    """A signed hand-off of one routed tip to its partner (`region`: as intake read the tip's numbers);
    `again`: the id of the past hand-off this one is a copy of."""
    region = region or org_country()
    doc_id = str(tip["doc_id"])
    record = store.get_record(doc_id) or {}
    when = str(tip["created_at"])
    sigs = sorted({(i.type, i.value if i.type == "pdq" else keyed_hash(consortium_key, i.type, i.value))
                   for i in identifiers(record, region)})
    inner = b.make_signals([b.Signal(t, h, CATEGORY, 0.5, when, when, opinion="investigation") for t, h in sigs],
                           keys, consortium_key_id(consortium_key))
    body: dict[str, Any] = {"format": FORMAT, "version": VERSION if again is None else COPY_VERSION,
                            **({} if again is None else {"id": again}), "issuer": keys.org, "key_id": keys.current,
                            "created_at": now(), "to": str(tip["partner"]),
                            "tip": {**redacted(store, doc_id), "country": str(tip["country"] or ""),
                                    "about": str(tip["about"] or "")},
                            "signals": inner}
    body["signature"] = base64.b64encode(keys.private().sign(b.canonical(body))).decode()
    return body


def handoff_id(body: dict[str, Any]) -> str:
    """A first hand-off's id is the hash of its signed body; a copy names (and signs) the id of the first."""
    return str(body["id"]) if body.get("version") == COPY_VERSION else b.bundle_id(body)


def send(store: Any, keys: OrgKeys, consortium_key: bytes, actor: str, partner: str | None = None,
         region: str | None = None) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Sign every routed tip not yet handed off; each is marked handed off and audited (`tip_handoff`),
    unless it was routed elsewhere or taken back while it was being signed (then left out).
    Returns (tip, hand-off) pairs; the caller writes the files."""
    out = []
    for tip in ts.pending_handoffs(store.engine, partner):
        if store.get_document(str(tip["doc_id"])) is None:  # purged by retention: nothing left to hand off
            logging.getLogger(__name__).warning("tip %s: its document was purged; not handed off", tip["id"])
            continue
        body = make(store, tip, keys, consortium_key, region)
        hid = handoff_id(body)
        with write(store.engine) as conn:
            if not ts.handed_off(conn, int(tip["id"]), body["to"], hid):  # routed elsewhere or taken back since
                logging.getLogger(__name__).warning("tip %s: no longer routed to %s; not handed off", tip["id"],
                                                    body["to"])
                continue
            audit.append(store.engine, actor, "tip_handoff", str(tip["doc_id"]),
                         {"tip": int(tip["id"]), "to": body["to"], "handoff": hid,
                          "signals": len(body["signals"]["signals"])}, conn=conn)
        xs.record_export(store.engine, body["signals"])  # provenance of the embedded bundle, as exports do
        out.append((tip, body))
    return out


def copy_of(store: Any, tip_id: int, keys: OrgKeys, consortium_key: bytes, actor: str,
            region: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Sign again the hand-off of a tip handed off before (its file was lost): the same hand-off id, tip and
    partner, so the partner's import keeps one lead whichever copy it gets first. Made from the tip as it is
    now (additions since are in it). Audited `tip_handoff_copy`; the tip itself does not change."""
    tip = ts.get(store.engine, tip_id)
    if tip["status"] != "routed" or not tip["handoff_id"]:
        raise errors.not_found(_("tip %(id)s has not been handed off: there is no hand-off to copy") % {"id": tip_id},
                               tip=tip_id, cli_hint=_("a routed tip's hand-off is signed by `adtrace tips route`"),
                               web_hint=_("A routed tip's hand-off is signed on the Routed tab"))
    body = make(store, tip, keys, consortium_key, region, again=str(tip["handoff_id"]))
    audit.append(store.engine, actor, "tip_handoff_copy", str(tip["doc_id"]),
                 {"tip": tip_id, "to": body["to"], "handoff": body["id"], "signals": len(body["signals"]["signals"])})
    xs.record_export(store.engine, body["signals"])
    return tip, body


def safe(org: str) -> str:
    """A partner's name as it may appear in a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", org)


def file_name(tip: dict[str, Any], body: dict[str, Any]) -> str:
    """The hand-off's file name: `adtrace tips route` writes it, the Tips page's download holds it."""
    return f"tip-{tip['id']}-to-{safe(body['to'])}.json"


def encoded(body: dict[str, Any]) -> bytes:
    """A hand-off file's bytes, as the command line writes JSON files (indented, final newline)."""
    return orjson.dumps(body, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def zipped(sent: list[tuple[dict[str, Any], dict[str, Any]]]) -> bytes:
    """The files `send` signed, in one zip for a browser download (the same names and bytes as the CLI's)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for tip, body in sent:
            z.writestr(file_name(tip, body), encoded(body))
    return buf.getvalue()


def _bad(what: str, field_name: str | None = None) -> errors.InputError:
    return errors.InputError.at(errors.BAD_HANDOFF, what, field_name=field_name, hint=_("Ask the sender for a fresh hand-off"),
                                cli_hint=_("the sender makes one with `adtrace tips route`"))


def check_shape(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise _bad(_("not an adtrace tip hand-off"), "format")
    if body.get("version") not in (VERSION, COPY_VERSION):
        raise _bad(_("hand-off version %(v)r is not supported (this adtrace reads %(ours)s)")
                   % {"v": body.get("version"), "ours": f"{VERSION}, {COPY_VERSION}"}, "version")
    if body["version"] == COPY_VERSION and not (isinstance(body.get("id"), str) and _ID.match(body["id"])):
        raise _bad(_("a copy of a hand-off must name the id of the first (32 lowercase hexadecimal characters)"),
                   "id")
    for name in ("issuer", "key_id", "created_at", "to", "signature"):
        if not isinstance(body.get(name), str) or not body[name]:
            raise _bad(_("missing or not a string"), name)
    tip = body.get("tip")
    if not isinstance(tip, dict):
        raise _bad(_("missing"), "tip")
    for name in ("ref", "text", "country", "about", "lang"):
        if not isinstance(tip.get(name), str):
            raise _bad(_("missing or not a string"), f"tip.{name}")
    if len(tip["text"]) > MAX_TEXT or not isinstance(tip.get("indicators", []), list):
        raise _bad(_("text over %(n)s characters or indicators not a list") % {"n": f"{MAX_TEXT:,}"}, "tip")
    if not isinstance(body.get("signals"), dict) or body["signals"].get("issuer") != body["issuer"]:
        raise _bad(_("the embedded signals bundle is missing or from another issuer"), "signals")
    return body


def verify(engine: sa.Engine, raw: Any) -> dict[str, Any]:
    """Shape, trusted issuer key and Ed25519 signature over everything but `signature` (as bundles)."""
    body = check_shape(raw)
    key = xs.key_lookup(engine)(body["issuer"], body["key_id"])
    if key is None:
        raise errors.AuthError(message=_("issuer %(i)r with key %(k)r is not trusted")
                               % {"i": body["issuer"][:60], "k": body["key_id"][:20]}, code=errors.UNKNOWN_ISSUER, http_status=403,
                               cli_hint=_("check its public key with the issuer out of band, then run `adtrace exchange "
                                          "trust PUBLIC_KEYS.json`"),
                               web_hint=_("Ask an administrator to check the issuer's public key with them out of band "
                                          "and to trust it"))
    try:
        key.verify(base64.b64decode(body["signature"], validate=True), b.canonical(body))
    except (InvalidSignature, ValueError):
        raise errors.AuthError(message=_("the hand-off's signature does not verify: it was changed after signing "
                                         "or signed by another key. Do not use it; ask the sender again"),
                               code=errors.BAD_SIGNATURE, http_status=422) from None
    return body


def receive(engine: sa.Engine, body: Any, actor: str, consortium_key: bytes | None) -> dict[str, Any]:
    """Import a hand-off: verify, import its signals (leads on our ads carrying the tip's identifiers),
    create the tip lead, audit `tip_import`. Importing the same hand-off again, or a copy of it (the same id,
    `copy_of`), changes nothing."""
    body = verify(engine, body)
    hid = handoff_id(body)
    with read(engine) as conn:
        old = tipbook.lead_id_of(conn, hid)
    if old is not None:  # this hand-off, or a copy of it, was imported before
        known = lead(engine, old)
        if known["issuer"] != body["issuer"]:  # a copy's id is the sender's word: never another issuer's lead
            raise _bad(_("its id %(h)s is the id of a hand-off from another organisation")
                       % {"h": hid}, "id")
        return known | {"already_imported": True}
    cid = consortium_key_id(consortium_key) if consortium_key else None
    report = xs.import_bundle(engine, body["signals"], cid)
    if consortium_key is not None:
        xm.match_store(engine, consortium_key, full=True)
    tip = body["tip"]
    with write(engine) as conn:
        hashes = sorted([s["type"], s["hash"]] for s in body["signals"].get("signals", []))
        lead_id = tipbook.insert_lead(conn, {
            "handoff_id": hid, "issuer": body["issuer"], "signals_bundle": report.bundle_id,
            "signals": orjson.dumps(hashes).decode(), "text": tip["text"], "country": tip["country"],
            "about": tip["about"], "lang": tip["lang"], "indicators": orjson.dumps(tip.get("indicators", [])).decode(),
            "sent_at": body["created_at"], "imported_at": now(), "imported_by": actor})
        audit.append(engine, actor, "tip_import", f"tip-lead-{lead_id}",
                     {"handoff": hid, "issuer": body["issuer"], "sender_ref": tip["ref"],
                      "signals": len(body["signals"].get("signals", []))}, conn=conn)
    return lead(engine, lead_id)


def lead(engine: sa.Engine, lead_id: int) -> dict[str, Any]:
    """One tip lead with the ads it links to (our documents carrying the tip's identifiers)."""
    with read(engine) as conn:
        row = tipbook.lead_row(conn, lead_id)
        if row is None:
            raise errors.not_found(_("no tip lead %(id)s") % {"id": lead_id}, lead=lead_id)
        hashes = [str(h) for _, h in orjson.loads(row["signals"] or "[]")]
        ads = tipbook.lead_ads(conn, str(row["issuer"]), hashes)
    out = dict(row)
    out["signals"] = len(hashes)
    out["indicators"] = orjson.loads(out["indicators"] or "[]")
    out["ads"] = [{"doc_id": doc_id, "type": kind, "title": title} for doc_id, kind, title in ads]
    return out


def leads(engine: sa.Engine, limit: int = 100) -> list[dict[str, Any]]:
    with read(engine) as conn:
        ids = tipbook.newest_lead_ids(conn, limit)
    return [lead(engine, i) for i in ids]

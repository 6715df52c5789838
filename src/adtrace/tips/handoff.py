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
from collections.abc import Callable
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
FOLLOWUP_VERSION = 3  # a withdrawal or an update of a past hand-off (`adtrace.tips.followup`); an adtrace that
# reads only versions 1 and 2 refuses it ("version 3 is not supported") instead of reading it as a new tip
ID = re.compile(r"^[0-9a-f]{32}$")  # b.bundle_id's shape
CATEGORY = "tip"  # the signals' category: the partner's leads say they came from a tip
MAX_TEXT = 110_000  # a tip and its additions (intake.MAX_TEXT * 10) plus masks


def masked_text(store: Any, doc_id: str, start: int = 0, end: int | None = None) -> tuple[Any, dict[str, Any], str]:
    """(document, record, its text from `start` to `end` masked by the case-export rules): the whole text as
    a case export masks it; a part with the record's identifiers learnt from the whole, so a number written
    before the part is masked in it too."""
    from adtrace.cases.redaction import Masker

    doc, record = store.get_document(doc_id), store.get_record(doc_id) or {}
    if doc is None:
        raise errors.not_found(_("the tip's document %(id)s is gone (purged?)") % {"id": doc_id}, doc_id=doc_id)
    end = len(doc.text) if end is None else min(end, len(doc.text))
    masker = Masker(True)
    if start == 0 and end == len(doc.text):
        return doc, record, masker.document(record, doc)[1]
    masker.learn(record, doc.full_text)
    off = len(doc.full_text) - len(doc.text)  # the title and its newline, when the document has a title
    return doc, record, masker.evidence(record, doc.full_text, [off + start, off + end], doc.text[start:end])


def redacted(store: Any, doc_id: str, upto: int | None = None) -> dict[str, Any]:
    """The tip's text (its first `upto` characters) masked by the case-export rules, with what routing and
    triage need (no identifiers)."""
    doc, record, body = masked_text(store, doc_id, 0, upto)
    risk = record.get("risk") or {}
    return {"ref": doc.id, "text": body, "received_at": doc.posted_at, "lang": doc.lang or "",
            "indicators": sorted({str(i["id"]) for i in record.get("indicators") or [] if i.get("id")}),
            "risk_level": risk.get("level")}


def signals_of(store: Any, tip: dict[str, Any], keys: OrgKeys, consortium_key: bytes,
               region: str | None = None) -> dict[str, Any]:
    """The tip's identifiers as a signed signals bundle of keyed hashes (`region`: as intake read its numbers)."""
    record = store.get_record(str(tip["doc_id"])) or {}
    when = str(tip["created_at"])
    sigs = sorted({(i.type, i.value if i.type == "pdq" else keyed_hash(consortium_key, i.type, i.value))
                   for i in identifiers(record, region or org_country())})
    return b.make_signals([b.Signal(t, h, CATEGORY, 0.5, when, when, opinion="investigation") for t, h in sigs],
                          keys, consortium_key_id(consortium_key))


def signed(body: dict[str, Any], keys: OrgKeys) -> dict[str, Any]:
    """`body` with its Ed25519 signature over everything else (as bundles are signed)."""
    body["signature"] = base64.b64encode(keys.private().sign(b.canonical(body))).decode()
    return body


def make(store: Any, tip: dict[str, Any], keys: OrgKeys, consortium_key: bytes,
         region: str | None = None, again: str | None = None, upto: int | None = None) -> dict[str, Any]:
    """A signed hand-off of one routed tip to its partner (`region`: as intake read the tip's numbers);
    `again`: the id of the past hand-off this one is a copy of; `upto`: how much of the tip's text it
    carries (what was added after goes in updates, `adtrace.tips.followup`)."""
    doc_id = str(tip["doc_id"])
    body: dict[str, Any] = {"format": FORMAT, "version": VERSION if again is None else COPY_VERSION,
                            **({} if again is None else {"id": again}), "issuer": keys.org, "key_id": keys.current,
                            "created_at": now(), "to": str(tip["partner"]),
                            "tip": {**redacted(store, doc_id, upto), "country": str(tip["country"] or ""),
                                    "about": str(tip["about"] or "")},
                            "signals": signals_of(store, tip, keys, consortium_key, region)}
    return signed(body, keys)


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
        doc = store.get_document(str(tip["doc_id"]))
        if doc is None:  # purged by retention: nothing left to hand off
            logging.getLogger(__name__).warning("tip %s: its document was purged; not handed off", tip["id"])
            continue
        # The tip row (its count of additions) was read before the document: an addition in between is in
        # neither, or in the text only (then an update sends it again: nothing is lost).
        chars = len(doc.text)
        body = make(store, tip, keys, consortium_key, region, upto=chars)
        hid = handoff_id(body)
        with write(store.engine) as conn:
            if not ts.handed_off(conn, int(tip["id"]), body["to"], hid, chars, int(tip["additions"])):
                # routed elsewhere or taken back since it was read
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
    partner, so the partner's import keeps one lead whichever copy it gets first. It carries the text the
    first carried (what was added after goes in updates, so a copy and an update never repeat each other),
    masked afresh. Audited `tip_handoff_copy`; the tip itself does not change."""
    tip = ts.get(store.engine, tip_id)
    if tip["status"] != "routed" or not tip["handoff_id"]:
        raise errors.not_found(_("tip %(id)s has not been handed off: there is no hand-off to copy") % {"id": tip_id},
                               tip=tip_id, cli_hint=_("a routed tip's hand-off is signed by `adtrace tips route`"),
                               web_hint=_("A routed tip's hand-off is signed on the Routed tab"))
    upto = None if tip["handoff_chars"] is None else int(tip["handoff_chars"])
    body = make(store, tip, keys, consortium_key, region, again=str(tip["handoff_id"]), upto=upto)
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


def zipped(sent: list[tuple[dict[str, Any], dict[str, Any]]],
           name: Callable[[dict[str, Any], dict[str, Any]], str] | None = None) -> bytes:
    """The files `send` (or `followup.send_updates`, with its `name`) signed, in one zip for a browser
    download (the same names and bytes as the CLI's)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for tip, body in sent:
            z.writestr((name or file_name)(tip, body), encoded(body))
    return buf.getvalue()


def bad(what: str, field_name: str | None = None) -> errors.InputError:
    return errors.InputError.at(errors.BAD_HANDOFF, what, field_name=field_name, hint=_("Ask the sender for a fresh hand-off"),
                                cli_hint=_("the sender makes one with `adtrace tips route`"))


def check_shape(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise bad(_("not an adtrace tip hand-off"), "format")
    if body.get("version") not in (VERSION, COPY_VERSION, FOLLOWUP_VERSION):
        raise bad(_("hand-off version %(v)r is not supported (this adtrace reads %(ours)s)")
                   % {"v": body.get("version"), "ours": f"{VERSION}, {COPY_VERSION}, {FOLLOWUP_VERSION}"}, "version")
    if body["version"] == FOLLOWUP_VERSION:
        from adtrace.tips import followup

        return followup.check_shape(body)
    if body["version"] == COPY_VERSION and not (isinstance(body.get("id"), str) and ID.match(body["id"])):
        raise bad(_("a copy of a hand-off must name the id of the first (32 lowercase hexadecimal characters)"),
                   "id")
    for name in ("issuer", "key_id", "created_at", "to", "signature"):
        if not isinstance(body.get(name), str) or not body[name]:
            raise bad(_("missing or not a string"), name)
    tip = body.get("tip")
    if not isinstance(tip, dict):
        raise bad(_("missing"), "tip")
    for name in ("ref", "text", "country", "about", "lang"):
        if not isinstance(tip.get(name), str):
            raise bad(_("missing or not a string"), f"tip.{name}")
    if len(tip["text"]) > MAX_TEXT or not isinstance(tip.get("indicators", []), list):
        raise bad(_("text over %(n)s characters or indicators not a list") % {"n": f"{MAX_TEXT:,}"}, "tip")
    if not isinstance(body.get("signals"), dict) or body["signals"].get("issuer") != body["issuer"]:
        raise bad(_("the embedded signals bundle is missing or from another issuer"), "signals")
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


def receive(engine: sa.Engine, body: Any, actor: str, consortium_key: bytes | None,
            me: str | None = None) -> dict[str, Any]:
    """Import a hand-off: verify, import its signals (leads on our ads carrying the tip's identifiers),
    create the tip lead, audit `tip_import`. Importing the same hand-off again, or a copy of it (the same id,
    `copy_of`), changes nothing. `me` is our exchange organisation name: a file whose `to` names another
    partner is refused (AT127); None (no organisation keys here) cannot check it."""
    body = verify(engine, body)
    if me is not None and body["to"] != me:
        raise not_for_us(body, me)
    if body["version"] == FOLLOWUP_VERSION:  # a withdrawal or an update of a hand-off imported before
        from adtrace.tips import followup

        lead_id, changed, said = followup.apply(engine, body, actor, consortium_key)
        return lead(engine, lead_id) | said | ({} if changed else {"already_imported": True})
    hid = handoff_id(body)
    with read(engine) as conn:
        old = tipbook.lead_id_of(conn, hid)
    if old is not None:  # this hand-off, or a copy of it, was imported before
        known = lead(engine, old)
        if known["issuer"] != body["issuer"]:  # a copy's id is the sender's word: never another issuer's lead
            raise bad(_("its id %(h)s is the id of a hand-off from another organisation")
                       % {"h": hid}, "id")
        return known | {"already_imported": True}
    cid = consortium_key_id(consortium_key) if consortium_key else None
    report = xs.import_bundle(engine, body["signals"], cid)
    tip = body["tip"]
    from adtrace.tips import followup

    with write(engine) as conn:
        hashes = sorted([s["type"], s["hash"]] for s in body["signals"].get("signals", []))
        lead_id = tipbook.insert_lead(conn, {
            "handoff_id": hid, "issuer": body["issuer"], "signals_bundle": report.bundle_id,
            "signals": orjson.dumps(hashes).decode(), "text": tip["text"], "country": tip["country"],
            "about": tip["about"], "lang": tip["lang"], "indicators": orjson.dumps(tip.get("indicators", [])).decode(),
            "sent_at": body["created_at"], "imported_at": now(), "imported_by": actor})
        # What a withdrawal of this tip stops (0027); and a signal a withdrawn tip's bundle stopped matches
        # again when this tip carries it (the same bundle, when both were signed in the same second).
        tipbook.link_bundle(conn, lead_id, report.bundle_id)
        followup.settle(conn, body["issuer"], hashes)
        audit.append(engine, actor, "tip_import", f"tip-lead-{lead_id}",
                     {"handoff": hid, "issuer": body["issuer"], "sender_ref": tip["ref"],
                      "signals": len(body["signals"].get("signals", []))}, conn=conn)
    if consortium_key is not None:  # after the lead, so that a signal `settle` let match again meets every ad
        xm.match_store(engine, consortium_key, full=True)
    return lead(engine, lead_id)


def not_for_us(body: dict[str, Any], me: str) -> errors.InputError:
    # `to` is inside the signature: a file meant for another partner must not make a lead here.
    return errors.InputError(
        message=_("this file is addressed to %(to)s, not to this organisation (%(me)s): it was meant for another "
                  "partner") % {"to": body["to"][:60], "me": me},
        code=errors.NOT_FOR_US, http_status=422, detail={"handoff": body.get("id"), "to": body["to"][:60]},
        cli_hint=_("check that the keys used are this organisation's own, or ask the sender for a file addressed "
                   "to it"),
        web_hint=_("Ask the sender for a hand-off addressed to this organisation; tell them this one went to the "
                   "wrong partner"))


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
    out["added_after_withdrawal"] = bool(out.get("added_after_withdrawal"))
    # One row per ad; `withdrawn` when every lead on it came from signals a withdrawal stopped.
    by_ad: dict[tuple[str, str], dict[str, Any]] = {}
    for doc_id, kind, title, status in ads:
        ad = by_ad.setdefault((doc_id, kind), {"doc_id": doc_id, "type": kind, "title": title, "withdrawn": True})
        ad["withdrawn"] = ad["withdrawn"] and status == "withdrawn"
    out["ads"] = list(by_ad.values())
    return out


def leads(engine: sa.Engine, limit: int = 100) -> list[dict[str, Any]]:
    with read(engine) as conn:
        ids = tipbook.newest_lead_ids(conn, limit)
    return [lead(engine, i) for i in ids]

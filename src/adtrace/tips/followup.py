"""After the hand-off: a signed *withdrawal* of a hand-off, or an *update* carrying what the tipster added
since (docs/tips.md, "After the hand-off").

Both are files of the hand-off format, version 3 (`handoff.FOLLOWUP_VERSION`), with a `kind` and the `id`
of the hand-off they follow; signed by the same organisation's key as the hand-off, so the partner's import
checks the issuer, the key and the signature as for a hand-off, then that it holds a lead of that id from
that issuer. An adtrace that reads only versions 1 and 2 refuses them ("version 3 is not supported").

- A withdrawal says "do not act on this tip" with a short reason (a hoax, the wrong partner, acting on it
  would endanger someone). The partner's lead is marked withdrawn, never deleted: the partner's own notes
  and audit stay. Only an admin signs one (the partner stops its work on the word of the sender).
- An update carries *every* addition since the hand-off (not only those since the last update), masked as
  the hand-off's text, with the tip's identifiers as a fresh signals bundle. The lead keeps the update
  covering the most additions: a file imported twice or late, or a lost one, never leaves a gap or a
  repeat. A tip's text is at most ten times one tip's, so the repeat costs little.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
import sqlalchemy as sa

from adtrace import errors
from adtrace.exchange import match as xm
from adtrace.exchange import store as xs
from adtrace.exchange.keys import OrgKeys
from adtrace.exchange.signals import consortium_key_id
from adtrace.i18n import _
from adtrace.storage import audit, tipbook
from adtrace.storage import partnerbank as bank
from adtrace.storage.db import now, read, write
from adtrace.tips import handoff
from adtrace.tips import store as ts

KINDS = ("withdrawal", "update")
MAX_REASON = 300  # characters: a reason, not a report


def _handed_off(engine: sa.Engine, tip_id: int, refused: str) -> dict[str, Any]:
    """The tip, or not found (`refused`: the message, with `%(id)s`) when its hand-off was never signed."""
    tip = ts.get(engine, tip_id)
    if not tip["handoff_id"]:
        raise errors.not_found(refused % {"id": tip_id}, tip=tip_id)
    return tip


def _body(tip: dict[str, Any], keys: OrgKeys, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return handoff.signed({"format": handoff.FORMAT, "version": handoff.FOLLOWUP_VERSION, "kind": kind,
                           "id": str(tip["handoff_id"]), "issuer": keys.org, "key_id": keys.current,
                           "created_at": now(), "to": str(tip["partner"]), kind: payload}, keys)


def withdraw(engine: sa.Engine, tip_id: int, reason: str, keys: OrgKeys, actor: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Withdraw a tip's hand-off: a `withdraw` decision in its history (once) and a signed withdrawal for the
    partner, audited `tip_withdrawal`. A tip withdrawn before is signed again with its first reason and time
    (a lost file), audited with `again`."""
    tip = _handed_off(engine, tip_id, _("tip %(id)s has not been handed off: there is no hand-off to withdraw (a "
                                        "routed tip not yet handed off may still be taken back)"))
    reason = " ".join(reason.split())[:MAX_REASON]
    again = tip["withdrawn_at"] is not None
    if again:
        first = next(h for h in tip["history"] if h["decision"] == "withdraw")
        reason, at = str(first["reason"]), str(first["at"])
    elif not reason:
        raise errors.InputError.at(errors.BAD_ROUTE_RULE, _("a withdrawal needs a reason"), field_name="reason",
                                   hint=_("Say why in a few words the partner will read, e.g. 'a hoax' or 'sent "
                                          "to the wrong partner'"))
    else:
        at = now()
    with write(engine) as conn:
        if not again and not tipbook.mark_withdrawn(conn, tip_id, reason, actor, at):
            raise errors.InputError(message=_("tip %(id)s was withdrawn by someone else a moment ago") % {"id": tip_id},
                                    code=errors.TIP_WITHDRAWN, http_status=409, detail={"tip": tip_id})
        audit.append(engine, actor, "tip_withdrawal", str(tip["doc_id"]),
                     {"tip": tip_id, "to": tip["partner"], "handoff": tip["handoff_id"], "reason": reason,
                      "again": again}, conn=conn)
    return ts.get(engine, tip_id), _body(tip, keys, "withdrawal", {"reason": reason, "at": at})


def unsent(tip: dict[str, Any]) -> int:
    """How many of a handed-off tip's additions no signed file carried yet (0 once it is withdrawn)."""
    if not tip.get("handed_off_at") or tip.get("withdrawn_at"):
        return 0
    return max(int(tip["additions"]) - int(tip["sent_additions"] or 0), 0)


def update(store: Any, tip_id: int, keys: OrgKeys, consortium_key: bytes, actor: str,
           region: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Sign an update of a tip's hand-off with every addition since it (masked as the hand-off's text) and
    the tip's identifiers as they are now; audited `tip_update`. Refused once the hand-off is withdrawn
    (AT124) and when nothing was added since the hand-off (AT112)."""
    engine = store.engine
    # The tip is read before its document: its count of additions is never ahead of the text.
    tip = _handed_off(engine, tip_id, _("tip %(id)s has not been handed off: there is no hand-off to update"))
    if tip["withdrawn_at"]:
        raise errors.InputError(message=_("tip %(id)s's hand-off to %(p)s was withdrawn: nothing more goes to them")
                                % {"id": tip_id, "p": tip["partner"]}, code=errors.TIP_WITHDRAWN, http_status=409,
                                detail={"tip": tip_id})
    start = int(tip["handoff_chars"] or 0)
    doc, _record, text = handoff.masked_text(store, str(tip["doc_id"]), start)
    if len(doc.text) <= start:
        raise errors.not_found(_("nothing was added to tip %(id)s since its hand-off: there is no update to sign")
                               % {"id": tip_id}, tip=tip_id)
    through = int(tip["additions"])
    signals = handoff.signals_of(store, tip, keys, consortium_key, region)
    body = _body(tip, keys, "update", {"through": through, "text": text, "signals": signals})
    with write(engine) as conn:
        tipbook.mark_sent_additions(conn, tip_id, through)
        audit.append(engine, actor, "tip_update", str(tip["doc_id"]),
                     {"tip": tip_id, "to": tip["partner"], "handoff": tip["handoff_id"], "through": through,
                      "chars": len(doc.text) - start, "signals": len(signals["signals"])}, conn=conn)
    xs.record_export(engine, signals)
    return ts.get(engine, tip_id), body


def pending_updates(engine: sa.Engine, partner: str | None = None) -> list[dict[str, Any]]:
    """Handed-off tips (to `partner`) with additions by the tipster no signed file carried, withdrawn ones
    left out: what `send_updates` signs."""
    with read(engine) as conn:
        return tipbook.unsent_additions(conn, partner)


def updates_by_partner(engine: sa.Engine) -> list[tuple[str, int]]:
    """Each partner with tips whose additions wait for an update, and how many (the Tips page's downloads)."""
    counts: dict[str, int] = {}
    for tip in pending_updates(engine):
        counts[str(tip["partner"])] = counts.get(str(tip["partner"]), 0) + 1
    return sorted(counts.items())


def send_updates(store: Any, keys: OrgKeys, consortium_key: bytes, actor: str, partner: str | None = None,
                 region: str | None = None) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Sign an update for every tip `pending_updates` lists (each audited `tip_update`, as `update` does);
    a tip withdrawn, or whose document retention purged, since the list was read is left out (logged).
    Returns (tip, update) pairs; the caller writes the files."""
    out = []
    for tip in pending_updates(store.engine, partner):
        try:
            out.append(update(store, int(tip["id"]), keys, consortium_key, actor, region))
        except errors.InputError as exc:
            logging.getLogger(__name__).warning("tip %s: no update signed: %s", tip["id"], exc.message)
    return out


def file_name(tip: dict[str, Any], body: dict[str, Any]) -> str:
    """tip-7-to-ngo-b-withdrawal.json, tip-7-to-ngo-b-update-3.json (through its third addition)."""
    kind = str(body["kind"])
    last = f"-{body['update']['through']}" if kind == "update" else ""
    return f"tip-{tip['id']}-to-{handoff.safe(str(body['to']))}-{kind}{last}.json"


# --- the receiving side ---------------------------------------------------------------------------


def check_shape(body: dict[str, Any]) -> dict[str, Any]:
    """A version-3 file's own fields (the caller checked format and version)."""
    bad = handoff.bad
    if body.get("kind") not in KINDS:
        raise bad(_("unknown kind %(k)r of a hand-off's follow-up (this adtrace reads %(ours)s)")
                  % {"k": str(body.get("kind"))[:40], "ours": ", ".join(KINDS)}, "kind")
    if not (isinstance(body.get("id"), str) and handoff.ID.match(body["id"])):
        raise bad(_("a follow-up must name the id of its hand-off (32 lowercase hexadecimal characters)"), "id")
    for name in ("issuer", "key_id", "created_at", "to", "signature"):
        if not isinstance(body.get(name), str) or not body[name]:
            raise bad(_("missing or not a string"), name)
    part = body.get(body["kind"])
    if not isinstance(part, dict):
        raise bad(_("missing"), body["kind"])
    if body["kind"] == "withdrawal":
        if not (isinstance(part.get("reason"), str) and part["reason"].strip() and len(part["reason"]) <= MAX_REASON
                and isinstance(part.get("at"), str) and part["at"]):
            raise bad(_("a withdrawal needs a reason of at most %(n)s characters and a time") % {"n": MAX_REASON},
                      "withdrawal")
        return body
    through = part.get("through")
    if not (isinstance(through, int) and not isinstance(through, bool) and through > 0
            and isinstance(part.get("text"), str) and len(part["text"]) <= handoff.MAX_TEXT):
        raise bad(_("an update needs a positive count of additions and a text of at most %(n)s characters")
                  % {"n": f"{handoff.MAX_TEXT:,}"}, "update")
    if not isinstance(part.get("signals"), dict) or part["signals"].get("issuer") != body["issuer"]:
        raise bad(_("the embedded signals bundle is missing or from another issuer"), "update.signals")
    return body


def _lead_of(engine: sa.Engine, body: dict[str, Any]) -> dict[str, Any]:
    with read(engine) as conn:
        lead_id = tipbook.lead_id_of(conn, body["id"])
        row = None if lead_id is None else tipbook.lead_row(conn, lead_id)
    if row is None:
        raise errors.InputError(
            message=_("this file withdraws or updates hand-off %(h)s from %(i)s, which was never imported here")
            % {"h": body["id"], "i": body["issuer"][:60]},
            code=errors.UNKNOWN_HANDOFF, http_status=422, detail={"handoff": body["id"]},
            cli_hint=_("import the hand-off first with `adtrace tips import`, then this file"),
            web_hint=_("Import the hand-off first, then this file; or ask the sender for a copy of the hand-off"))
    if row["issuer"] != body["issuer"]:  # signed by a trusted key, but not by the organisation that sent the tip
        raise errors.InputError(
            message=_("this file withdraws or updates hand-off %(h)s, which came from %(lead)s, but %(i)s signed "
                      "it: only the sender of a hand-off may withdraw or update it")
            % {"h": body["id"], "lead": row["issuer"], "i": body["issuer"][:60]},
            code=errors.FOLLOWUP_ISSUER, http_status=403, detail={"handoff": body["id"], "lead": row["id"]})
    return row


def apply(engine: sa.Engine, body: dict[str, Any], actor: str,
          consortium_key: bytes | None) -> tuple[int, bool, dict[str, Any]]:
    """Apply a verified withdrawal or update to its lead; (lead id, whether it changed anything, what the
    import answer adds). Audited `tip_withdrawal_import` / `tip_update_import` when it did; a file imported
    again changes nothing."""
    row = _lead_of(engine, body)
    if body["kind"] == "withdrawal":
        return _withdraw(engine, body, row, actor)
    return _update(engine, body, row, actor, consortium_key)


def _withdraw(engine: sa.Engine, body: dict[str, Any], row: dict[str, Any],
              actor: str) -> tuple[int, bool, dict[str, Any]]:
    """Mark the lead withdrawn and stop the identifiers that came only with this tip (its hand-off and
    updates): their signals make no more leads, their leads say `withdrawn`. An identifier the issuer also
    shares in a bundle not withdrawn (its routine sharing, another tip) keeps matching: withdrawing one tip
    is not a retraction of the issuer's signal (`adtrace exchange retract` is)."""
    lead_id, part = int(row["id"]), body["withdrawal"]
    reason = part["reason"].strip()
    with write(engine) as conn:
        changed = tipbook.withdraw_lead(conn, lead_id, reason, part["at"], now())
        # Also when the lead was withdrawn already: a withdrawal imported before migration 0027 stopped
        # nothing, and importing its file again stops its identifiers now.
        stopped, kept = settle(conn, str(row["issuer"]), orjson.loads(row["signals"] or "[]"), (part["at"], reason))
        if changed or stopped:
            audit.append(engine, actor, "tip_withdrawal_import", f"tip-lead-{lead_id}",
                         {"handoff": body["id"], "issuer": body["issuer"], "reason": reason[:MAX_REASON],
                          "withdrawn_at": part["at"], "signals_stopped": stopped, "signals_kept": kept,
                          "again": not changed}, conn=conn)
    return lead_id, bool(changed or stopped), {"signals_stopped": stopped, "signals_kept": kept}


def settle(conn: sa.Connection, issuer: str, hashes: list[list[str]],
           withdrawal: tuple[str, str] | None = None) -> tuple[int, int]:
    """Bring the issuer's signals of `hashes` (type, hash) in line with the bundles that carried them: one
    carried by a bundle not withdrawn matches (again: its `withdrawn` leads reopen); with `withdrawal` (when,
    the reason), one carried only by withdrawn tips' bundles stops (its open leads `withdrawn`). Returns
    (stopped, kept: carried by a bundle not withdrawn)."""
    stopped = kept = 0
    for type_, hash_ in hashes:
        sid = bank.signal_id(conn, issuer, str(type_), str(hash_))
        signal = None if sid is None else bank.signal_row(conn, sid)
        if sid is None or signal is None:
            continue
        if tipbook.carried_by_active(conn, issuer, str(type_), str(hash_)):
            kept += 1
            if signal["withdrawn_at"] is not None:
                bank.set_withdrawn(conn, sid, None, None)
                # Open again, unless an analyst's hold stands (disabled, quarantined): then they wait in it.
                bank.set_lead_status(conn, sid, "withdrawn", bank.held_status({**signal, "withdrawn_at": None}))
        elif withdrawal is not None and signal["withdrawn_at"] is None:
            bank.set_withdrawn(conn, sid, *withdrawal)
            bank.set_lead_status(conn, sid, "open", "withdrawn")
            stopped += 1
    return stopped, kept


def _update(engine: sa.Engine, body: dict[str, Any], row: dict[str, Any], actor: str,
            consortium_key: bytes | None) -> tuple[int, bool, dict[str, Any]]:
    lead_id, part = int(row["id"]), body["update"]
    if row["added_through"] is not None and int(row["added_through"]) >= part["through"]:
        return lead_id, False, {}  # this update or a later one is here already: its signals too
    known = {tuple(h) for h in orjson.loads(row["signals"] or "[]")}
    late = row["withdrawn_at"] is not None
    bundle = None
    if not late:
        cid = consortium_key_id(consortium_key) if consortium_key else None
        report = xs.import_bundle(engine, part["signals"], cid)
        bundle = report.bundle_id
        if consortium_key is not None:
            xm.match_store(engine, consortium_key, full=True)
        known |= {(s["type"], s["hash"]) for s in part["signals"].get("signals", [])}
    # After the withdrawal (signed before it, arrived after): the tipster's text is information and stays
    # with the lead, but its identifiers are not imported, so nothing new matches on a tip not to act on.
    hashes = sorted(known)
    with write(engine) as conn:
        changed = tipbook.update_lead(conn, lead_id, part["text"], part["through"], body["created_at"],
                                      orjson.dumps([list(h) for h in hashes]).decode(), late)
        if bundle is not None:  # it came with this tip, whichever update the lead keeps
            tipbook.link_bundle(conn, lead_id, bundle)
        if changed:
            audit.append(engine, actor, "tip_update_import", f"tip-lead-{lead_id}",
                         {"handoff": body["id"], "issuer": body["issuer"], "through": part["through"],
                          "signals_bundle": bundle, "signals": len(hashes), "after_withdrawal": late}, conn=conn)
    if not late:
        return lead_id, changed, {}
    return lead_id, changed, {"after_withdrawal": True, "note": _(
        "this update arrived after the sender withdrew the tip: the tipster's text is on the lead, its "
        "identifiers were not imported (nothing new matches on a withdrawn tip)")}

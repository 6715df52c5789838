"""Analysts' side of public tips: the tips queue and its decisions, routing rules (admin), and the tip
leads that partners' hand-offs create here. Thin: everything is adtrace.tips (docs/tips.md).

Routing marks a tip for a partner; the Routed tab signs and downloads each partner's hand-offs with the
function `adtrace tips route` calls (`handoff.send`), so the web server needs the organisation's exchange keys
for it (docs/tips.md, "Signing from the Tips page"). Without them the page says what an admin must do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from adtrace import errors
from adtrace.app.auth import Ctx, require
from adtrace.app.data.lists import audit_list
from adtrace.app.pages.render import render
from adtrace.i18n import _
from adtrace.places.hotlines import COUNTRY_NAMES, hotline_or_default
from adtrace.storage import audit
from adtrace.tips import followup, handoff, intake
from adtrace.tips import store as ts

router = APIRouter()
MAX_HANDOFF = 2 * 1024 * 1024  # bytes: a tip and its signals are a few KB


def _queue(request: Request, status: str, error: str = "", code: int = 200) -> Response:
    engine = request.app.state.adtrace.engine
    rules = ts.rules(engine)
    items = ts.queue(engine, status)
    for t in items:
        t["suggested"] = ts.suggest(rules, str(t["country"]), str(t["about"]), str(t["lang"]))
    histories = ts.histories(engine, [int(t["id"]) for t in items])
    for t in items:
        t["history"] = histories.get(int(t["id"]), [])
        t["unsent"] = followup.unsent(t)
    countries = [str(t["country"]) for t in items if t["country"]]
    if items:  # tips carry what people reported (names, numbers): each view is audited like a document's
        audit.append(engine, request.state.ctx.user.username, "view_tips", status, {"tips": [t["id"] for t in items]})
    return render(request, "tips.html", {"items": items, "status": status, "counts": ts.counts(engine),
                                         "statuses": ts.STATUSES, "error": error, "country_names": COUNTRY_NAMES,
                                         "hotline": hotline_or_default(countries[:1]),
                                         "pending": ts.pending_by_partner(engine) if status == "routed" else [],
                                         "updates": followup.updates_by_partner(engine) if status == "routed" else []},
                  status=code)


@router.get("/tips")
def tips_page(request: Request, status: str = "new", ctx: Ctx = Depends(require("triage"))) -> Response:
    if status not in ts.STATUSES:
        status = "new"
    return _queue(request, status)


@router.post("/tips/{tip_id}/decide")
def tips_decide(request: Request, tip_id: int, decision: str = Form(...), reason: str = Form(""),
                partner: str = Form(""), status: str = Form("new"), ctx: Ctx = Depends(require("triage"))) -> Response:
    engine = request.app.state.adtrace.engine
    try:
        tip = ts.decide(engine, tip_id, decision, ctx.user.username, reason, partner or None)
    except errors.InputError as exc:
        if exc.code == errors.NOT_FOUND:
            raise
        # 409 for a tip already handed off (the page shows it no buttons: a stale page or a crafted post)
        return _queue(request, status if status in ts.STATUSES else "new", exc.web_text, exc.http_status)
    audit.append(engine, ctx.user.username, "tip_decision", str(tip["doc_id"]),
                 {"tip": tip_id, "decision": decision, "partner": tip["partner"], "reason": reason[:200]})
    return RedirectResponse(f"/tips?status={status if status in ts.STATUSES else 'new'}", status_code=303)


def _keys_missing(exc: errors.ConfigError) -> None:
    logging.getLogger(__name__).warning("tip hand-offs cannot be signed: %s", exc.message)


def _no_keys(exc: errors.ConfigError) -> str:
    """What an analyst reads when the server cannot sign (the paths and commands go to the server's log)."""
    _keys_missing(exc)
    if exc.code == errors.NO_KEYS:
        return _("Hand-offs cannot be signed on this server: it does not have the organisation's exchange keys "
                 "(the signing key and the consortium key). The tips stay routed, hand-off pending. Ask an "
                 "administrator to install the keys for the web server, or to sign the pending hand-offs on the "
                 "computer that holds them (docs/tips.md, \"Signing from the Tips page\").")
    return _("Hand-offs cannot be signed on this server: its exchange key files cannot be read. The tips stay "
             "routed, hand-off pending. Ask an administrator to restore the key files from their backup (the "
             "server's log names the file).")


@router.post("/tips/handoffs")
def handoffs_download(request: Request, partner: str = Form(""), ctx: Ctx = Depends(require("triage"))) -> Response:
    """Sign the hand-offs of every tip routed to `partner` and not yet handed off, as one zip: the same
    function and files as `adtrace tips route --partner`; each tip audited (tip_handoff), the download too."""
    from adtrace.exchange import keys as xk

    state = request.app.state.adtrace
    if not partner or partner not in dict(ts.pending_by_partner(state.engine)):  # never "" = every partner
        return _queue(request, "routed", _("No hand-off is waiting for %(p)s: it may have been downloaded "
                                           "already. The list below is up to date.") % {"p": partner[:60]}, 422)
    try:
        ring, key = xk.load(None), xk.consortium_key(None)  # where the CLI looks without --keys
    except errors.ConfigError as exc:
        return _queue(request, "routed", _no_keys(exc), 503)
    sent = handoff.send(state.store, ring, key, ctx.user.username, partner)
    if not sent:  # every one's document was purged by retention (logged by send)
        return _queue(request, "routed", _("The tips routed to %(p)s were deleted by retention: there is nothing "
                                           "left to hand off.") % {"p": partner[:60]}, 422)
    return _zip_reply(state, ctx.user.username, partner, sent, "tip-handoffs",
                      [handoff.handoff_id(b) for _t, b in sent])


def _zip_reply(state: Any, actor: str, partner: str, sent: list[tuple[dict[str, Any], dict[str, Any]]], stem: str,
               handoffs: list[str], name: Callable[[dict[str, Any], dict[str, Any]], str] | None = None,
               **extra: str) -> Response:
    """The signed files as one zip download (`stem`-to-partner.zip), the download audited once as an export."""
    audit.append(state.engine, actor, "export", "tip-handoffs",
                 {"format": "zip", "to": partner, "tips": [int(t["id"]) for t, _b in sent], "handoffs": handoffs,
                  **extra, "redacted": True})
    return Response(handoff.zipped(sent, name), media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{stem}-to-{handoff.safe(partner)}.zip"'})


@router.post("/tips/updates")
def updates_download(request: Request, partner: str = Form(""), ctx: Ctx = Depends(require("triage"))) -> Response:
    """Sign an update for every tip handed off to `partner` with additions not yet sent, as one zip: the same
    function and files as `adtrace tips update --partner`; each tip audited (tip_update), the download too."""
    from adtrace.exchange import keys as xk

    state = request.app.state.adtrace
    nothing = _("No update is waiting for %(p)s: it may have been downloaded already. The list below is up to "
                "date.") % {"p": partner[:60]}
    if not partner or partner not in dict(followup.updates_by_partner(state.engine)):  # never "" = every partner
        return _queue(request, "routed", nothing, 422)
    try:
        ring, key = xk.load(None), xk.consortium_key(None)
    except errors.ConfigError as exc:
        _keys_missing(exc)
        return _queue(request, "routed", _("Updates cannot be signed on this server: it does not have the "
                                           "organisation's exchange keys, or cannot read them (the server's log "
                                           "says which). Sign them on the computer that holds the keys: "
                                           "adtrace tips update --partner %(p)s -o FOLDER") % {"p": partner[:60]}, 503)
    sent = followup.send_updates(state.store, ring, key, ctx.user.username, partner)
    if not sent:  # each was withdrawn or purged since the page was read (logged by send_updates)
        return _queue(request, "routed", nothing, 422)
    return _zip_reply(state, ctx.user.username, partner, sent, "tip-updates", [str(b["id"]) for _t, b in sent],
                      followup.file_name, kind="update")


@router.post("/tips/{tip_id}/handoff/copy")
def handoff_copy(request: Request, tip_id: int, ctx: Ctx = Depends(require("admin"))) -> Response:
    """Sign again a tip's past hand-off (a lost download), admins only: the same id, tip and file name as the
    first, so the partner's import keeps one lead. Audited `tip_handoff_copy` and as an export."""
    from adtrace.exchange import keys as xk

    state = request.app.state.adtrace
    try:
        ring, key = xk.load(None), xk.consortium_key(None)
    except errors.ConfigError as exc:
        _keys_missing(exc)
        return _queue(request, "routed", _("A copy cannot be signed on this server: it does not have the "
                                           "organisation's exchange keys, or cannot read them (the server's log "
                                           "says which). Sign the copy on the computer that holds the keys: "
                                           "adtrace tips copy %(id)s -o FOLDER") % {"id": tip_id}, 503)
    try:
        tip, body = handoff.copy_of(state.store, tip_id, ring, key, ctx.user.username)
    except errors.InputError as exc:
        return _queue(request, "routed", exc.web_text, exc.http_status)
    audit.append(state.engine, ctx.user.username, "export", "tip-handoffs",
                 {"format": "json", "to": body["to"], "tips": [tip_id], "handoffs": [body["id"]], "copy": True,
                  "redacted": True})
    return Response(handoff.encoded(body), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{handoff.file_name(tip, body)}"'})


def _signer(request: Request, tip_id: int, what: str, consortium: bool = True) -> tuple[Any, bytes | None] | Response:
    """The organisation's keys (its consortium key when `consortium`: a withdrawal carries no signals), or the
    Routed tab saying the server cannot sign (`what`: the command that signs it where the keys are)."""
    from adtrace.exchange import keys as xk

    try:
        return xk.load(None), xk.consortium_key(None) if consortium else None
    except errors.ConfigError as exc:
        _keys_missing(exc)
        return _queue(request, "routed", _("This cannot be signed on this server: it does not have the "
                                           "organisation's exchange keys, or cannot read them (the server's log "
                                           "says which). Sign it on the computer that holds the keys: "
                                           "%(command)s") % {"command": what % {"id": tip_id}}, 503)


def _signed_file(request: Request, actor: str, tip: dict[str, Any], body: dict[str, Any]) -> Response:
    """A withdrawal or an update as a download, audited as an export too."""
    audit.append(request.app.state.adtrace.engine, actor, "export", "tip-handoffs",
                 {"format": "json", "to": body["to"], "tips": [int(tip["id"])], "handoffs": [body["id"]],
                  "kind": body["kind"], "redacted": True})
    return Response(handoff.encoded(body), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{followup.file_name(tip, body)}"'})


@router.post("/tips/{tip_id}/withdraw")
def handoff_withdraw(request: Request, tip_id: int, reason: str = Form(""),
                     ctx: Ctx = Depends(require("admin"))) -> Response:
    """Withdraw a tip's hand-off, admins only (the partner stops acting on the tip on our word): a signed
    withdrawal to send to the partner; the tip's history says withdrawn. Audited `tip_withdrawal`."""
    keys = _signer(request, tip_id, "adtrace tips withdraw %(id)s", consortium=False)
    if isinstance(keys, Response):
        return keys
    try:
        tip, body = followup.withdraw(request.app.state.adtrace.engine, tip_id, reason, keys[0], ctx.user.username)
    except errors.InputError as exc:
        return _queue(request, "routed", exc.web_text, exc.http_status)
    return _signed_file(request, ctx.user.username, tip, body)


@router.post("/tips/{tip_id}/update")
def handoff_update(request: Request, tip_id: int, ctx: Ctx = Depends(require("triage"))) -> Response:
    """Sign an update of a tip's hand-off carrying every addition since it (those who route sign hand-offs,
    so updates too). Audited `tip_update`."""
    keys = _signer(request, tip_id, "adtrace tips update %(id)s")
    if isinstance(keys, Response):
        return keys
    try:
        tip, body = followup.update(request.app.state.adtrace.store, tip_id, keys[0], keys[1] or b"",
                                    ctx.user.username)
    except errors.InputError as exc:
        return _queue(request, "routed", exc.web_text, exc.http_status)
    return _signed_file(request, ctx.user.username, tip, body)


@router.get("/tips/rules")
def rules_page(request: Request, ctx: Ctx = Depends(require("admin")), error: str = "") -> Response:
    engine = request.app.state.adtrace.engine
    return render(request, "tip_rules.html", {"rules": ts.rules(engine), "abouts": ts.RULE_ABOUT[1:],
                                              "langs": intake.LANGS, "country_names": COUNTRY_NAMES, "error": error})


@router.post("/tips/rules")
def rules_add(request: Request, partner: str = Form(""), country: str = Form(""), about: str = Form(""),
              lang: str = Form(""), note: str = Form(""), ctx: Ctx = Depends(require("admin"))) -> Response:
    engine = request.app.state.adtrace.engine
    try:
        rule_id = ts.add_rule(engine, ctx.user.username, partner, country, about, lang, note)
    except errors.InputError as exc:
        return render(request, "tip_rules.html", {"rules": ts.rules(engine), "abouts": ts.RULE_ABOUT[1:],
                                                  "langs": intake.LANGS, "country_names": COUNTRY_NAMES,
                                                  "error": exc.web_text}, status=422)
    audit.append(engine, ctx.user.username, "tip_rule", str(rule_id),
                 {"added": {"partner": partner, "country": country, "about": about, "lang": lang}})
    return RedirectResponse("/tips/rules", status_code=303)


@router.post("/tips/rules/{rule_id}/remove")
def rules_remove(request: Request, rule_id: int, ctx: Ctx = Depends(require("admin"))) -> Response:
    engine = request.app.state.adtrace.engine
    ts.remove_rule(engine, rule_id)
    audit.append(engine, ctx.user.username, "tip_rule", str(rule_id), {"removed": True})
    return RedirectResponse("/tips/rules", status_code=303)


@router.get("/tips/leads")
def leads_page(request: Request, ctx: Ctx = Depends(require("triage")), error: str = "", lead: int = 0,
               stopped: int = -1, kept: int = 0, late: bool = False) -> Response:
    """The tip leads; after an upload (`lead`, and what the import said) a line on what it did."""
    leads = handoff.leads(request.app.state.adtrace.engine)
    audit_list(request, ctx, "tip_leads", [lead["id"] for lead in leads])
    shown = next((row for row in leads if int(row["id"]) == lead), None)
    return render(request, "tip_leads.html", {"leads": leads, "error": error,
                                              "done": _said(shown, lead, stopped, kept, late)})


def _said(shown: dict[str, Any] | None, lead: int, stopped: int, kept: int, late: bool) -> str:
    # The query string is anyone's link: the line is said only of a lead that is in that state.
    if shown is None or not shown.get("withdrawn_at"):
        return ""
    if late and not shown.get("added_after_withdrawal"):
        return ""
    if late:
        return _("Lead %(id)s: this update arrived after the sender withdrew the tip. Its text is on the lead; its "
                 "identifiers were not imported, so it links no ad.") % {"id": lead}
    if stopped >= 0:
        return _("Lead %(id)s is withdrawn by its sender. Identifiers that came only with this tip no longer match "
                 "our ads: %(stopped)s; shared by the sender in other bundles, still matching: %(kept)s.") % {
            "id": lead, "stopped": stopped, "kept": kept}
    return ""


@router.post("/tips/leads/import")
async def leads_import(request: Request, file: UploadFile = File(...), ctx: Ctx = Depends(require("import"))) -> Response:
    """A partner's hand-off file, uploaded: verified, its signals matched here, a tip lead made, audited."""
    import orjson
    from starlette.concurrency import run_in_threadpool

    from adtrace.exchange import keys as xk

    engine = request.app.state.adtrace.engine
    raw = await file.read(MAX_HANDOFF + 1)
    try:
        if len(raw) > MAX_HANDOFF:
            raise errors.InputError(message=_("The hand-off file is over 2 MB; a tip hand-off is a few KB. Is it "
                                              "the right file?"), code=errors.TOO_LARGE, http_status=413)
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise errors.InputError(message=_("The file is not JSON; choose the .json hand-off the partner sent."),
                                    code=errors.BAD_HANDOFF) from None
        try:
            key: bytes | None = xk.consortium_key(None)
        except errors.ConfigError:
            key = None  # the lead is made; its ads are matched once the consortium key is installed
        try:
            me: str | None = xk.load(None).org
        except errors.ConfigError:
            me = None  # no organisation keys here: the file's `to` cannot be checked
        got = await run_in_threadpool(handoff.receive, engine, body, ctx.user.username, key, me)
    except (errors.InputError, errors.AuthError) as exc:
        message = exc.web_text
        if exc.code == errors.UNKNOWN_ISSUER:  # more than the error's web hint: what to check, then try again
            message = _("The hand-off comes from an organisation this installation does not trust yet. Ask an "
                        "administrator to check that organisation's public key with them (not through the file "
                        "itself) and to add it to the trusted keys; then upload the file again.")
        return render(request, "tip_leads.html", {"leads": handoff.leads(engine), "error": message},
                      status=exc.http_status)
    if got.get("after_withdrawal"):
        return RedirectResponse(f"/tips/leads?lead={int(got['id'])}&late=1", status_code=303)
    if "signals_stopped" in got:
        return RedirectResponse(f"/tips/leads?lead={int(got['id'])}&stopped={int(got['signals_stopped'])}"
                                f"&kept={int(got['signals_kept'])}", status_code=303)
    return RedirectResponse("/tips/leads", status_code=303)

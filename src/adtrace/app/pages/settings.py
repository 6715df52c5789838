"""Settings (admins): risk thresholds with their measured false-positive rate, retention and purge.

A threshold's false-positive rate is the share of benign documents scoring at or above it. "Benign"
comes from review decisions when there are any (the newest decision per document is `dismiss`),
else from a synthetic truth file (ADTRACE_TRUTH, e.g. the demo's truth.jsonl: `benign: true`). The
page says which, and how many benign documents the figure rests on.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from adtrace import errors
from adtrace.app import accounts
from adtrace.app.auth import Ctx, client_of, require
from adtrace.app.data.settings import false_positive_rates, get_settings, put_setting, save_thresholds
from adtrace.app.pages import measured
from adtrace.app.pages.render import render
from adtrace.cases import alerts, retention
from adtrace.cases.notify import Notifier
from adtrace.i18n import gettext
from adtrace.storage.db import read

router = APIRouter()


def _page(request: Request, purge: retention.PurgeReport | None = None, error: str = "", status: int = 200,
          errs: dict[str, str] | None = None, typed: dict[str, Any] | None = None) -> Response:
    """`errs`/`typed`: a refused form answers with its error beside the field and what was typed kept."""
    engine = request.app.state.adtrace.engine
    s = get_settings(engine)
    with read(engine) as conn:
        rates = measured.per_level(conn)
    relevelled = request.query_params.get("relevelled", "")
    raised = request.query_params.get("alerts", "")
    return render(request, "settings.html", {"s": s, "fp": false_positive_rates(engine, s["thresholds"]),
                                             "purge": purge, "error": error, "tokens": accounts.list_tokens(engine),
                                             "errors": errs or {}, "typed": typed or {}, "measured": rates,
                                             "relevelled": relevelled if relevelled.isdigit() else "",
                                             "raised": raised if raised.isdigit() and int(raised) else ""},
                  status=status)


def _confirmed(request: Request, ctx: Ctx, password: str) -> None:
    """Destructive settings need the admin's password typed again: a form that a hostile fragment swaps
    into a page carries the session's CSRF header, but never the password (docs/security.md)."""
    accounts.confirm_password(request.app.state.adtrace.engine, ctx.user, password, client_of(request))


@router.get("/settings")
def settings_page(request: Request, ctx: Ctx = Depends(require("admin"))) -> Response:
    return _page(request)


@router.post("/settings")
def settings_save(request: Request, background: BackgroundTasks, elevated: float = Form(...), high: float = Form(...),
                  retention_days: int = Form(...), password: str = Form(""),
                  ctx: Ctx = Depends(require("admin"))) -> Response:
    engine = request.app.state.adtrace.engine
    typed = {"elevated": elevated, "high": high, "retention_days": retention_days}
    try:
        _confirmed(request, ctx, password)
    except errors.AuthError as exc:
        return _page(request, status=exc.http_status, errs={"password": exc.web_text}, typed=typed)
    changed = raised = 0
    try:
        retention.cutoff_of(retention_days)  # validates before anything is saved
        old = get_settings(engine)["thresholds"]
        if (old.get("elevated"), old.get("high")) != (elevated, high):
            saved = save_thresholds(engine, ctx.user.username, elevated, high)
            changed, raised = saved.changed, len(saved.alerts)
            # Stored already; the webhook and e-mail go out after the response (a webhook may take seconds).
            background.add_task(alerts.announce, saved.alerts, Notifier(), engine)
    except errors.InputError as exc:
        field = {"days": "retention_days"}.get(str(exc.detail.get("field")), str(exc.detail.get("field") or "high"))
        return _page(request, status=422, errs={field: exc.web_text}, typed=typed)
    put_setting(engine, ctx.user.username, "retention_days", retention_days)
    return RedirectResponse(f"/settings?relevelled={changed}&alerts={raised}", status_code=303)


@router.post("/settings/purge")
def settings_purge(request: Request, confirm: str = Form(""), password: str = Form(""),
                   ctx: Ctx = Depends(require("admin"))) -> Response:
    """Without `confirm`: a dry run (counts, audited). A real purge needs `confirm` = "delete N", N being
    the count the dry run showed and still true now, and the admin's password."""
    engine = request.app.state.adtrace.engine
    days = int(get_settings(engine)["retention_days"])
    if not confirm:
        return _page(request, retention.purge(engine, days, ctx.user.username, dry_run=True))
    words = confirm.strip().split()
    if len(words) != 2 or words[0] != "delete" or not words[1].isdigit():
        return _page(request, error=gettext("type the confirmation exactly as shown: delete and the number of documents"),
                     status=422)
    try:
        _confirmed(request, ctx, password)
        report = retention.purge(engine, days, ctx.user.username, dry_run=False, confirm_count=int(words[1]))
    except (errors.AuthError, errors.InputError) as exc:
        return _page(request, error=exc.web_text, status=exc.http_status)
    return _page(request, report)


@router.post("/settings/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: str, ctx: Ctx = Depends(require("admin"))) -> Response:
    """Revoke one API token (audited); this server refuses it at once."""
    state = request.app.state.adtrace
    try:
        accounts.revoke_token(state.engine, token_id, ctx.user.username)
    except errors.AuthError as exc:
        return _page(request, error=exc.web_text, status=exc.http_status)
    state.tokens.clear()
    return RedirectResponse("/settings#tokens", status_code=303)

"""The public tip form under /public/tip: no account, its own rate limit, bounded bodies, a honeypot.

CSRF without an account works as the login form does: GET sets a random token in a SameSite=Strict
cookie (path /public/tip) and the same token in the form; a POST whose token does not match is refused,
and a cross-site POST carries no Strict cookie. The cookie is never stored server-side. The routes are
listed as public in tests/app/test_app_rbac.py; everything else here is adtrace.tips (docs/tips.md).
"""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from adtrace import errors
from adtrace.app.auth import client_of, secure_cookie
from adtrace.app.pages.render import render
from adtrace.i18n import _
from adtrace.places.hotlines import COUNTRY_NAMES, hotline_or_default, table
from adtrace.storage import audit
from adtrace.tips import intake
from adtrace.tips import store as ts
from adtrace.tips.limits import ClientLimiter, Throttled, TipLimits, parse_form, read_bounded

router = APIRouter()
PREFIX = "/public/tip"
CSRF_COOKIE = "adtrace_tip_csrf"
HONEYPOT = "website"  # hidden from people by CSS; bots that fill every field fill it
ACTOR = "public"  # the audit log's actor for tips: nobody is named


@dataclass
class TipsConfig:
    limits: TipLimits
    limiter: ClientLimiter
    link: bool = True  # link each tip at once (tests of the form alone may turn it off)


def configure(app: FastAPI, limits: TipLimits | None = None, clock: Any = None, link: bool | None = None) -> TipsConfig:
    """The form's limits for this app (default ADTRACE_TIP_*); `clock` makes the rate limit testable.
    `link` (default: ADTRACE_TIP_LINK, on unless 0): link each tip as it arrives, else at the next `adtrace link`."""
    limits = limits or TipLimits.from_env()
    if link is None:
        link = os.environ.get("ADTRACE_TIP_LINK", "1").strip() != "0"
    limiter = ClientLimiter(limits.rate, limits.window, clock) if clock else ClientLimiter(limits.rate, limits.window)
    cfg = TipsConfig(limits, limiter, link)
    app.state.tips = cfg
    return cfg


def _config(request: Request) -> TipsConfig:
    cfg = getattr(request.app.state, "tips", None)
    return cfg if isinstance(cfg, TipsConfig) else configure(request.app)


def page_lang(request: Request, fields: dict[str, str] | None = None) -> str:
    """The language the tipster reads: the form's, ?lang=, else the first of Accept-Language we have."""
    chosen = (fields or {}).get("lang") or request.query_params.get("lang") or ""
    if chosen[:2].lower() in intake.LANGS:
        return chosen[:2].lower()
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip()[:2].lower()
        if tag in intake.LANGS:
            return tag
    return "en"


def _countries() -> list[tuple[str, str]]:
    return sorted(((code, _(COUNTRY_NAMES.get(code, code))) for code in table()), key=lambda c: c[1])


def _page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    country = str(context.get("form", {}).get("country", "")) if isinstance(context.get("form"), dict) else ""
    response = render(request, name, {"tip_csrf": token, "prefix": PREFIX, "countries": _countries(),
                                      "abouts": intake.ABOUT, "honeypot": HONEYPOT, "lang": page_lang(request),
                                      "hotline": hotline_or_default([country]), "max_text": intake.MAX_TEXT,
                                      **context}, status=status)
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookie(request),
                        max_age=3600, path=PREFIX)
    return response


def _throttled(request: Request, name: str, wait: int, **context: Any) -> Response:
    response = _page(request, name, 429, error=_("Too many tips from here in a short time. Please wait "
                                                   "%(minutes)s minutes and try again.") % {"minutes": max(1, (wait + 59) // 60)},
                     **context)
    response.headers["Retry-After"] = str(wait)
    return response


async def _read(request: Request) -> dict[str, str]:
    """The post's fields, after the rate limit and size limit (both refuse before anything is kept)."""
    cfg = _config(request)
    cfg.limiter.hit(client_of(request))
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    body = await read_bounded(request.headers.get("content-length"), request.stream(), cfg.limits.max_body)
    if kind != "application/x-www-form-urlencoded":
        raise errors.InputError(message=_("Please send the tip with the form on this page."), code=errors.BAD_TIP,
                                http_status=415)
    fields = parse_form(body)
    expected = request.cookies.get(CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(fields.get("csrf", ""), expected):
        raise errors.InputError(message=_("The form expired or came from another site. Nothing was sent; please "
                                          "write your tip again on this page."), code=errors.BAD_TIP, http_status=403)
    return fields


@router.get(PREFIX)
def tip_form(request: Request) -> Response:
    return _page(request, "tip_form.html", form={})


@router.post(PREFIX)
async def tip_submit(request: Request) -> Response:
    fields: dict[str, str] = {}
    try:
        fields = await _read(request)
        if fields.get(HONEYPOT, "").strip():
            # A bot: show what a person would see, store nothing (a made-up receipt leads nowhere).
            return _page(request, "tip_thanks.html", receipt=intake.new_receipt(), form={})
        form = intake.check(fields)
        store = request.app.state.adtrace.store
        receipt = await run_in_threadpool(intake.submit, store, form, link=_config(request).link)
    except Throttled as t:
        return _throttled(request, "tip_form.html", t.retry_after, form={})
    except errors.AdtraceError as exc:
        safe = {k: v for k, v in fields.items() if k in ("text", "where", "country", "about")}
        return _page(request, "tip_form.html", exc.http_status, error=exc.web_text, form=safe)
    audit.append(request.app.state.adtrace.engine, ACTOR, "tip", receipt.doc_id, {"tip": receipt.tip_id})
    return _page(request, "tip_thanks.html", receipt=receipt.code, form={"country": form.country})


def _known(request: Request, receipt: str) -> None:
    if len(receipt) > 64 or ts.by_receipt(request.app.state.adtrace.engine, intake.receipt_hash(receipt)) is None:
        raise errors.InputError(message=_("This receipt code is not known. Check it, or send a new tip."),
                                code=errors.NO_SUCH_RECEIPT, http_status=404)


@router.get(PREFIX + "/{receipt}")
def tip_more_form(request: Request, receipt: str) -> Response:
    try:
        _config(request).limiter.hit(client_of(request))  # receipts cannot be tried by the thousand
        _known(request, receipt)
    except Throttled as t:
        return _throttled(request, "tip_more.html", t.retry_after, receipt=receipt, known=False)
    except errors.AdtraceError as exc:
        return _page(request, "tip_more.html", exc.http_status, error=exc.web_text, receipt=receipt, known=False)
    return _page(request, "tip_more.html", receipt=receipt, known=True)


@router.post(PREFIX + "/{receipt}")
async def tip_more(request: Request, receipt: str) -> Response:
    try:
        fields = await _read(request)
        if fields.get(HONEYPOT, "").strip():
            return _page(request, "tip_more.html", receipt=receipt, known=True, added=True)
        store = request.app.state.adtrace.store
        tip_id, doc_id = await run_in_threadpool(intake.add, store, receipt[:64], fields.get("text", ""),
                                         link=_config(request).link)
    except Throttled as t:
        return _throttled(request, "tip_more.html", t.retry_after, receipt=receipt, known=True)
    except errors.AdtraceError as exc:
        known = exc.code != errors.NO_SUCH_RECEIPT
        return _page(request, "tip_more.html", exc.http_status, error=exc.web_text, receipt=receipt, known=known)
    audit.append(request.app.state.adtrace.engine, ACTOR, "tip", doc_id, {"tip": tip_id, "added": True})
    return _page(request, "tip_more.html", receipt=receipt, known=True, added=True)

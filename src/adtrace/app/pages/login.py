"""Sign in and out. Failed attempts are throttled per address and lock the account after five.

The login form is CSRF-protected too (a cross-site form must not sign the victim into the attacker's
account): GET /login sets a random token in a SameSite=Strict cookie and the same token in the form;
POST /login refuses a form whose token does not match the cookie (a cross-site POST carries no cookie).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from adtrace import errors
from adtrace.app import accounts
from adtrace.app.auth import COOKIE, Ctx, client_of, optional_ctx, require, secure_cookie
from adtrace.app.pages.render import local_path, render
from adtrace.i18n import gettext
from adtrace.storage import audit

router = APIRouter()
LOGIN_CSRF = "adtrace_login_csrf"


def _form(request: Request, next: str, status: int = 200, **extra: object) -> Response:
    token = request.cookies.get(LOGIN_CSRF) or secrets.token_urlsafe(24)
    response = render(request, "login.html", {"next": local_path(next), "login_csrf": token, **extra}, status=status)
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", secure=secure_cookie(request),
                        max_age=3600, path="/login")
    return response


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    if optional_ctx(request) is not None:
        return RedirectResponse(local_path(next), status_code=303)
    return _form(request, next)


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/"),
          csrf: str = Form("")) -> Response:
    state = request.app.state.adtrace
    client = client_of(request)
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not hmac.compare_digest(csrf, expected):
        return _form(request, next, 403, error=gettext("the sign-in form expired or came from another site; sign in here "
                                                   "again"), username=username)
    try:
        state.throttle.check(client)
        user = accounts.authenticate(state.engine, username.strip(), password, client)
    except errors.AuthError as exc:
        # A wrong or locked password is shown beside the password field; throttling is about the form.
        where = "password" if exc.code in (accounts.BAD_LOGIN, accounts.LOCKED) else ""
        return _form(request, next, exc.http_status, error=exc.web_text, username=username, error_field=where)
    token, _csrf = accounts.new_session(state.engine, user)
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(COOKIE, state.signer.dumps(token), httponly=True, samesite="strict",
                        secure=secure_cookie(request), max_age=int(accounts.SESSION_TTL.total_seconds()))
    response.delete_cookie(LOGIN_CSRF, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, ctx: Ctx = Depends(require("dashboard"))) -> Response:
    state = request.app.state.adtrace
    if ctx.via == "session":
        accounts.end_session(state.engine, str(state.signer.loads(request.cookies.get(COOKIE, ""))))
    audit.append(state.engine, ctx.user.username, "logout", ctx.user.username)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response

"""Sign in and out. Failed attempts are throttled per address and lock the account after five."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from adtrace import errors
from adtrace.app import accounts, audit
from adtrace.app.auth import COOKIE, Ctx, client_of, optional_ctx, require
from adtrace.app.pages.render import render

router = APIRouter()


def _safe_next(target: str) -> str:
    # Only paths on this site: never send a fresh session to another host.
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    if optional_ctx(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/")) -> Response:
    state = request.app.state.adtrace
    client = client_of(request)
    try:
        state.throttle.check(client)
        user = accounts.authenticate(state.engine, username.strip(), password, client)
    except errors.AuthError as exc:
        return render(request, "login.html", {"next": _safe_next(next), "error": exc.message,
                                              "username": username}, status=exc.http_status)
    token, _csrf = accounts.new_session(state.engine, user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(COOKIE, state.signer.dumps(token), httponly=True, samesite="strict",
                        secure=state.secure_cookies, max_age=int(accounts.SESSION_TTL.total_seconds()))
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

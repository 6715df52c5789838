"""Users (admins) and Account (everyone): the browser side of `adtrace user ...`, through the same
functions in `adtrace.app.accounts` and therefore the same checks and audit entries.

Every change an admin makes here asks for the admin's own password again, as Settings does: a form that
a hostile fragment swaps into a page carries the session's CSRF header, never the password
(docs/security.md). A new or reset password and a new API token are shown once, in the answer to the
POST that made them, and are never stored in clear.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from adtrace import errors, i18n
from adtrace.app import accounts
from adtrace.app.auth import COOKIE, Ctx, client_of, require
from adtrace.app.locale import COOKIE as LANG_COOKIE
from adtrace.app.pages.render import local_path, render
from adtrace.i18n import gettext

router = APIRouter()


def field_of(exc: errors.AdtraceError, default: str, rename: dict[str, str] | None = None) -> dict[str, str]:
    """The error keyed by the form field it belongs to (templates show it beside that field)."""
    name = str(exc.detail.get("field") or default)
    return {(rename or {}).get(name, name): exc.web_text}


def _confirm(request: Request, ctx: Ctx, password: str) -> None:
    accounts.confirm_password(request.app.state.adtrace.engine, ctx.user, password, client_of(request))


def _users_page(request: Request, *, errs: dict[str, str] | None = None, form: dict[str, Any] | None = None,
                once: dict[str, str] | None = None, status: int = 200) -> Response:
    engine = request.app.state.adtrace.engine
    errs = errs or {}
    # The user whose Manage box an error belongs to ("role-alice.password" -> alice): it opens there.
    scopes = [k.split(".", 1)[0] for k in errs] + [str((form or {}).get("scope", ""))]
    open_user = next((s.split("-", 1)[1] for s in scopes if "-" in s), None)
    return render(request, "users.html", {"users": accounts.list_users(engine), "roles": accounts.ROLES,
                                          "tokens": accounts.list_tokens(engine), "errors": errs,
                                          "form": form or {}, "once": once, "open_user": open_user,
                                          "min_password": accounts.MIN_PASSWORD}, status=status)


@router.get("/users")
def users_page(request: Request, ctx: Ctx = Depends(require("admin"))) -> Response:
    return _users_page(request)


@router.post("/users")
def add_user(request: Request, username: str = Form(""), role: str = Form("analyst"), new_password: str = Form(""),
             random: str = Form(""), password: str = Form(""), ctx: Ctx = Depends(require("admin"))) -> Response:
    """Add an account with a typed password (strength-checked) or a random one shown once."""
    form = {"username": username, "role": role, "random": bool(random), "scope": "add"}
    engine = request.app.state.adtrace.engine
    chosen = accounts.random_password() if random else new_password
    try:
        _confirm(request, ctx, password)
    except errors.AuthError as exc:
        return _users_page(request, errs={"add.password": exc.web_text}, form=form, status=exc.http_status)
    try:
        accounts.add_user(engine, username.strip(), role, chosen, actor=ctx.user.username)
    except errors.AuthError as exc:
        errs = {f"add.{k}": v for k, v in field_of(exc, "username", {"password": "new_password"}).items()}
        return _users_page(request, errs=errs, form=form, status=exc.http_status)
    once = {"what": gettext("password of %(user)s") % {"user": username.strip()}, "value": chosen} if random else None
    return _users_page(request, once=once, status=201)


def _user_action(request: Request, ctx: Ctx, username: str, password: str, scope: str,
                 form: dict[str, Any] | None = None) -> Response | None:
    try:
        _confirm(request, ctx, password)
    except errors.AuthError as exc:
        return _users_page(request, errs={f"{scope}.password": exc.web_text},
                           form={"scope": scope, "target": username, **(form or {})}, status=exc.http_status)
    return None


@router.post("/users/{username}/role")
def change_role(request: Request, username: str, role: str = Form(""), password: str = Form(""),
                ctx: Ctx = Depends(require("admin"))) -> Response:
    scope = f"role-{username}"
    if (refused := _user_action(request, ctx, username, password, scope, {"role": role})) is not None:
        return refused
    try:
        accounts.set_role(request.app.state.adtrace.engine, username, role, actor=ctx.user.username)
    except errors.AuthError as exc:
        return _users_page(request, errs={f"{scope}.role": exc.web_text}, form={"scope": scope, "role": role},
                           status=exc.http_status)
    request.app.state.adtrace.tokens.clear()  # the role travels with cached tokens: forget them
    return RedirectResponse(f"/users#user-{username}", status_code=303)


@router.post("/users/{username}/active")
def set_active(request: Request, username: str, active: str = Form(""), password: str = Form(""),
               ctx: Ctx = Depends(require("admin"))) -> Response:
    scope = f"active-{username}"
    if (refused := _user_action(request, ctx, username, password, scope)) is not None:
        return refused
    try:
        accounts.set_active(request.app.state.adtrace.engine, username, active == "1", actor=ctx.user.username)
    except errors.AuthError as exc:
        return _users_page(request, errs={f"{scope}.password": exc.web_text}, status=exc.http_status)
    request.app.state.adtrace.tokens.clear()
    return RedirectResponse(f"/users#user-{username}", status_code=303)


@router.post("/users/{username}/reset")
def reset(request: Request, username: str, password: str = Form(""),
          ctx: Ctx = Depends(require("admin"))) -> Response:
    """A new random password, shown once (the account is unlocked and its sessions end)."""
    scope = f"reset-{username}"
    if (refused := _user_action(request, ctx, username, password, scope)) is not None:
        return refused
    chosen = accounts.random_password()
    try:
        accounts.reset_password(request.app.state.adtrace.engine, username, chosen, actor=ctx.user.username)
    except errors.AuthError as exc:
        return _users_page(request, errs={f"{scope}.password": exc.web_text}, status=exc.http_status)
    return _users_page(request, once={"what": gettext("new password of %(user)s") % {"user": username}, "value": chosen})


@router.post("/users/tokens")
def add_token(request: Request, owner: str = Form(""), name: str = Form(""), password: str = Form(""),
              ctx: Ctx = Depends(require("admin"))) -> Response:
    form = {"owner": owner, "name": name, "scope": "token"}
    if not name.strip():
        return _users_page(request, errs={"token.name": gettext("give the token a label (who or what uses it)")}, form=form,
                           status=422)
    if (refused := _user_action(request, ctx, owner, password, "token", form)) is not None:
        return refused
    try:
        token = accounts.add_token(request.app.state.adtrace.engine, owner, name.strip(), actor=ctx.user.username)
    except errors.AuthError as exc:
        return _users_page(request, errs={"token.owner": exc.web_text}, form=form, status=exc.http_status)
    return _users_page(request, once={"what": gettext("API token '%(name)s' of %(owner)s") % {"name": name.strip(), "owner": owner},
                                         "value": token})


@router.post("/users/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: str, ctx: Ctx = Depends(require("admin"))) -> Response:
    state = request.app.state.adtrace
    try:
        accounts.revoke_token(state.engine, token_id, ctx.user.username)
    except errors.AuthError as exc:
        return _users_page(request, errs={"tokens": exc.web_text}, status=exc.http_status)
    state.tokens.clear()
    return RedirectResponse("/users#tokens", status_code=303)


# ---- Account: every signed-in user, their own password and API tokens ----

def _account_page(request: Request, ctx: Ctx, *, errs: dict[str, str] | None = None,
                  form: dict[str, Any] | None = None, once: dict[str, str] | None = None, done: str = "",
                  status: int = 200) -> Response:
    tokens = accounts.list_tokens(request.app.state.adtrace.engine, ctx.user.username)
    return render(request, "account.html", {"tokens": tokens, "errors": errs or {}, "form": form or {},
                                            "once": once, "done": done, "min_password": accounts.MIN_PASSWORD},
                  status=status)


@router.get("/account")
def account_page(request: Request, ctx: Ctx = Depends(require("dashboard"))) -> Response:
    return _account_page(request, ctx)


@router.post("/account/password")
def change_password(request: Request, current: str = Form(""), new_password: str = Form(""),
                    repeat: str = Form(""), ctx: Ctx = Depends(require("dashboard"))) -> Response:
    """Current password, then the new one twice; the strength check is the CLI's. Other sessions end."""
    if new_password != repeat:
        return _account_page(request, ctx, errs={"repeat": gettext("the two new passwords differ")}, status=422)
    state = request.app.state.adtrace
    keep = ""
    if ctx.via == "session":
        keep = str(state.signer.loads(request.cookies.get(COOKIE, "")))
    try:
        accounts.change_password(state.engine, ctx.user, current, new_password, client_of(request), keep_session=keep)
    except errors.AuthError as exc:
        name = "current" if exc.code == accounts.BAD_LOGIN else "new_password"
        return _account_page(request, ctx, errs={name: exc.web_text}, status=exc.http_status)
    return _account_page(request, ctx, done=gettext("Your password is changed; your other sessions were signed out."))


@router.post("/account/tokens")
def my_token(request: Request, name: str = Form(""), password: str = Form(""),
             ctx: Ctx = Depends(require("dashboard"))) -> Response:
    """An API token for yourself (it acts with your role), shown once."""
    form = {"name": name}
    if not name.strip():
        return _account_page(request, ctx, errs={"name": gettext("give the token a label (what uses it)")}, form=form,
                             status=422)
    state = request.app.state.adtrace
    try:
        _confirm(request, ctx, password)
    except errors.AuthError as exc:
        return _account_page(request, ctx, errs={"password": exc.web_text}, form=form, status=exc.http_status)
    token = accounts.add_token(state.engine, ctx.user.username, name.strip(), actor=ctx.user.username)
    once = {"what": gettext("API token '%(name)s'") % {"name": name.strip()}, "value": token}
    return _account_page(request, ctx, once=once, status=201)


@router.post("/account/language")
def my_language(request: Request, language: str = Form(""), next: str = Form(""),
                ctx: Ctx = Depends(require("dashboard"))) -> Response:
    """The account's language (the switch on every page posts here too); empty: follow the browser."""
    state = request.app.state.adtrace
    chosen = i18n.normalise(language)
    try:  # a language not offered is refused (BAD_ACCOUNT), empty means "the browser's"
        accounts.set_language(state.engine, ctx.user, chosen if chosen or not language.strip() else language)
    except errors.AuthError as exc:
        return _account_page(request, ctx, errs={"language": exc.web_text}, status=exc.http_status)
    # Back to the page the switch was on: a local path only (never an open redirect).
    response = RedirectResponse(local_path(next, "/account"), status_code=303)
    response.delete_cookie(LANG_COOKIE, path="/")  # the account's setting is the one that counts now
    return response


@router.post("/account/tokens/{token_id}/revoke")
def revoke_mine(request: Request, token_id: str, ctx: Ctx = Depends(require("dashboard"))) -> Response:
    state = request.app.state.adtrace
    mine = {str(t["id"]) for t in accounts.list_tokens(state.engine, ctx.user.username)}
    if token_id.lower() not in mine:
        return _account_page(request, ctx, errs={"tokens": f"{errors.NOT_YOUR_TOKEN}: no token {token_id} of yours"},
                             status=404)
    accounts.revoke_token(state.engine, token_id, ctx.user.username)
    state.tokens.clear()
    return RedirectResponse("/account#tokens", status_code=303)

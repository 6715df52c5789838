"""Who may do what: roles, per-route permissions, session cookies, API tokens, CSRF, login throttling.

Every route but the login page, static files and the OpenAPI spec declares one permission with
`Depends(require("..."))`; the RBAC test walks the routes and fails on any that does not.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from adtrace.app import accounts
from adtrace.app.accounts import FORBIDDEN, NOT_LOGGED_IN, User, auth_error
from adtrace.app.locale import apply_account
from adtrace.i18n import gettext

if TYPE_CHECKING:
    import sqlalchemy as sa

COOKIE = "adtrace_session"

# Permission -> roles. Partners see only what is shared with them (exchange bundles and the screening
# API); in the app they reach the dashboard's counts and nothing that names a person.
PERMS: dict[str, frozenset[str]] = {
    "dashboard": frozenset({"admin", "analyst", "reviewer", "auditor", "partner"}),
    "documents": frozenset({"admin", "analyst", "reviewer"}),  # document pages, search, images
    "triage": frozenset({"admin", "analyst", "reviewer"}),  # review queue and decisions
    "export": frozenset({"admin", "analyst"}),  # decisions as training labels
    "audit": frozenset({"admin", "auditor"}),
    "cases": frozenset({"admin", "analyst"}),  # cases, their exports, watchlist edits
    "admin": frozenset({"admin"}),  # settings, retention purge, unredacted exports
    "import": frozenset({"admin", "analyst"}),  # uploading files into the store, linking (issue 19 item 13)
}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
API_PREFIX = "/api/"  # bearer tokens only under here; the session cookie only on page routes


@dataclass(frozen=True)
class Ctx:
    """The signed-in user for one request, how they came in, and their CSRF token (sessions only)."""

    user: User
    via: str  # session | token
    csrf: str = ""
    token_key: str = ""  # tokens only: a per-process keyed digest of the token (rate limits count per token)


class LoginThrottle:
    """At most `limit` login attempts per client address in `window` seconds (on top of account lockout)."""

    def __init__(self, limit: int = 20, window: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def check(self, client: str) -> None:
        t = self.clock()
        q = self._seen[client]
        while q and q[0] < t - self.window:
            q.popleft()
        if len(q) >= self.limit:
            raise auth_error(accounts.RATE_LIMITED, gettext("too many login attempts from this address; wait a "
                                                            "few minutes and try again"), 429)
        q.append(t)


class TokenCache:
    """API tokens verified in the last `ttl` seconds, so a token costs a database query once a second per
    worker instead of on every request (screening platforms send hundreds a second).

    Keys are a keyed BLAKE2b of the token with a per-process random key: the raw token is not kept, and
    the key doubles as the per-token rate-limit bucket name. Unknown tokens are never cached (a flood of
    made-up tokens cannot fill memory). A disabled account's tokens stop working within `ttl` seconds on
    a running server (env ADTRACE_TOKEN_CACHE_SECONDS; 0 checks the database on every request).
    """

    MAX_ENTRIES = 10_000

    def __init__(self, ttl: float | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl if ttl is not None else float(os.environ.get("ADTRACE_TOKEN_CACHE_SECONDS", "1"))
        self.clock = clock
        self._key = secrets.token_bytes(32)
        self._seen: dict[str, tuple[User, float]] = {}

    def digest(self, token: str) -> str:
        return hashlib.blake2b(token.encode(), key=self._key, digest_size=16).hexdigest()

    def user(self, engine: sa.Engine, token: str) -> tuple[User | None, str]:
        """The token's active user (None: unknown, revoked or disabled) and the token's digest."""
        key = self.digest(token)
        t = self.clock()
        hit = self._seen.get(key)
        if hit is not None and t < hit[1]:
            return hit[0], key
        found = accounts.token_user(engine, token)
        if found is None or self.ttl <= 0:
            self._seen.pop(key, None)
            return found, key
        if len(self._seen) >= self.MAX_ENTRIES:  # rare: many live tokens; start over rather than track ages
            self._seen.clear()
        self._seen[key] = (found, t + self.ttl)
        return found, key

    def clear(self) -> None:
        """Forget every verified token (call after revoking in this process to make it take effect at once)."""
        self._seen.clear()


def signer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="adtrace-session")


def _from_cookie(request: Request) -> Ctx | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    state = request.app.state.adtrace
    try:
        token = state.signer.loads(raw, max_age=int(accounts.SESSION_TTL.total_seconds()))
    except BadSignature:
        return None
    found = accounts.session_user(state.engine, str(token))
    return None if found is None else Ctx(found[0], "session", found[1])


def _from_bearer(request: Request) -> Ctx | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    state = request.app.state.adtrace
    user, key = state.tokens.user(state.engine, header[7:].strip())
    if user is None:
        raise auth_error(NOT_LOGGED_IN, "this API token is unknown or revoked",
                         web_hint=gettext("Ask an admin for a new one (Users page)"))
    return Ctx(user, "token", token_key=key)


async def _csrf_ok(request: Request, ctx: Ctx) -> bool:
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # Starlette caches it: the route can read the form again
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    return sent is not None and hmac.compare_digest(sent, ctx.csrf)


def require(perm: str) -> Callable[[Request], Awaitable[Ctx]]:
    roles = PERMS[perm]

    async def dependency(request: Request) -> Ctx:
        if request.scope["path"].startswith(API_PREFIX):
            ctx = _from_bearer(request)
            if ctx is None:
                # The JSON API takes tokens only: a page that a hostile fragment steers can never call it
                # with the user's session cookie (docs/security.md, "Queue-driven takeover").
                raise auth_error(NOT_LOGGED_IN, "the API takes an API token only (Authorization: Bearer atk_...), "
                                 "never the session cookie; an admin makes one on the Users page")
        else:  # and pages the session only: a partner's or a script's token opens no page (nor /account)
            ctx = _from_cookie(request)
        if ctx is None:
            raise auth_error(NOT_LOGGED_IN, "sign in first")
        apply_account(request, ctx.user.language)  # the account's language from here on (adtrace.app.locale)
        if ctx.via == "session" and request.method in UNSAFE and not await _csrf_ok(request, ctx):
            raise auth_error(accounts.BAD_CSRF, gettext("the form's security token is missing or stale; reload the "
                                                        "page and try again"), 403)
        if ctx.user.role not in roles:
            raise auth_error(FORBIDDEN, gettext("your role (%(role)s) may not do this") % {"role": ctx.user.role},
                             403, needs=sorted(roles))
        request.state.ctx = ctx
        return ctx

    dependency.perm = perm  # type: ignore[attr-defined]  # read by the RBAC test
    return dependency


def optional_ctx(request: Request) -> Ctx | None:
    """The signed-in user, if any (for the login page and error pages)."""
    try:
        return _from_bearer(request) if request.scope["path"].startswith(API_PREFIX) else _from_cookie(request)
    except Exception:  # an invalid token on a public page is just 'not signed in'
        return None


def can(ctx: Ctx | None, perm: str) -> bool:
    return ctx is not None and ctx.user.role in PERMS[perm]


def client_of(request: Request) -> str:
    """The client's address. X-Forwarded-For is applied by uvicorn only from the proxies named with
    `adtrace serve --trusted-proxy` (never by default), so this cannot be forged by a header."""
    return request.client.host if request.client else "-"


def secure_cookie(request: Request) -> bool:
    """Whether cookies get the Secure flag: as forced by `serve --secure-cookies/--insecure-cookies`, else
    always but for plain HTTP to a loopback name (the default `adtrace serve` on 127.0.0.1)."""
    forced = request.app.state.adtrace.secure_cookies
    if forced is not None:
        return bool(forced)
    host = request.url.hostname or ""
    return not (request.url.scheme == "http" and (host in ("localhost", "::1") or host.startswith("127.")))


def template_globals(request: Request) -> dict[str, Any]:
    ctx = getattr(request.state, "ctx", None)
    return {"ctx": ctx, "can": lambda perm: can(ctx, perm)}

"""Each request's language: `?lang=` (the switch on every page, remembered in a cookie), else the
signed-in account's setting, else that cookie, else `Accept-Language`, else English (docs/i18n.md).

Pure ASGI like SecurityHeaders (no extra task per request). The middleware settles what it can see
before authentication; `apply_account` lets the account's setting win once the user is known.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adtrace import i18n

COOKIE = "adtrace_lang"
_YEAR = 365 * 24 * 3600


def _cookie(scope: Scope) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header only means no remembered language
                return None
            morsel = jar.get(COOKIE)
            return morsel.value if morsel else None
    return None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class LocaleMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        explicit = None
        if not scope["path"].startswith("/api/"):
            asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang")
            explicit = i18n.normalise(asked[0]) if asked else None
        cookie = _cookie(scope)
        locale = i18n.choose(explicit=explicit, cookie=cookie, accept_language=_header(scope, b"accept-language"))
        i18n.set_locale(locale)
        scope.setdefault("state", {})["lang_explicit"] = explicit is not None

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                headers.append((b"content-language", i18n.HTML_LANG[i18n.get_locale()].encode()))
                if explicit and explicit != cookie:
                    headers.append((b"set-cookie", f"{COOKIE}={explicit}; Path=/; Max-Age={_YEAR}; "
                                                   "SameSite=Lax; HttpOnly".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_language)


def apply_account(request: Request, language: str | None) -> None:
    """The signed-in account's language wins over the cookie and the browser, not over `?lang=`."""
    if language and not request.scope.get("state", {}).get("lang_explicit"):
        i18n.set_locale(i18n.normalise(language) or i18n.DEFAULT)

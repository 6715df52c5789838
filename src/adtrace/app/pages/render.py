"""Template rendering with what every page needs: the user, their permissions, CSRF token, hotline.

The hotline is the organisation's country's (adtrace.tips.hotlines); pages about an ad, case or cluster
pass `hotline` for the country it points to."""

from __future__ import annotations

from importlib import resources
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from adtrace import __version__
from adtrace.app.auth import can
from adtrace.tips.hotlines import hotline_or_default

templates = Jinja2Templates(directory=str(resources.files("adtrace.app.pages") / "templates"))


def path_segment(value: object) -> str:
    """One URL path segment: everything but unreserved characters is %-encoded, '/' included (Jinja's
    `urlencode` keeps '/', so an id like `../../api/x` would climb out of its route)."""
    return quote(str(value), safe="")


# Every id, key or value that enters a URL path in a template goes through `|seg` (tests/app/test_security_ids.py).
templates.env.filters["seg"] = path_segment
# Templates mark what users read with `{{ _("...") }}` / `{% trans %}` (adtrace.i18n; English until catalogues exist).
templates.env.add_extension("jinja2.ext.i18n")
templates.env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]


def render(request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    ctx = getattr(request.state, "ctx", None)
    if ctx is None and status >= 400:  # a 403 or 404 keeps the navigation of whoever is signed in
        from adtrace.app.auth import _from_cookie

        ctx = _from_cookie(request)
    full = {"ctx": ctx, "can": lambda perm: can(ctx, perm), "csrf": ctx.csrf if ctx else "", "hotline": hotline_or_default([]),
            "version": __version__, "path": request.url.path, **(context or {})}
    return templates.TemplateResponse(request, name, full, status_code=status)

"""Template rendering with what every page needs: the user, their permissions, CSRF token, hotline.

The hotline is the organisation's country's (adtrace.places.hotlines); pages about an ad, case or cluster
pass `hotline` for the country it points to."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from adtrace import __version__, i18n
from adtrace.app.auth import can
from adtrace.app.locale import apply_account
from adtrace.i18n.terms import js_messages
from adtrace.places.hotlines import hotline_or_default
from adtrace.scoring.rules import localise_reason
from adtrace.text.charrefs import unescape

templates = Jinja2Templates(directory=str(resources.files("adtrace.app.pages") / "templates"))


def path_segment(value: object) -> str:
    """One URL path segment: everything but unreserved characters is %-encoded, '/' included (Jinja's
    `urlencode` keeps '/', so an id like `../../api/x` would climb out of its route)."""
    return quote(str(value), safe="")


# Every id, key or value that enters a URL path in a template goes through `|seg` (tests/app/test_security_ids.py).
templates.env.filters["seg"] = path_segment
# Scraped ad text keeps HTML entities (`&amp;`, `&nbsp;`); `|chars` shows the characters they stand for.
# It returns a plain str, so autoescape still escapes a decoded `<`: text, never markup. Spans index the
# stored text, so templates decode each highlighted piece, never the whole text before cutting it.
templates.env.filters["chars"] = unescape  # not html.unescape, which raises on "&#" and 5,000 digits
# Templates mark what users read with `{{ _("...") }}` / `{% trans %}`; the installed callables read
# the request's language (a context variable), so this one shared environment serves every language.
i18n.install(templates.env)


def local_path(target: str, fallback: str = "/") -> str:
    """`target` if it is a path on this site, else `fallback`: for redirects to a `next` the request names.
    Browsers read `//x`, `/\\x` and `/<TAB>/x` as another host (tabs and newlines are dropped, a backslash
    is a slash), so any backslash or control character is refused, not only a leading `//`."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return fallback if any(ord(c) < 32 or ord(c) == 127 for c in target) else target


def error_meaning(code: str) -> str:
    """What an error code means, in the reader's language (the errors catalogue; '' for an unknown code).
    Error pages show it above the message, which stays as raised (often English, with its details)."""
    from adtrace import errors

    entry = errors.CATALOGUE.get(code)
    return i18n.gettext(entry.meaning) if entry else ""


templates.env.globals["error_meaning"] = error_meaning
templates.env.globals["js_messages"] = js_messages  # the scripts' words in the page's language


_TRAILING_ID = re.compile(r"^(?P<words>.*) \[(?P<id>[\w.\-]+)\]$", re.S)


def reason_words(text: str) -> Markup:
    """A stored (English) reason as the reader reads it: localised, and its indicator's id, which is jargon
    on a page, moved from the end of the sentence into a tooltip ("Several ages with one phone [cluster.x]")."""
    said = localise_reason(text)
    m = _TRAILING_ID.match(said)
    if m is None:
        return Markup("{}").format(said)
    return Markup('<span title="{}" data-indicator="{}">{}</span>').format(m["id"], m["id"], m["words"])


templates.env.filters["reason"] = reason_words


def indicator_words(indicator_id: str) -> str:
    """An ad indicator in a few words of the reader's language (the search facets' label), for lists where its
    id would be jargon."""
    from adtrace.app.pages.search import facet_label

    return facet_label("indicator", indicator_id)


templates.env.filters["indicator_words"] = indicator_words


def evidence_words(text: str) -> Markup:
    """A cluster indicator's evidence ("syn1-0000330: minor.stated_age.v1", stored by linking) with each ad
    indicator's id read as its name in the reader's language, the id its tooltip."""
    from adtrace.indicators.wording import name_ids

    return Markup("").join(Markup('<span title="{}" data-indicator="{}">{}</span>').format(i, i, words) if i
                           else Markup("{}").format(words) for words, i in name_ids(str(text)))


templates.env.filters["evidence_words"] = evidence_words


def render(request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    ctx = getattr(request.state, "ctx", None)
    if ctx is None and status >= 400:  # a 403 or 404 keeps the navigation of whoever is signed in
        from adtrace.app.auth import _from_cookie

        ctx = _from_cookie(request)
        if ctx is not None:
            apply_account(request, ctx.user.language)
    full = {"ctx": ctx, "can": lambda perm: can(ctx, perm), "csrf": ctx.csrf if ctx else "", "hotline": hotline_or_default([]),
            "version": __version__, "path": request.url.path, **(context or {})}
    return templates.TemplateResponse(request, name, full, status_code=status)

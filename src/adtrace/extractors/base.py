"""The contract every extractor keeps: read a Context, add values with spans to the Record."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from adtrace.documents import Document
from adtrace.text import View, normalise


@dataclass
class Context:
    """One document on its way through extraction.

    `text` is what spans index: the title, a newline, then the body (just the body without a title).
    `record` collects the Record fields as plain JSON-ready data.
    """

    doc: Document
    default_region: str = "US"
    record: dict[str, Any] = field(default_factory=dict)
    _view: View | None = None
    _text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.doc.full_text
        return self._text

    @property
    def view(self) -> View:
        if self._view is None:
            self._view = normalise(self.text)
        return self._view

    def add(self, kind: str, value: dict[str, Any]) -> None:
        self.record.setdefault(kind, []).append(value)

    def regions(self) -> list[str]:
        """Phone regions to try, most likely first: the countries of the site's own location field,
        of the site's country domain, of places named in the text, then the default. The site says
        where the ad runs; a country in the text is often where she is from ("Taiwanese girl")."""
        out: list[str] = []
        places = self.record.get("places", [])
        for country in [p.get("country") for p in places if p.get("via") == "field"] + [site_country(self.doc.url)] \
                + [p.get("country") for p in places if p.get("via") != "field"]:
            if country and country not in out:
                out.append(country)
        if self.default_region not in out:
            out.append(self.default_region)
        return out


# Country-code domains that name a country; vanity ones sold worldwide (.co, .io, .me, .tv ...) do not.
_VANITY_TLDS = frozenset({"co", "io", "me", "tv", "ly", "to", "ws", "cc", "fm", "am", "la", "ai", "gg", "sh", "so",
                          "ag", "sc", "vc", "nu", "tk", "ml", "ga", "cf", "gq", "ac"})
_TLD = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?[^/?#]*?\.([a-z]{2})(?::\d+)?(?:[/?#]|$)", re.I)


def site_country(url: str | None) -> str | None:
    """The country of a URL's country-code domain ("example.co.uk" -> GB), else None."""
    if not url:
        return None
    m = _TLD.match(url)
    if m is None:
        return None
    tld = m.group(1).lower()
    if tld in _VANITY_TLDS:
        return None
    return "GB" if tld == "uk" else tld.upper()


def entity(value: Any, span: tuple[int, int], **extra: Any) -> dict[str, Any]:
    """One extracted value with its span into the original text."""
    out: dict[str, Any] = {"value": value, "span": [span[0], span[1]]}
    out.update(extra)
    return out


@dataclass(frozen=True)
class Extractor:
    """A named extraction step. `run` mutates the Context; `assigns` names the Record fields it fills."""

    name: str
    run: Callable[[Context], None]
    assigns: tuple[str, ...]
    requires: tuple[str, ...] = ()
    version: str = "1"

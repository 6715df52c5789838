"""The contract every extractor keeps: read a Context, add values with spans to the Record."""

from __future__ import annotations

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
        """Phone regions to try, most likely first: countries of places found so far, then the default."""
        out: list[str] = []
        for place in self.record.get("places", []):
            country = place.get("country")
            if country and country not in out:
                out.append(country)
        if self.default_region not in out:
            out.append(self.default_region)
        return out


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

"""Document model, validation with located errors, and deterministic ids."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from adtrace import errors
from adtrace.i18n import _

SCHEMA_VERSION = "1"
KINDS = ("ad", "post", "job", "review", "tip")  # tip: a public tip (adtrace.tips)
_KNOWN = {"id", "source", "kind", "url", "title", "text", "posted_at", "location", "author", "images", "lang", "meta"}
_STR_FIELDS = ("id", "source", "url", "title", "posted_at", "location", "author", "lang")
# A document id is a path segment in every URL the app builds (docs/security.md): letters, digits and
# ". _ : -", starting with a letter or digit (so never "." or ".."), at most 128 characters. Anything
# else (a '/', '?', '#', '%', a space, quotes) is refused at ingest with a located error.
ID_CHARS = "A-Z a-z 0-9 . _ : -"
MAX_ID = 128
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


@dataclass(slots=True)
class Document:
    id: str
    text: str
    source: str = ""
    kind: str = "ad"
    url: str | None = None
    title: str | None = None
    posted_at: str | None = None
    location: str | None = None
    author: str | None = None
    images: list[dict[str, Any]] = field(default_factory=list)
    lang: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "source": self.source, "kind": self.kind}
        for name in ("url", "title", "text", "posted_at", "location", "author", "lang"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.images:
            out["images"] = self.images
        if self.meta:
            out["meta"] = self.meta
        return out

    @property
    def full_text(self) -> str:
        """Title and body as one string; spans in Records index this (title, newline, text)."""
        return f"{self.title}\n{self.text}" if self.title else self.text

    def is_full_text(self, text: str) -> bool:
        """Whether `text` equals `full_text`, told without building it (title, newline, body)."""
        title, body = self.title, self.text
        if not title:
            return text == body
        return len(text) == len(title) + 1 + len(body) and text.startswith(title) \
            and text[len(title)] == "\n" and text.endswith(body)

    @classmethod
    def from_dict(cls, obj: Any, *, path: str | None = None, line: int | None = None,
                  check_id: bool = True) -> Document:
        """Validate one decoded object; errors name the file, line and field.

        `check_id=False` is for reading back what a store already holds (written before ids were checked).
        """

        def fail(code: str, what: str, fname: str | None, hint: str) -> errors.InputError:
            return errors.InputError.at(code, what, path=path, line=line, field_name=fname, hint=hint)

        if not isinstance(obj, dict):
            raise fail(errors.BAD_FIELD, _("expected a JSON object, got %(type)s") % {"type": type(obj).__name__}, None,
                       _("Each line must be one JSON object with at least a 'text' field"))
        text = obj.get("text")
        if text is None or (isinstance(text, str) and not text.strip() and not obj.get("title")):
            raise fail(errors.MISSING_FIELD, _("no text"), "text",
                       _("Give each document a non-empty 'text' (or map the column that holds it to 'text')"))
        if not isinstance(text, str):
            raise fail(errors.BAD_FIELD, _("must be a string, got %(type)s") % {"type": type(text).__name__}, "text",
                       _("Store the ad body as a JSON string"))
        for name in _STR_FIELDS:
            value = obj.get(name)
            if value is not None and not isinstance(value, str | int):
                raise fail(errors.BAD_FIELD, _("must be a string, got %(type)s") % {"type": type(value).__name__}, name,
                           _("Use a plain string value"))
        kind = obj.get("kind") or "ad"
        if kind not in KINDS:
            raise fail(errors.BAD_FIELD, _("unknown kind %(kind)r") % {"kind": kind}, "kind",
                       _("Use one of: %(list)s") % {"list": ", ".join(KINDS)})
        posted_at = obj.get("posted_at")
        if posted_at is not None:
            posted_at = str(posted_at)
            try:
                datetime.fromisoformat(posted_at.replace("Z", "+00:00"))
            except ValueError:
                raise fail(errors.BAD_FIELD, _("not an ISO 8601 date: %(value)r") % {"value": posted_at[:40]}, "posted_at",
                           _("Write dates like 2024-05-01 or 2024-05-01T13:45:00Z")) from None
        images = obj.get("images") or []
        if not isinstance(images, list) or not all(isinstance(i, dict | str) for i in images):
            raise fail(errors.BAD_FIELD, _("must be a list of objects with 'url' or 'path'"), "images",
                       _("Write images as [{\"url\": ...}] or a list of URL strings"))
        images = [i if isinstance(i, dict) else {"url": i} for i in images]
        meta = obj.get("meta") or {}
        if not isinstance(meta, dict):
            raise fail(errors.BAD_FIELD, _("must be an object"), "meta", _("Put extra fields in a JSON object"))
        # Unknown fields are kept, never dropped (DESIGN §3).
        extra = {k: v for k, v in obj.items() if k not in _KNOWN}
        if extra:
            meta = {**meta, **extra}
        source = str(obj.get("source") or "")
        url = _opt_str(obj.get("url"))
        title = _opt_str(obj.get("title"))
        given = _opt_str(obj.get("id"))
        if given is not None and check_id and not valid_id(given):
            raise fail(errors.BAD_ID, _("not a valid document id: %(id)r") % {"id": given[:40]}, "id",
                       _("An id is 1-%(max)s characters from %(chars)s, starting with a letter or digit; fix it, "
                         "or leave 'id' out and adtrace derives one from source+url or the content")
                       % {"max": MAX_ID, "chars": ID_CHARS})
        doc_id = given or document_id(source, url, title, text)
        return cls(
            id=doc_id, text=text, source=source, kind=kind, url=url, title=title, posted_at=posted_at,
            location=_opt_str(obj.get("location")), author=_opt_str(obj.get("author")),
            images=images, lang=_opt_str(obj.get("lang")), meta=meta,
        )


def valid_id(doc_id: str) -> bool:
    """True when `doc_id` uses only the documented id characters (see ID_CHARS)."""
    return _ID_RE.fullmatch(doc_id) is not None


def _opt_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def document_id(source: str, url: str | None, title: str | None, text: str) -> str:
    """Deterministic id: from source+url when there is a url, else from the content."""
    basis = f"url\x00{source}\x00{url}" if url else f"text\x00{source}\x00{title or ''}\x00{text}"
    return hashlib.sha1(basis.encode("utf-8", "surrogatepass")).hexdigest()[:20]


@cache
def schema() -> dict[str, Any]:
    """The versioned JSON Schema of a Document, shipped with the package."""
    raw = resources.files("adtrace.documents").joinpath(f"document.v{SCHEMA_VERSION}.schema.json").read_text()
    result: dict[str, Any] = json.loads(raw)
    return result

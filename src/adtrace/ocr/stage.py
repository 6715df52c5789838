"""The OCR stage: each image's text becomes `image_text`, and every extractor runs on it.

Entities found in an image carry `"field": "image_text"`, `"image": n` (the document's image n, the
entry of `image_text` with that `image`), `"via": "image"` and a span into that entry's text, so an
analyst sees where an identifier came from and the page can show it. They join the Record's lists
(phones, handles, ...) after indicators and scoring ran: linking, search, watchlists, screening and
exchange read those lists and so use identifiers from images like those from text, while the
indicators' evidence spans keep pointing into the ad's own text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers

from adtrace import errors
from adtrace.documents import Document
from adtrace.ocr import engine
from adtrace.ocr.cache import Cache
from adtrace.ocr.reader import Reading, read_file

FIELD = "image_text"
ENTITY_FIELDS = ("phones", "emails", "handles", "urls", "ages", "prices", "places", "payments", "names")

Extract = Callable[[Document], dict[str, Any]]


@dataclass
class OcrStage:
    """Reads a document's local images (only inside the image folders) and merges what they say."""

    roots: tuple[Path, ...]
    cache: Cache = field(default_factory=Cache.from_env)
    problems: Counter[str] = field(default_factory=Counter)  # why images were skipped, counted
    read: int = 0  # images that reached the reader (cache hits included)
    hashed: list[tuple[int, str]] = field(default_factory=list)  # (image, PDQ) of the last document read

    @classmethod
    def from_env(cls) -> OcrStage:
        from adtrace.linking.images import image_roots  # the image folders are linking's setting too

        return cls(image_roots())

    def readings(self, doc: Document) -> list[tuple[int, Reading]]:
        from adtrace.linking.images import under_roots

        out: list[tuple[int, Reading]] = []
        hashed = self.hashed = []
        lang = engine.lang_for(doc.lang)
        for n, img in enumerate(doc.images or ()):
            raw = img.get("path") if isinstance(img, dict) else None
            if not raw:
                continue  # a remote image (url only): nothing is downloaded
            real = under_roots(str(raw), self.roots) if self.roots else None
            if real is None:
                self.problems["outside the image folders or missing" if self.roots else "no image folder given"] += 1
                continue
            try:
                reading = read_file(real, lang, self.cache)
            except errors.InputError:
                self.problems["unreadable image"] += 1
                continue
            self.read += 1
            if reading.pdq and isinstance(img, dict) and not img.get("pdq"):
                hashed.append((n, reading.pdq))
            if reading.text:
                out.append((n, reading))
        return out

    def __call__(self, doc: Document, record: dict[str, Any], extract: Extract) -> None:
        entries: list[dict[str, Any]] = []
        for n, reading in self.readings(doc):
            entries.append({"image": n, "text": reading.text, "confidence": reading.confidence})
            merge(record, n, reading, extract(Document(id=doc.id, text=reading.text, location=doc.location,
                                                       url=doc.url, lang=doc.lang)))
        record[FIELD] = entries
        # The photos were opened anyway: their PDQ hashes go into the Record's `images`, so photo
        # watchlists and screening match local photos too (they read `images[].pdq`).
        if self.hashed and record.get("images"):
            for n, pdq in self.hashed:
                if n < len(record["images"]):
                    record["images"][n] = {**record["images"][n], "pdq": pdq}


def merge(record: dict[str, Any], n: int, reading: Reading, found: dict[str, Any]) -> None:
    """Add the entities `found` in image n's text to `record`, marked as coming from the image."""
    # A phone read "obfuscated" from OCR text is letters taken for digits ("O late" -> 01...): OCR's own
    # confusions, not an advertiser's trick (a picture needs none). Dropped: 7 of 8 such were false
    # on synthetic photos (docs/ocr.md).
    phones = _voted([p for p in found.get("phones") or () if not p.get("field") and not p.get("obfuscated")],
                    reading.views)
    for name in ENTITY_FIELDS:
        items = phones if name == "phones" else found.get(name) or ()
        for item in items:
            if not isinstance(item, dict) or item.get("field"):
                continue  # found in the URL or location the sub-document carried for context
            if name == "places" and item.get("via") not in ("text", "area_code"):
                continue
            record.setdefault(name, []).append({**item, "field": FIELD, "image": n, "via": "image"})


def _voted(phones: list[dict[str, Any]], views: list[str]) -> list[dict[str, Any]]:
    """Drop a phone that differs by one digit from another read in the same image and is read in fewer
    views: two views disagreeing on a digit is a misreading, not two numbers (synthetic measurement,
    docs/ocr.md)."""
    if len(phones) < 2:
        return phones
    digits = ["".join(ch for ch in v if ch.isdigit()) for v in views]

    def votes(value: str) -> int:
        national = _national(value)
        return sum(national in d for d in digits)

    def rank(p: dict[str, Any]) -> tuple[int, int]:  # more views first; on a tie, the earlier view's
        return votes(str(p["value"])), -int((p.get("span") or [0])[0])

    keep = []
    for p in phones:
        rival = [q for q in phones if q is not p and _one_digit_apart(str(p["value"]), str(q["value"]))]
        if any(rank(q) > rank(p) for q in rival):
            continue
        keep.append(p)
    return keep


def _national(e164: str) -> str:
    try:
        return str(phonenumbers.parse(e164, None).national_number)
    except phonenumbers.NumberParseException:
        return e164.lstrip("+")


def _one_digit_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and a != b and sum(x != y for x, y in zip(a, b, strict=True)) == 1

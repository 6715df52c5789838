"""The OCR stage: each image's text becomes `image_text`, and every extractor runs on it.

Entities found in an image carry `"field": "image_text"`, `"image": n` (the document's image n, the
entry of `image_text` with that `image`), `"via": "image"` and a span into that entry's text, so an
analyst sees where an identifier came from and the page can show it. They join the Record's lists
(phones, handles, ...) after indicators and scoring ran: linking, search, watchlists, screening and
exchange read those lists and so use identifiers from images like those from text, while the
indicators' evidence spans keep pointing into the ad's own text.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers

from adtrace import errors
from adtrace.documents import Document
from adtrace.extractors.base import site_country
from adtrace.ocr import engine
from adtrace.ocr.cache import Cache
from adtrace.ocr.reader import Reading, read_file

FIELD = "image_text"
ENTITY_FIELDS = ("phones", "emails", "handles", "urls", "ages", "prices", "places", "payments", "names")

Extract = Callable[[Document], dict[str, Any]]
Phones = dict[str, dict[str, Any]]  # the phones of an image's text that are kept (`kept`), by value


@dataclass
class OcrStage:
    """Reads a document's local images (only inside the image folders) and merges what they say."""

    roots: tuple[Path, ...]
    cache: Cache = field(default_factory=Cache.from_env)
    problems: Counter[str] = field(default_factory=Counter)  # why images were skipped or read by Tesseract alone, counted
    read: int = 0  # images that reached the reader (cache hits included)
    hashed: list[tuple[int, str]] = field(default_factory=list)  # (image, PDQ) of the last document read
    default_region: str = "US"  # the pipeline's: a phone of this country needs no written country code

    @classmethod
    def from_env(cls, default_region: str = "US") -> OcrStage:
        from adtrace.documents.images import image_roots

        return cls(image_roots(), default_region=default_region)

    def readings(self, doc: Document, extract: Extract,
                 home: frozenset[str] | None = None) -> list[tuple[int, Reading, dict[str, Any], Phones]]:
        """Each local image's reading that holds text, with what `extract` found in it and the phones kept
        (`read`)."""
        from adtrace.documents.images import under_roots

        out: list[tuple[int, Reading, dict[str, Any], Phones]] = []
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
                reading, found, phones = read(real, doc, lang, self.cache, extract, home)
            except errors.InputError:
                self.problems["unreadable image"] += 1
                continue
            self.read += 1
            if reading.neural_failed:
                self.problems["RapidOCR failed; Tesseract read it"] += 1
            if reading.pdq and isinstance(img, dict) and not img.get("pdq"):
                hashed.append((n, reading.pdq))
            if reading.text:
                out.append((n, reading, found, phones))
        return out

    def __call__(self, doc: Document, record: dict[str, Any], extract: Extract) -> None:
        entries: list[dict[str, Any]] = []
        home = home_countries(doc, record, self.default_region)
        for n, reading, found, phones in self.readings(doc, extract, home):
            entries.append({"image": n, "text": reading.text, "confidence": reading.confidence})
            merge(record, n, reading, found, home, phones)
        record[FIELD] = entries
        # The photos were opened anyway: their PDQ hashes go into the Record's `images`, so photo
        # watchlists and screening match local photos too (they read `images[].pdq`).
        if self.hashed and record.get("images"):
            for n, pdq in self.hashed:
                if n < len(record["images"]):
                    record["images"][n] = {**record["images"][n], "pdq": pdq}


# Tesseract reads a photo only where RapidOCR's reading holds this many digits or more and no kept phone:
# a phone has seven digits at least, so where RapidOCR read fewer there is no phone of its to have
# misread. On the synthetic tuning seeds 5, 7 and 11 asking for 1, 4 or 7 digits kept exactly the phones
# that no condition kept, and 7 spares Tesseract most photos without text or with a handle only
# (docs/ocr.md, ninth round).
FALLBACK_DIGITS = 7


def read(path: Path, doc: Document, lang: str, cache: Cache | None, extract: Extract,
         home: frozenset[str] | None = None) -> tuple[Reading, dict[str, Any], Phones]:
    """Image `path`'s reading, what `extract` finds in its text (the document's location and URL as
    context) and the phones of it that are kept (`kept`, for `merge`): RapidOCR's reading (or
    Tesseract's, where RapidOCR is off here); where RapidOCR's read a run of digits (FALLBACK_DIGITS)
    but gave no phone that is kept, Tesseract's reader reads the photo too. On the synthetic tuning
    photos that fallback kept 0-4 more phones a seed than RapidOCR alone, no false one (docs/ocr.md,
    ninth round)."""
    reading = read_file(path, lang, cache)
    found = _extract(doc, reading, extract)
    phones = kept(reading, found, home)  # decided once a reading: the fallback's test, then `merge`'s phones
    if not reading.tesseract and not reading.skipped and _digits(reading.neural) >= FALLBACK_DIGITS and not phones:
        reading = read_file(path, lang, cache, tesseract=True)
        found = _extract(doc, reading, extract)
        phones = kept(reading, found, home)
    return reading, found, phones


def _digits(views: list[str]) -> int:
    return sum(ch.isdigit() for ch in views[0]) if views else 0


def _extract(doc: Document, reading: Reading, extract: Extract) -> dict[str, Any]:
    if not reading.text:
        return {}
    return extract(Document(id=doc.id, text=reading.text, location=doc.location, url=doc.url, lang=doc.lang))


# A wrong phone from an image links unrelated ads, so a phone read in an image is kept only when the
# readings agree on it digit by digit (`fused`). Tesseract's own per-symbol confidence does not tell a
# misread digit: over half the false phones of the synthetic photos had every digit at 90+ (docs/ocr.md).
# Its per-symbol alternatives do better: a digit with another character close behind it abstains
# (engine.UNSURE), and with those out of the vote a lead of one reading is enough where two readings at
# least back the winning digit (measured on the synthetic photos, tuning seeds 5, 7, 11: recall up by
# 0.01 to 0.04 and precision up on each, docs/ocr.md).
MIN_READINGS = 2  # readings (of different preparations of the photo) holding the number, give or take a digit
MAX_APART = 1  # a reading holds a number when at most this many of its digits differ
MIN_MARGIN = 1  # at every digit, readings for the winning digit minus readings for the runner-up
MIN_CLEAN = 2  # readings holding the number as a stretch not glued to another digit (see `_glued`)
UNSURE = engine.UNSURE  # in a reading's own text (`Reading.views`): a digit Tesseract was unsure of; it votes for none
MIN_SUPPORT = 2  # readings for the winning digit, at every digit: never one reading alone, even unopposed
MAX_UNSURE = 1  # a stretch with more unsure digits than this holds no number (2 let more false phones in)
# With the second look's readings of a phone-like line (prepare.second_look, `Reading.second`) the vote is
# retaken over all readings, and a number it gives is kept only when every digit leads by SECOND_MARGIN
# readings and SECOND_READINGS readings hold it: the second look re-reads the same line cut, and with the
# usual lead of one it let false phones in. Its five-way colour readings that repeat the digits of the
# line's four-way ones are left out by the reader (one cluster read twice is one reading), which lets two
# readings suffice (three were needed before; synthetic tuning seeds 5, 7, 11, docs/ocr.md, eighth round).
SECOND_MARGIN = 2
SECOND_READINGS = 2
# RapidOCR's reading (adtrace.ocr.neural, `Reading.neural`: its lines as read and with doubted digits
# blanked) holds a phone on its own when either view has its digits exactly, not glued to other digits:
# on the synthetic tuning photos its one reading kept more phones with fewer false ones than every vote
# with Tesseract's readings tried (its readings as two votes, its doubted digits abstaining; docs/ocr.md,
# ninth round). Tesseract reads only the photos where RapidOCR's reading held digits but no phone (`read`).


@dataclass(frozen=True)
class Fused:
    value: str  # E.164 of the digit-by-digit majority
    readings: int  # readings holding the number within MAX_APART digits
    margin: int  # the smallest lead of the winning digit over the runner-up, over all digits
    clean: int = 0  # readings holding the number (within max_apart) as a stretch not glued to another digit
    support: int = 0  # the fewest readings for the winning digit, over all digits (unsure ones vote for none)


def fused(e164: str, views: list[str], max_apart: int = MAX_APART) -> Fused | None:
    """The digit-by-digit majority of the readings that hold `e164`'s national number with at most
    `max_apart` digits changed (each reading's best-matching stretch of its digits). Tesseract misreads a different digit
    in different preparations of a photo more often than the same one: where the readings split, the
    number is doubtful."""
    try:
        num = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    digits = str(num.national_number)
    votes: list[Counter[str]] = [Counter() for _ in digits]
    readings = clean = 0
    before = _prefixes(num)
    for view in views:
        pos, stream = _digit_stream(view)
        clean += _clean(digits, view, pos, stream, max_apart, before)
        aligned = _aligned(digits, stream, max_apart)
        if aligned is None:
            continue
        readings += 1
        for k, ch in enumerate(aligned):
            votes[k][ch] += 1
    if not readings:
        return None
    out, margin, support = [], readings, readings
    for counts in votes:
        del counts[UNSURE]  # an unsure digit votes for none
        top = counts.most_common(2)
        if not top:
            return None  # no reading has this digit at all
        out.append(top[0][0])
        margin = min(margin, top[0][1] - (top[1][1] if len(top) > 1 else 0))
        support = min(support, top[0][1])
    return Fused(f"+{num.country_code}{''.join(out)}", readings, margin, clean, support)


def _prefixes(num: phonenumbers.PhoneNumber) -> tuple[str, ...]:
    """What may stand right before a national number: its country code or its national trunk prefix."""
    out = [str(num.country_code)]
    region = phonenumbers.region_code_for_number(num)
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region) if region else None
    if meta is not None and meta.national_prefix:
        out.append(meta.national_prefix)
    return tuple(out)


def _clean(digits: str, view: str, pos: list[int], stream: str, max_apart: int, before: tuple[str, ...]) -> bool:
    """Does `view` (its digits `stream`, at `pos`) hold `digits` (at most `max_apart` changed) as a stretch whose ends are not glued to
    another digit? Glued: only non-space characters lie between the stretch and a digit next to it
    ("858942497584" is a ten-digit number with a painted star read as 9 and two digits more, not a
    reading of 858-942-4975); a country code or trunk prefix before it is fine ("+1 858...", "07919...").
    Two of the five false phones of the synthetic photos of seed 5 were such runs (docs/ocr.md)."""
    size = len(digits)

    def glued(a: int, b: int) -> bool:
        return a >= 0 and b < len(pos) and not any(ch.isspace() for ch in view[pos[a] + 1:pos[b]])

    for i in range(len(stream) - size + 1):
        if _apart(stream[i:i + size], digits) > max_apart:
            continue
        if glued(i + size - 1, i + size):
            continue
        if glued(i - 1, i) and not any(stream[:i].endswith(p) for p in before):
            continue
        return True
    return False


def _aligned(digits: str, stream: str, max_apart: int) -> str | None:
    """The stretch of `stream` as long as `digits` that differs from it in the fewest places, if at most
    `max_apart`. Only changed digits: letting digits go missing or be added lets far more misreadings
    vote (measured: precision 0.94 against 0.99 on the synthetic photos, docs/ocr.md)."""
    size = len(digits)
    best, best_apart = None, max_apart + 1
    for i in range(len(stream) - size + 1):
        apart = _apart(stream[i:i + size], digits)
        if apart < best_apart:
            best, best_apart = stream[i:i + size], apart
    return best


def _apart(stretch: str, digits: str) -> int:
    """Digits of `stretch` that differ from `digits`; an unsure digit differs from none."""
    unsure = stretch.count(UNSURE)
    if unsure > MAX_UNSURE:
        return len(digits)
    return sum(a != b and a != UNSURE for a, b in zip(stretch, digits, strict=True))


def candidates(reading: Reading, found: dict[str, Any]) -> list[dict[str, Any]]:
    """The phones extracted from an image's text, each with what decides whether it is kept: `fused`
    (the readings' digit-by-digit vote on it), `second` (the vote with the second look's readings too,
    when there are any) and `letters` (letters inside the number: OCR read
    letters as digits, "O" for 0, "l" for 1; a picture needs no obfuscation, so this is a misreading,
    not a trick; symbols between digit groups, like painted emoji, are fine)."""
    out = []
    for p in found.get("phones") or ():
        if not isinstance(p, dict) or p.get("field"):
            continue
        s, e = p.get("span") or (0, 0)
        out.append({"phone": p, "value": p["value"], "neural": held(str(p["value"]), reading.neural),
                    "fused": fused(str(p["value"]), reading.views),
                    "second": fused(str(p["value"]), reading.views + reading.second) if reading.second else None,
                    "letters": any(ch.isascii() and ch.isalpha() for ch in reading.text[s:e])})
    return out


def accepted(c: dict[str, Any]) -> bool:
    """Kept: no letters in it, and RapidOCR's reading holds it (`held`); or the readings' vote is this very
    number, by enough readings, with every digit won by MIN_MARGIN readings or more, and MIN_CLEAN
    readings hold it not glued to other digits; or the vote retaken with the second look's readings too (`second`) is, held by SECOND_READINGS
    readings, every digit won by SECOND_MARGIN readings or more."""
    if c["letters"]:
        return False
    return (bool(c.get("neural")) or _won(c["fused"], c["value"], MIN_MARGIN, MIN_READINGS)
            or _won(c.get("second"), c["value"], SECOND_MARGIN, SECOND_READINGS))


def held(e164: str, views: list[str]) -> bool:
    """Whether one of `views` (RapidOCR's) holds `e164`'s national number digit for digit, as a stretch
    not glued to another digit (`_clean`)."""
    try:
        num = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    digits, before = str(num.national_number), _prefixes(num)
    return any(_clean(digits, view, *_digit_stream(view), 0, before) for view in views)


def _digit_stream(view: str) -> tuple[list[int], str]:
    """Where a reading's digits (its unsure ones too) stand, and those digits in order."""
    pos = [i for i, ch in enumerate(view) if ch.isdigit() or ch == UNSURE]
    return pos, "".join(view[i] for i in pos)


def _won(f: Fused | None, value: str, margin: int, readings: int) -> bool:
    return (f is not None and f.value == value and f.readings >= readings and f.margin >= margin
            and f.clean >= MIN_CLEAN and f.support >= MIN_SUPPORT)


def home_countries(doc: Document, record: dict[str, Any], default_region: str) -> frozenset[str]:
    """The countries the ad itself points to: its places (site field and text), its site's country
    domain, the countries of the phones in its text, and the pipeline's default region."""
    out = {default_region, site_country(doc.url)}
    out.update(p.get("country") for p in record.get("places") or () if isinstance(p, dict))
    for p in record.get("phones") or ():
        if isinstance(p, dict) and str(p.get("value", "")).startswith("+"):
            with contextlib.suppress(phonenumbers.NumberParseException):
                out.add(phonenumbers.region_code_for_number(phonenumbers.parse(str(p["value"]))))
    return frozenset(c for c in out if c)


# In an image, a misread junk word can read as a foreign town, and the phone extractor then tries that
# country first: a misread digit string valid there becomes a foreign phone (a false +62 on synthetic
# seed 7, docs/ocr.md). A phone of another country than the ad's own is kept only when the image writes
# its country code ("+39 347 ...", "0039 ..."), which a misreading of a local number rarely produces.
def written_abroad(value: str, text: str, span: tuple[int, int], home: frozenset[str]) -> bool:
    """Whether phone `value` (E.164) is of a home country, or its reading `text[span]` writes its code."""
    try:
        num = phonenumbers.parse(value)
    except phonenumbers.NumberParseException:
        return False
    if phonenumbers.region_code_for_number(num) in home:
        return True
    s, e = span
    digits = "".join(ch for ch in text[max(0, s - 2):e] if ch.isdigit())
    return digits.lstrip("0").startswith(value[1:]) or "+" in text[max(0, s - 2):s + 1]


def kept(reading: Reading, found: dict[str, Any], home: frozenset[str] | None = None) -> Phones:
    """The phones `found` in an image's text that are kept (`accepted`, and of a home country or written
    with their country code), by value."""
    phones: Phones = {}
    for c in candidates(reading, found):
        s, e = c["phone"].get("span") or (0, 0)
        if accepted(c) and (home is None or written_abroad(str(c["value"]), reading.text, (s, e), home)):
            phones.setdefault(str(c["value"]), c["phone"])
    return phones


def merge(record: dict[str, Any], n: int, reading: Reading, found: dict[str, Any],
          home: frozenset[str] | None = None, phones: Phones | None = None) -> None:
    """Add the entities `found` in image n's text to `record`, marked as coming from the image. With
    `home` (the ad's own countries), a phone of another country needs its country code in the image.
    `phones`: the kept ones, when `read` decided them already (with the same `home`)."""
    if phones is None:
        phones = kept(reading, found, home)
    for name in ENTITY_FIELDS:
        items = list(phones.values()) if name == "phones" else found.get(name) or ()
        for item in items:
            if not isinstance(item, dict) or item.get("field"):
                continue  # found in the URL or location the sub-document carried for context
            if name == "places" and item.get("via") not in ("text", "area_code"):
                continue
            record.setdefault(name, []).append({**item, "field": FIELD, "image": n, "via": "image"})

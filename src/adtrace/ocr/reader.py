"""Read the text in one image file: prepared views, Tesseract on each, lines merged; cached by hash."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adtrace import errors
from adtrace.documents.images import MAX_PIXELS  # past this an "image" is a decompression bomb
from adtrace.ocr import engine, neural, prepare, recut
from adtrace.ocr.cache import Cache

# Between the distinct lines read: the phone extractor chains digits across plain line breaks (as ads
# wrap a number), and OCR lines are many readings of the same few lines, not one text: a 13-digit
# misreading next to a good line hid the good one (recall 0.566 -> 0.578 and precision 0.967 -> 0.980
# on the synthetic photos' readings, re-extracted).
LINE_BREAK = "\n|\n"
# In the cache key: readings cached by an older reader lack what the vote now needs (v2: unsure digits
# marked in each reading's own text; v3: phone-like lines cut again where Tesseract's page layout found
# them, adtrace.ocr.recut; v4: lines found in the colour channels' stroke maps cut too), so they are read
# again rather than voted on without it; v5: phone-like cut lines looked at again, `Reading.second`; v6:
# a second look's five-way colour cluster reading with the digits of one of the line's four-way ones is
# left out of `Reading.second`, and the recut boxes' five-way clusters are read too).
READER_VERSION = "v6"
RECUT_NEW_ONLY = False  # cut again every phone-like line box, not only those no line cut covers (docs/ocr.md)


@dataclass
class Reading:
    text: str  # the lines read, each once, in reading order
    confidence: float  # mean character confidence of the best reading, 0-100
    views: list[str] = field(default_factory=list)  # each Tesseract reading's own text (they vote on each phone's digits)
    skipped: bool = False  # no text likely: never reached an engine
    pdq: str | None = None  # the photo's PDQ hash, when the `images` extra is installed
    # the second look's readings of phone-like lines (prepare.second_look): they vote under a stricter lead
    second: list[str] = field(default_factory=list)
    # RapidOCR's reading (adtrace.ocr.neural): its lines as read, and again with its doubted digits blanked
    neural: list[str] = field(default_factory=list)
    tesseract: bool = True  # Tesseract's reader read the photo (`views` and `second` are its readings)
    # What RapidOCR raised on this photo, when Tesseract's reader read it alone instead (`read_file`): this
    # read's, not the file's, so not cached (the next read tries RapidOCR again)
    neural_failed: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "confidence": self.confidence, "views": self.views, "skipped": self.skipped,
                "pdq": self.pdq, "second": self.second, "neural": self.neural, "tesseract": self.tesseract}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Reading:
        return cls(str(d["text"]), float(d["confidence"]), list(d.get("views") or []), bool(d.get("skipped")),
                   d.get("pdq"), list(d.get("second") or []), list(d.get("neural") or []),
                   bool(d.get("tesseract", True)))


def read_image(img: Any, lang: str = engine.DEFAULT_LANG, tesseract: bool = True,
               before: Reading | None = None, rapidocr: bool = True) -> Reading:
    """The text in a PIL image (any mode). A photo the no-text test passes is read by RapidOCR
    (adtrace.ocr.neural) when it is installed and `rapidocr` — or its reading is taken from `before` —
    and, with `tesseract`, by Tesseract's reader (`_tesseract`); every distinct line once, RapidOCR's
    first, between LINE_BREAK. Raises neural.Failed when RapidOCR fails on the photo (`read_file` then
    reads it with Tesseract alone)."""
    # Tesseract's preparations (~130 ms a photo with text) are made only for Tesseract: RapidOCR needs the
    # no-text test alone
    prepared = prepare.prepare(img) if tesseract else None
    if not (prepared.views if prepared is not None else prepare.likely(img)):
        return Reading("", 0.0, skipped=True, tesseract=tesseract)
    if before is not None:
        views = before.neural
        best = before.confidence
    else:
        found = neural.read(img) if rapidocr else []
        views = ["\n".join(line.text for line in found), "\n".join(line.blanked() for line in found)] if found else []
        best = max((100 * line.score for line in found), default=0.0)
    readings, second = _tesseract(img, lang, prepared) if prepared is not None else ([], [])
    for r in readings + second:
        chars = [c for ch, c in zip(r.text, r.confs, strict=True) if not ch.isspace()]
        if chars:
            best = max(best, sum(chars) / len(chars))
    lines: dict[str, None] = {}
    for text in views + [r.text for r in readings + second]:
        for raw in text.splitlines():
            if raw.strip():
                lines.setdefault(" ".join(raw.split()), None)
    # each reading's own text votes on the phones' digits, its unsure digits abstaining (adtrace.ocr.stage)
    return Reading(LINE_BREAK.join(lines), round(best, 1), [r.view() for r in readings],
                   second=[r.view() for r in second], neural=views, tesseract=tesseract)


def _tesseract(img: Any, lang: str, prepared: prepare.Prepared) -> tuple[list[engine.Symbols], list[engine.Symbols]]:
    """Tesseract's readings of a photo, and its second look's: the whole views read as a block of text
    (page segmentation 6), each cut-out line in its preparations as one line (7), and the lines of the
    whole views' readings that look like a phone cut again from Tesseract's own line boxes
    (adtrace.ocr.recut) and read as one line; the cut lines read with a phone-like run and the recut
    boxes looked at again (`second_readings`, `_new_readings`)."""
    readings = [engine.symbols(v, lang=lang, psm=6, boxes=True) for v in prepared.views]
    found = [r.lines for r in readings]
    cut = [engine.symbols(v, lang=lang, psm=7) for v in prepared.lines]
    readings += cut
    boxes = recut.cuts(prepared, found, RECUT_NEW_ONLY)
    boxed = [[engine.symbols(v, lang=lang, psm=7) for v in prepare.colours(b)] for b in boxes]
    readings += [r for box in boxed for r in box]
    second = second_readings(prepared, cut, lang)
    # the recut boxes' second look: their five-way colour clusters (the wide cut of a box let false phones in)
    second += [r for b, own in zip(boxes, boxed, strict=True)
               for r in _new_readings(prepare.colours(b, prepare.SECOND_COLOURS), own, lang)]
    return readings, second


def phone_lines(cut: list[engine.Symbols], per_line: list[int]) -> list[int]:
    """The cut lines (their indexes) any of whose preparations' readings hold a phone-like run of digits."""
    out, start = [], 0
    for n, count in enumerate(per_line):
        if any(recut.phone_like(r.text) for r in cut[start:start + count]):
            out.append(n)
        start += count
    return out


def second_readings(prepared: prepare.Prepared, cut: list[engine.Symbols], lang: str) -> list[engine.Symbols]:
    """The second look's readings of the cut lines read with a phone-like run (`phone_lines`): each
    line's five-way colour clusters (`_new_readings`), then its wide cut's preparations."""
    starts = [sum(prepared.per_line[:n]) for n in range(len(prepared.per_line))]
    out: list[engine.Symbols] = []
    for n in phone_lines(cut, prepared.per_line):
        clusters, wide = prepare.second_look(prepared, n)
        own = cut[starts[n] + prepare.CLUSTERS_AT:starts[n] + prepared.per_line[n]]  # its four-way clusters' readings
        out += _new_readings(clusters, own, lang)
        out += [engine.symbols(v, lang=lang, psm=7) for v in wide]
    return out


def _new_readings(clusters: list[Any], own: list[engine.Symbols], lang: str) -> list[engine.Symbols]:
    """The readings of a cut's SECOND_COLOURS-way colour clusters that do not repeat the digits of its
    four-way ones (`own`). The two splits are near-identical (the same cut, the same colours): a
    five-way reading with a four-way reading's digits is that reading again, not a second one, and is
    left out (two such readings of one cluster let a misread number win the retaken vote, synthetic
    seed 11; without them two readings hold a number there as well as three did, docs/ocr.md)."""
    seen = {digits(o.view()) for o in own}
    return [r for r in (engine.symbols(v, lang=lang, psm=7) for v in clusters) if digits(r.view()) not in seen]


def digits(view: str) -> str:
    """A reading's digits (its unsure ones marked), all else dropped: what it says in the digit vote."""
    return "".join(ch for ch in view if ch.isdigit() or ch == engine.UNSURE)


def decoded_size(size: tuple[int, int]) -> tuple[int, int]:
    """The least size, aspect kept, a photo of `size` must be decoded at for what reads it: RapidOCR
    shrinks it to its max_side_len (adtrace.ocr.neural.MAX_SIDE) on the long side, Tesseract's
    preparations and the no-text test to prepare.TARGET_SHORT_SIDE on the short side, and PDQ hashes a
    copy with a short side of PDQ_SIDE or more (adtrace.documents.images.pdq_sized). A JPEG is then
    decoded at the smallest of its scales 1/2, 1/4, 1/8 that keeps it at least this large: less to
    decode and to shrink again (docs/ocr.md: 14-17 % less CPU per 3,000 px photo with text, phones the
    same on held-out seed 23)."""
    w, h = size
    long_side = int(neural.SETTINGS.get("max_side_len") or neural.MAX_SIDE)
    f = min(1.0, max(long_side / max(w, h, 1), prepare.TARGET_SHORT_SIDE / max(min(w, h), 1)))
    return max(1, math.ceil(w * f)), max(1, math.ceil(h * f))


def _pdq(img: Any) -> str | None:
    """The PDQ hash of a photo already open for OCR: watchlists and screening match photos by it."""
    try:
        from adtrace.documents.images import pdq_of_image

        return pdq_of_image(img)[0]
    except ImportError:  # pdqhash is the `images` extra
        return None


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_file(path: Path, lang: str = engine.DEFAULT_LANG, cache: Cache | None = None,
              tesseract: bool | None = None) -> Reading:
    """The text in an image file, from the cache when this exact file (by SHA-256) was read before the
    same way. `tesseract`: whether Tesseract's reader reads it too; by default only when RapidOCR is off
    here (the OCR stage asks again with it where RapidOCR's reading held digits but no phone: adtrace.ocr.stage).
    Where RapidOCR fails on the photo, Tesseract's reader reads it alone (`Reading.neural_failed` says why)."""
    on = neural.state()[0]
    with_tesseract = not on if tesseract is None else tesseract
    digest = sha256_of(path)

    def key(rapidocr: bool, tess: bool) -> str:  # which engines read: a reading is never taken for another's
        return f"{digest}:{lang}:{READER_VERSION}:{'n' if rapidocr else ''}{'t' if tess else ''}"

    if cache is not None and (hit := cache.get(key(on, with_tesseract))) is not None:
        return Reading.from_dict(hit)
    # RapidOCR's reading of this file, already made without Tesseract: not made again
    before = None
    if cache is not None and on and with_tesseract and (hit := cache.get(key(True, False))) is not None:
        before = Reading.from_dict(hit)
        if before.skipped:
            return before
    try:
        from PIL import Image

        with Image.open(path) as img:
            img.draft(None, decoded_size(img.size))  # a large JPEG decoded at 1/2, 1/4 or 1/8 scale (DCT scaling)
            # Counted after draft, as linking counts (documents.images.too_many_pixels): a 48 M pixel phone-camera
            # JPEG decodes at 1/8 and is read; a PNG (no draft) that large is a bomb and is not decoded.
            if img.width * img.height > MAX_PIXELS:
                raise errors.InputError.at(errors.OCR_BAD_IMAGE, f"image {path.name} is {img.width}x{img.height} "
                                           "pixels, too large to be an ad photo", field_name="images",
                                           hint="It was skipped")
            img.load()
            read_as = key(on, with_tesseract)
            try:
                reading = read_image(img, lang, with_tesseract, before)
            except neural.Failed as exc:
                # The photo opened and only RapidOCR failed on it: Tesseract's reader reads it alone, and the
                # reading is cached as a reading without RapidOCR (read_as), so the next read tries RapidOCR again
                read_as = key(False, True)
                reading = _without_rapidocr(img, path, lang, cache, read_as, str(exc))
            reading.pdq = before.pdq if before is not None else _pdq(img)
    except errors.InputError:
        raise
    except Exception as exc:  # PIL raises OSError, ValueError, SyntaxError, DecompressionBombError...
        raise errors.InputError.at(errors.OCR_BAD_IMAGE, f"cannot read image {path.name}: {type(exc).__name__}",
                                   field_name="images", hint="It was skipped; check the file") from None
    if cache is not None:
        cache.put(read_as, reading.to_dict())
    return reading


def _without_rapidocr(img: Any, path: Path, lang: str, cache: Cache | None, read_as: str, failed: str) -> Reading:
    """Tesseract's reading of a photo RapidOCR failed on (from the cache when it read this file alone
    before); without Tesseract here, the photo is skipped with OCR_BAD_IMAGE."""
    state = engine.status()
    if not state.on:
        why = state.message.removeprefix(f"{engine.OFF}: ")
        raise errors.InputError.at(errors.OCR_BAD_IMAGE, f"cannot read image {path.name}: RapidOCR failed on it "
                                   f"({failed}) and Tesseract is not here to read it instead", field_name="images",
                                   hint=f"It was skipped; Tesseract would read such photos: {why}")
    hit = cache.get(read_as) if cache is not None else None
    reading = Reading.from_dict(hit) if hit is not None else read_image(img, lang, True, rapidocr=False)
    reading.neural_failed = failed
    return reading

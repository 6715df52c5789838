"""Tesseract, through `tesserocr` (the C++ API in-process), with Debian's language data.

Why tesserocr and not pytesseract: pytesseract starts a `tesseract` process and loads the language
model for every image; on this machine that cost 160 ms of CPU per small image against 20 ms through
tesserocr, which keeps one loaded engine per thread (measured, docs/ocr.md).

Nothing here downloads anything: the language data comes from the Debian packages
`tesseract-ocr-eng`, `tesseract-ocr-spa`, `tesseract-ocr-chi-sim` (or TESSDATA_PREFIX). When the
package or the data is missing, `status()` says why and OCR is off; the rest of adtrace runs.
"""

from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Tesseract's OpenMP threads fight the ingest pool for the same cores; one thread per engine.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                 "/usr/share/tessdata")
# Language data per document language; English is always read too (phones and handles are Latin).
LANGS = {"es": "spa+eng", "zh": "chi_sim+eng"}
DEFAULT_LANG = "eng"
OFF = "OCR is off"
OCR_ENV = "ADTRACE_OCR"  # "on" (or 1/true/yes): the pipeline reads images' text; `--ocr` sets it


def wanted() -> bool:
    return os.environ.get(OCR_ENV, "").strip().lower() in ("1", "on", "true", "yes")


@dataclass(frozen=True)
class Status:
    on: bool
    message: str  # "OCR is on (...)" or "OCR is off: <why and what to install>"
    tessdata: str | None = None
    languages: tuple[str, ...] = ()


@functools.cache
def status() -> Status:
    """Whether OCR can run here: the `ocr` extra installed and Tesseract's English data present."""
    try:
        import PIL  # noqa: F401
        import tesserocr  # noqa: F401
    except ImportError:
        return Status(False, f"{OFF}: the 'ocr' extra is not installed (pip install 'adtrace[ocr]')")
    folder = tessdata()
    if folder is None:
        return Status(False, f"{OFF}: no Tesseract language data found (apt-get install tesseract-ocr "
                             "tesseract-ocr-eng tesseract-ocr-spa tesseract-ocr-chi-sim, or set TESSDATA_PREFIX)")
    langs = tuple(sorted(p.stem for p in Path(folder).glob("*.traineddata")))
    if "eng" not in langs:
        return Status(False, f"{OFF}: Tesseract's English data is missing in {folder} "
                             "(apt-get install tesseract-ocr-eng)")
    from adtrace.ocr import neural

    return Status(True, f"OCR is on (Tesseract, languages: {', '.join(lang for lang in langs if lang != 'osd')}; "
                        f"{neural.state()[1]})", folder, langs)


def tessdata() -> str | None:
    env = os.environ.get("TESSDATA_PREFIX")
    for d in ([env] if env else []) + list(TESSDATA_DIRS):
        if d and Path(d, "eng.traineddata").is_file():
            return d
    return None


def lang_for(doc_lang: str | None) -> str:
    """Tesseract's language string for a document language, limited to the data installed."""
    want = LANGS.get((doc_lang or "").lower()[:2], DEFAULT_LANG)
    have = set(status().languages)
    return "+".join(part for part in want.split("+") if part in have) or DEFAULT_LANG


_local = threading.local()


def _api(lang: str, psm: int) -> Any:
    apis: dict[tuple[str, int], Any] = getattr(_local, "apis", None) or {}
    _local.apis = apis
    api = apis.get((lang, psm))
    if api is None:
        import tesserocr

        api = tesserocr.PyTessBaseAPI(path=status().tessdata, lang=lang, psm=psm,
                                      oem=tesserocr.OEM.LSTM_ONLY)
        # Each symbol's alternatives (the LSTM's other characters at that place, with their scores):
        # the same text is read (checked on ~2,000 line cuts), ~14 % more CPU (docs/ocr.md).
        api.SetVariable("lstm_choice_mode", "2")
        apis[(lang, psm)] = api
    return api


@dataclass
class Symbols:
    """Text read with each character's own confidence (0-100; spaces and newlines get 100). Measured on
    synthetic ad photos, over half the false phones had every digit at 90 or more: no threshold on it
    keeps true phones and drops false ones (docs/ocr.md); the reader votes between readings instead."""

    text: str
    confs: list[float]
    unsure: list[bool] = field(default_factory=list)  # per character: a digit with a close alternative
    # With `boxes=True`: each text line Tesseract found, with its box (left, top, right, bottom) in the image
    lines: list[tuple[str, tuple[int, int, int, int]]] = field(default_factory=list)

    def view(self) -> str:
        """The text with each unsure digit replaced by UNSURE (it abstains in the readings' vote)."""
        if not any(self.unsure):
            return self.text
        return "".join(UNSURE if u else ch for ch, u in zip(self.text, self.unsure, strict=True))


UNSURE = "\ufffd"  # an unsure digit in a reading's own text (`Reading.views`): it votes for no digit
# A digit is unsure when Tesseract's own alternatives put another character within this many points of
# its best choice, or its best choice is not the digit it wrote. Measured on the synthetic photos'
# readings (seed 11): 5 points kept the most phones at no false one; 10, 20, 30 kept fewer (docs/ocr.md).
UNSURE_WITHIN = 5.0


def _unsure(ch: str, choices: list[tuple[str, float]]) -> bool:
    if not ch.isdigit() or not choices:
        return False
    best, score = max(choices, key=lambda c: c[1])
    return best != ch or any(c != ch and v > 0 and v >= score - UNSURE_WITHIN for c, v in choices)


def symbols(image: Any, lang: str = DEFAULT_LANG, psm: int = 6, boxes: bool = False) -> Symbols:
    """The text Tesseract reads in a prepared image, symbol by symbol with their confidences, words
    joined by a space and lines by a newline; with `boxes`, also each text line with its box (Tesseract's
    own segmentation of a page: adtrace.ocr.recut cuts those lines again). (A character whitelist for
    digit lines was measured and dropped: docs/ocr.md.)"""
    import tesserocr

    api = _api(lang, psm)
    api.SetImage(image)
    try:
        api.Recognize()
        it = api.GetIterator()
        out: list[str] = []
        confs: list[float] = []
        unsure: list[bool] = []
        level = tesserocr.RIL.SYMBOL
        for sym in tesserocr.iterate_level(it, level) if it is not None else ():
            try:
                ch = sym.GetUTF8Text(level)
            except RuntimeError:  # an empty page
                break
            if not ch:
                continue
            if out and sym.IsAtBeginningOf(tesserocr.RIL.TEXTLINE):
                out.append("\n")
                confs.append(100.0)
                unsure.append(False)
            elif out and sym.IsAtBeginningOf(tesserocr.RIL.WORD):
                out.append(" ")
                confs.append(100.0)
                unsure.append(False)
            choices = [(c.GetUTF8Text(), float(c.Confidence())) for c in sym.GetChoiceIterator()]
            for part in ch:  # a "symbol" can be more than one character (ligatures)
                out.append(part)
                confs.append(float(sym.Confidence(level)))
                unsure.append(_unsure(part, choices))
        found = _lines(api, tesserocr) if boxes else []
    finally:
        api.Clear()
    return Symbols("".join(out), confs, unsure, found)


def _lines(api: Any, tesserocr: Any) -> list[tuple[str, tuple[int, int, int, int]]]:
    it = api.GetIterator()
    level = tesserocr.RIL.TEXTLINE
    out = []
    for line in tesserocr.iterate_level(it, level) if it is not None else ():
        try:
            text, box = line.GetUTF8Text(level), line.BoundingBox(level)
        except RuntimeError:  # an empty page
            break
        if text and text.strip() and box:
            left, top, right, bottom = (int(v) for v in box)
            out.append((" ".join(text.split()), (left, top, right, bottom)))
    return out

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
    return Status(True, f"OCR is on (Tesseract, languages: {', '.join(lang for lang in langs if lang != 'osd')})",
                  folder, langs)


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


@dataclass
class Words:
    text: str
    confidence: float  # mean word confidence, 0-100
    words: int
    scored: list[tuple[str, float]] = field(default_factory=list)  # each word kept, with its confidence


_local = threading.local()


def _api(lang: str, psm: int) -> Any:
    apis: dict[tuple[str, int], Any] = getattr(_local, "apis", None) or {}
    _local.apis = apis
    api = apis.get((lang, psm))
    if api is None:
        import tesserocr

        api = tesserocr.PyTessBaseAPI(path=status().tessdata, lang=lang, psm=psm,
                                      oem=tesserocr.OEM.LSTM_ONLY)
        apis[(lang, psm)] = api
    return api


# Page segmentation: 11 = sparse text (words scattered over a photo, no page layout assumed).
SPARSE = 11


def recognise(image: Any, lang: str = DEFAULT_LANG, psm: int = SPARSE, min_word_conf: float = 0.0) -> Words:
    """The text Tesseract reads in a prepared (grey or binary) PIL image, line by line.

    Words below `min_word_conf` are dropped: on photos, low-confidence "words" are mostly texture
    read as letters and digits."""
    import tesserocr

    api = _api(lang, psm)
    api.SetImage(image)
    api.Recognize()
    lines: list[str] = []
    current: list[str] = []
    confs: list[float] = []
    scored: list[tuple[str, float]] = []
    it = api.GetIterator()
    level = tesserocr.RIL.WORD
    for word in tesserocr.iterate_level(it, level) if it is not None else ():
        try:
            text = word.GetUTF8Text(level)
        except RuntimeError:  # an empty page: tesserocr raises instead of returning ""
            break
        conf = float(word.Confidence(level))
        if conf >= min_word_conf and text.strip():
            current.append(text)
            confs.append(conf)
            scored.append((text, conf))
        if word.IsAtFinalElement(tesserocr.RIL.TEXTLINE, level) and current:
            lines.append(" ".join(current))
            current = []
    if current:
        lines.append(" ".join(current))
    api.Clear()
    mean = sum(confs) / len(confs) if confs else 0.0
    return Words("\n".join(lines), round(mean, 1), len(confs), scored)

"""RapidOCR: PaddleOCR's PP-OCRv4 text detector and recogniser run by ONNX Runtime, a second reader
beside Tesseract.

Why a second engine: Tesseract reads a page of print; ad photos paint their text over busy pictures,
in outlines, colours, tilts and emoji. PP-OCRv4 was trained on scene text: on the synthetic photos one
reading of it alone held more painted phones than every preparation of the photo read by Tesseract and
voted on (docs/ocr.md). It is a reading of its own — its own detector finds the lines, its own
recogniser reads them — so in the digit vote it stands beside Tesseract's readings (adtrace.ocr.stage).

Part of the `ocr` extra (`rapidocr-onnxruntime`, whose wheel carries the three models: nothing is
downloaded). Without it, or with `ADTRACE_OCR_NEURAL=off`, the reader uses Tesseract alone and
`state()` says why.
"""

from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass
from typing import Any

NEURAL_ENV = "ADTRACE_OCR_NEURAL"  # "off" (or 0/false/no): Tesseract alone
# One thread per engine: OCR runs inside the pipeline's worker processes, one per core (as Tesseract's
# OMP_THREAD_LIMIT, adtrace.ocr.engine); ONNX Runtime's default pool would fight them for the cores.
THREADS = 1


@dataclass(frozen=True)
class Line:
    text: str
    score: float  # the recogniser's own confidence in the line, 0-1
    box: tuple[int, int, int, int]  # left, top, right, bottom in the photo's pixels


@functools.cache
def state() -> tuple[bool, str]:
    """(on, what to say): whether the neural reader runs here, and why not when it does not."""
    if os.environ.get(NEURAL_ENV, "").strip().lower() in ("0", "off", "false", "no"):
        return False, f"RapidOCR off ({NEURAL_ENV}=off)"
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError as exc:  # the package, or OpenCV's libGL.so.1 (Debian: libgl1) beneath it
        return False, f"RapidOCR off: {exc} (pip install 'adtrace[ocr]'; Debian: apt-get install libgl1)"
    return True, "RapidOCR PP-OCRv4"


_local = threading.local()


def _engine() -> Any:
    eng = getattr(_local, "engine", None)
    if eng is None:
        from rapidocr_onnxruntime import RapidOCR

        eng = _local.engine = RapidOCR(intra_op_num_threads=THREADS, inter_op_num_threads=THREADS)
    return eng


def read(img: Any) -> list[Line]:
    """The lines RapidOCR reads in a PIL image (any mode), top to bottom; [] when it is off here."""
    if not state()[0]:
        return []
    rgb = img if img.mode == "RGB" else img.convert("RGB")
    found, _ = _engine()(rgb)
    out = []
    for box, text, score in found or ():
        xs, ys = [int(p[0]) for p in box], [int(p[1]) for p in box]
        if str(text).strip():
            out.append(Line(" ".join(str(text).split()), float(score), (min(xs), min(ys), max(xs), max(ys))))
    return out

"""RapidOCR: PaddleOCR's PP-OCRv4 text detector and recogniser run by ONNX Runtime, the first reader
of a photo when it is installed; Tesseract (adtrace.ocr.engine) reads the photos where it read digits
but no phone (adtrace.ocr.stage.read).

Why: Tesseract reads a page of print; ad photos paint their text over busy pictures, in outlines,
colours, tilts and emoji. PP-OCRv4 was trained on scene text: on the synthetic photos its one reading
held more painted phones, with fewer false ones, than every preparation of the photo read by Tesseract
and voted on (docs/ocr.md, ninth round).

Part of the `ocr` extra (`rapidocr-onnxruntime`, whose wheel carries the models: nothing is
downloaded). Without it, or with `ADTRACE_OCR_NEURAL=off`, Tesseract reads alone and `state()` says why.
"""

from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass
from typing import Any

NEURAL_ENV = "ADTRACE_OCR_NEURAL"  # "off" (or 0/false/no): Tesseract alone
# One thread per engine: OCR runs inside the pipeline's worker processes, one per core (as Tesseract's
# OMP_THREAD_LIMIT, adtrace.ocr.engine). Measured (synthetic photos, loaded): ONNX Runtime's default pool
# doubled the CPU per photo for no shorter wall time on 2 cores.
THREADS = 1
# Detection at the photo's own size ("max": never enlarged), not the default enlargement of the short side
# to 736 px: about a quarter of the CPU per photo with text, and more phones read on two of three tuning
# seeds (docs/ocr.md, ninth round). The angle classifier (cls) only tells text turned upside down, which
# ads do not paint; it changed no reading.
# A photo longer than MAX_SIDE px is shrunk to it first (RapidOCR's own `max_side_len`, 2,000 by default;
# its detector and recogniser both see the shrunk photo): detection's cost grows with the pixels. On synthetic
# photos enlarged to 1,600 and 3,000 px wide (tuning seeds 5, 7, 11), 960 kept 549 of 550 phones, as
# many as the photo's own size where it was measured, at a third to two fifths of its CPU per photo with
# text (1,280 cost more and lost two on one seed; docs/ocr.md, tenth round). Photos up to 960 px are
# read as before.
MAX_SIDE = 960
SETTINGS: dict[str, Any] = {"det_limit_type": "max", "use_cls": False, "max_side_len": MAX_SIDE}
# A digit the recogniser doubted (its probability, the CTC step's softmax, under SURE) is blanked in
# the second view of a line (`Line.blanked`): a painted heart or phone icon between digit groups is read
# as a digit at 0.3-0.6 where real digits score 0.99; a misread digit also sits low (a 3 read as 8 at
# 0.58). 0.9 kept the most phones on tuning seeds 5 and 7 (0.7, 0.8, 0.9 measured; docs/ocr.md).
SURE = 0.9
# Boxes that continue one painted line: the detector splits a tilted or spaced line into boxes and the
# engine orders them by their top edge, so a tilted line's right half came first, on its own line.
JOIN_DX = (-0.5, 1.5)  # the next box's left edge from this one's right edge, in text heights
JOIN_DY = 0.4  # and their middles' height apart, in text heights


@dataclass(frozen=True)
class Line:
    text: str
    score: float  # the recogniser's own confidence in the line, 0-1 (the mean of its characters')
    probs: tuple[float, ...] = ()  # each character's probability, when the recogniser's output was seen

    def blanked(self) -> str:
        """The text with each doubted digit (probability under SURE) made a space: not a digit."""
        if len(self.probs) != len(self.text):
            return self.text
        return "".join(" " if ch.isdigit() and p < SURE else ch for ch, p in zip(self.text, self.probs, strict=True))


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


class _Doubts:
    """Stands in for the recogniser's CTC decoder (rapidocr's `text_rec.postprocess_op`): decodes as it
    does, and keeps each line's per-character probabilities, which RapidOCR averages into the line's
    score and drops. A character is the first step of its run of equal steps, as the decoder keeps it."""

    def __init__(self, decode: Any) -> None:
        self.decode = decode
        self.seen: dict[str, tuple[float, ...]] = {}  # text read -> its characters' probabilities

    def __call__(self, preds: Any, *args: Any, **kwargs: Any) -> Any:
        import numpy as np

        out = self.decode(preds, *args, **kwargs)
        for row, res in zip(preds, out, strict=True):
            idx = row.argmax(axis=1)
            keep = np.ones(len(idx), dtype=bool)
            keep[1:] = idx[1:] != idx[:-1]
            keep &= idx != 0  # 0 is CTC's blank
            probs = tuple(float(p) for p in row.max(axis=1)[keep])
            if len(probs) == len(res[0]):  # one step per character (a multi-character token would not be)
                self.seen[res[0]] = probs
        return out


_local = threading.local()


def _engine() -> tuple[Any, _Doubts]:
    found = getattr(_local, "engine", None)
    if found is None:
        from rapidocr_onnxruntime import RapidOCR

        eng = RapidOCR(intra_op_num_threads=THREADS, inter_op_num_threads=THREADS, **SETTINGS)
        doubts = eng.text_rec.postprocess_op = _Doubts(eng.text_rec.postprocess_op)
        found = _local.engine = (eng, doubts)
    return found


class Failed(Exception):
    """RapidOCR or ONNX Runtime raised while reading one photo: the photo opened, so another engine may
    still read it (adtrace.ocr.reader falls back to Tesseract's reader)."""


def read(img: Any) -> list[Line]:
    """The lines RapidOCR reads in a PIL image (any mode), boxes that continue one line joined, each
    with its characters' probabilities; [] when it is off here. Raises `Failed` when the engine raises."""
    if not state()[0]:
        return []
    rgb = img if img.mode == "RGB" else img.convert("RGB")
    try:
        eng, doubts = _engine()
        doubts.seen.clear()
        found, _ = eng(rgb)
    except Exception as exc:  # ONNX Runtime's own errors, OpenCV's cv2.error, numpy's: all of the engine
        raise Failed(f"{type(exc).__name__}: {exc}"[:200]) from exc
    boxes = []
    for quad, raw, score in found or ():
        text = str(raw)
        if text.strip():
            boxes.append(_Box(Line(text, float(score), doubts.seen.get(text, ())), quad))
    return joined(boxes)


class _Box:
    def __init__(self, line: Line, quad: Any) -> None:
        (tlx, tly), (trx, try_), (brx, bry), (blx, bly) = ((float(x), float(y)) for x, y in quad)
        self.line = line
        self.height = max(((bly - tly) + (bry - try_)) / 2, 1.0)
        self.left = ((tlx + blx) / 2, (tly + bly) / 2)  # the middle of its left edge
        self.right = ((trx + brx) / 2, (try_ + bry) / 2)
        self.next: _Box | None = None
        self.prev: _Box | None = None


def joined(boxes: list[_Box]) -> list[Line]:
    """Each chain of boxes that continue one another (the next box's left edge near this one's right
    edge, in text heights, further right) as one line, its parts joined by a space."""
    for a in boxes:
        best: tuple[float, _Box] | None = None
        for b in boxes:
            if b is a or b.prev is not None or b.left[0] <= a.left[0]:
                continue
            h = (a.height + b.height) / 2
            dx, dy = b.left[0] - a.right[0], abs(b.left[1] - a.right[1])
            if JOIN_DX[0] * h <= dx <= JOIN_DX[1] * h and dy <= JOIN_DY * h and (best is None or dx < best[0]):
                best = (dx, b)
        if best is not None:
            a.next, best[1].prev = best[1], a
    out = []
    for a in boxes:
        if a.prev is not None:
            continue
        parts: list[Line] = []
        x: _Box | None = a
        while x is not None:  # links point strictly right: no cycle
            parts.append(x.line)
            x = x.next
        probs = [] if any(len(p.probs) != len(p.text) for p in parts) else \
            [q for i, p in enumerate(parts) for q in ((1.0,) if i else ()) + p.probs]
        out.append(Line(" ".join(p.text for p in parts), min(p.score for p in parts), tuple(probs)))
    return out

"""OCR: the text advertisers paint into their photos, read with RapidOCR (PP-OCRv4 in ONNX Runtime) and
Tesseract, and extracted like ad text.

Optional (`pip install 'adtrace[ocr]'` and Debian's tesseract-ocr with its eng/spa/chi-sim data);
without them `status()` says "OCR is off" and nothing else changes.

    from adtrace.ocr import status, OcrStage, read_image
    status().message                       # "OCR is on (...)" or "OCR is off: <why>"
    Pipeline(ocr=True).process(doc)        # Record with image_text and entities marked via "image"

Importing this package is cheap: Pillow, numpy, RapidOCR and Tesseract load only when an image is read.
"""

from typing import Any

from adtrace.ocr.engine import OCR_ENV, OFF, Status, status, wanted

__all__ = ["FIELD", "OCR_ENV", "OFF", "OcrStage", "Reading", "Status", "read_file", "read_image", "status", "wanted"]


def __getattr__(name: str) -> Any:
    if name in ("OcrStage", "FIELD"):
        from adtrace.ocr import stage

        return getattr(stage, name)
    if name in ("Reading", "read_file", "read_image"):
        from adtrace.ocr import reader

        return getattr(reader, name)
    raise AttributeError(name)

"""RapidOCR failing on one photo (adtrace.ocr.reader.read_file): Tesseract's reader reads that photo
alone, cached as a reading without RapidOCR; without Tesseract the photo is a clear OCR_BAD_IMAGE."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adtrace import errors
from adtrace.documents import Document
from adtrace.ocr import engine, neural, status
from adtrace.ocr.cache import Cache
from adtrace.ocr.reader import READER_VERSION, read_file, sha256_of
from adtrace.ocr.stage import OcrStage, kept, read
from adtrace.pipeline import Pipeline

Image = pytest.importorskip("PIL.Image")
VALUE = "+17028643321"


def _painted(path: Path, text: str, width: int = 560) -> Path:
    from PIL import ImageDraw, ImageFont

    img = Image.new("RGB", (width, 150), (245, 235, 220))
    ImageDraw.Draw(img).text((30, 50), text, fill=(25, 25, 25), font=ImageFont.load_default(size=40))
    img.save(path, quality=85)
    return path


class _FailsOn:
    """Stands in for RapidOCR's engine: raises as ONNX Runtime does on photos `width` pixels wide, reads
    the others with `real` (None: raises on every photo)."""

    def __init__(self, width: int, real: Any = None) -> None:
        self.width, self.real = width, real

    def __call__(self, rgb: Any) -> Any:
        if self.real is None or rgb.width == self.width:
            raise RuntimeError("[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : Non-zero status code returned")
        return self.real(rgb)


def _key(path: Path, engines: str) -> str:
    return f"{sha256_of(path)}:eng:{READER_VERSION}:{engines}"


@pytest.mark.skipif(not (status().on and neural.state()[0]), reason=f"{status().message}; {neural.state()[1]}")
def test_a_photo_rapidocr_fails_on_is_read_by_tesseract_and_cached_as_its_reading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pipe, doc, cache = Pipeline(ocr=False), Document(id="d", text=""), Cache()
    bad = _painted(tmp_path / "bad.jpg", "CALL 702 864 3321", width=561)
    good = _painted(tmp_path / "good.jpg", "CALL 702 864 3321")
    real = neural._engine
    monkeypatch.setattr(neural, "_engine", lambda: (_FailsOn(561, real()[0]), real()[1]))
    reading, found, _ = read(bad, doc, "eng", cache, pipe.extract)
    assert reading.neural_failed.startswith("RuntimeError: [ONNXRuntimeError]")
    assert reading.tesseract and reading.neural == [] and VALUE in kept(reading, found)
    # cached as Tesseract's reading alone, never as RapidOCR's
    assert cache.get(_key(bad, "t")) is not None
    assert all(cache.get(_key(bad, k)) is None for k in ("n", "nt"))
    # the other photo of the same run: RapidOCR reads it
    reading, found, _ = read(good, doc, "eng", cache, pipe.extract)
    assert reading.neural and not reading.tesseract and not reading.neural_failed and VALUE in kept(reading, found)
    # the stage counts the photo read without RapidOCR, and finds its phone
    stage = OcrStage((tmp_path.resolve(),), cache=Cache())
    record: dict[str, Any] = {}
    stage(Document(id="d", text="", images=[{"path": "bad.jpg"}]), record, pipe.extract)
    assert stage.problems == {"RapidOCR failed; Tesseract read it": 1}
    assert [p["value"] for p in record["phones"]] == [VALUE]
    # RapidOCR working again: it reads the photo (the fallback's reading does not answer for it)
    monkeypatch.setattr(neural, "_engine", real)
    reading, _, _ = read(bad, doc, "eng", cache, pipe.extract)
    assert reading.neural and not reading.neural_failed


def test_without_tesseract_a_photo_rapidocr_fails_on_is_a_clear_bad_image(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    off = engine.Status(False, f"{engine.OFF}: the 'ocr' extra is not installed (pip install 'adtrace[ocr]')")
    monkeypatch.setattr(engine, "status", lambda: off)
    monkeypatch.setattr(neural, "state", lambda: (True, "RapidOCR PP-OCRv4"))
    monkeypatch.setattr(neural, "_engine", lambda: (_FailsOn(0), neural._Doubts(None)))
    path = _painted(tmp_path / "a.jpg", "CALL 702 864 3321")
    cache = Cache()
    with pytest.raises(errors.InputError) as err:
        read_file(path, cache=cache)
    assert err.value.code == errors.OCR_BAD_IMAGE
    assert "a.jpg: RapidOCR failed on it (RuntimeError: [ONNXRuntimeError]" in err.value.message
    assert "Tesseract would read such photos: the 'ocr' extra is not installed" in err.value.message
    assert err.value.__cause__ is None and cache.get(_key(path, "n")) is None
    # a file PIL cannot open is still the file's fault, whatever the engines
    (tmp_path / "b.jpg").write_bytes(b"\xff\xd8 not a photo")
    with pytest.raises(errors.InputError) as err:
        read_file(tmp_path / "b.jpg", cache=cache)
    assert err.value.code == errors.OCR_BAD_IMAGE and "cannot read image b.jpg" in err.value.message
    assert "check the file" in err.value.message

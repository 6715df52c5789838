"""OCR test fixtures: Tesseract alone (RapidOCR switched off), for the tests that measure Tesseract's reader."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adtrace.ocr import engine, neural


@pytest.fixture
def tesseract_alone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(neural.NEURAL_ENV, "off")
    neural.state.cache_clear()
    engine.status.cache_clear()
    yield
    monkeypatch.delenv(neural.NEURAL_ENV)
    neural.state.cache_clear()
    engine.status.cache_clear()

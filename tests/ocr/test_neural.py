"""RapidOCR, the second reader (adtrace.ocr.neural): its reading votes as NEURAL_VOTES readings beside
Tesseract's, Tesseract's readings agreeing on another digit still split the vote; it can be switched
off; photos without text never reach it; the cache key says whether it read the photo."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest

from adtrace.documents import Document
from adtrace.ocr import engine, neural, status
from adtrace.ocr.cache import Cache
from adtrace.ocr.reader import Reading
from adtrace.ocr.stage import NEURAL_VOTES, accepted, candidates, merge
from adtrace.pipeline import Pipeline

Image = pytest.importorskip("PIL.Image")
needs_both = pytest.mark.skipif(not (status().on and neural.state()[0]),
                                reason=f"{status().message}; {neural.state()[1]}")
VALUE = "+17028643321"


def _kept(views: list[str], neural_text: str) -> bool:
    text = "702 864 3321"
    reading = Reading(text, 90.0, views, neural=neural_text)
    found = {"phones": [{"value": VALUE, "span": [0, len(text)]}]}
    [c] = candidates(reading, found)
    return accepted(c)


def test_the_neural_reading_votes_as_two_readings_and_tesseract_can_split_it() -> None:
    assert NEURAL_VOTES == 2
    # one Tesseract reading alone holds no number; RapidOCR's reading alone does (it is two readings)
    assert not _kept(["702 864 3321"], "")
    assert _kept(["CALL"], "CALL 702 864 3321")
    # one Tesseract reading with another digit: the neural digit still leads, two to one
    assert _kept(["702 864 3821"], "702 864 3321")
    # two Tesseract readings agreeing on another digit: a tie, the number is doubtful
    assert not _kept(["702 864 3821", "702-864-3821"], "702 864 3321")
    # a neural reading agreeing with Tesseract's vote adds to it
    assert _kept(["702 864 3321"], "702 864 3321")
    r = Reading("t", 90.0, ["a"], neural="702 864 3321")
    assert Reading.from_dict(r.to_dict()).neural == "702 864 3321"
    assert Reading.from_dict({"text": "t", "confidence": 1.0}).neural == ""


@pytest.mark.usefixtures("tesseract_alone")
def test_switched_off_tesseract_reads_alone_and_says_so() -> None:
    assert neural.state() == (False, f"RapidOCR off ({neural.NEURAL_ENV}=off)")
    assert neural.read(Image.new("RGB", (50, 50))) == []
    if engine.status().on:
        assert engine.status().message.endswith(f"RapidOCR off ({neural.NEURAL_ENV}=off))")


def _painted_styles() -> list[tuple[bytes, str]]:
    from adtrace.synth.image_text import STYLES, compose, paint
    from adtrace.synth.images import draw_base

    phones = [VALUE, "+13125550199", "+14155550123", "+16175550142"]
    out = []
    for k, style in enumerate(STYLES * 2):
        rng = random.Random(100 + k)
        planted = compose(rng, phones[k % len(phones)], "candyx22")
        while planted.style["name"] != style or not planted.phones:  # this style, with a phone
            planted = compose(rng, phones[k % len(phones)], "candyx22")
        out.append((paint(draw_base(f"s{k}", 7), planted, random.Random(k)), planted.phones[0]))
    return out


@needs_both
def test_every_painting_style_is_read_by_both_engines_without_inventing_a_phone() -> None:
    from adtrace.ocr.reader import read_image

    pipe = Pipeline(ocr=False)
    found = false = 0
    for jpeg, phone in _painted_styles():
        reading = read_image(Image.open(io.BytesIO(jpeg)))
        assert reading.neural  # RapidOCR read every one of these photos
        record: dict[str, Any] = {}
        merge(record, 0, reading, pipe.extract(Document(id="d", text=reading.text)))
        got = {p["value"] for p in record.get("phones") or ()}
        found += phone in got
        false += len(got - {phone})
    # Measured on these 14 photos (the same as test_prepare's, 2 per style): both engines found all 14
    # phones, no false one (Tesseract alone: 7). Floors: no false phone, 12 found.
    assert false == 0
    assert found >= 12


@needs_both
def test_a_photo_without_text_never_reaches_rapidocr_and_the_cache_key_says_it_ran(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from adtrace.ocr import reader

    calls: list[int] = []
    real = neural.read

    def counting(img: Any) -> list[neural.Line]:
        calls.append(1)
        return real(img)

    monkeypatch.setattr(neural, "read", counting)
    Image.linear_gradient("L").resize((300, 200)).convert("RGB").save(tmp_path / "sky.png")
    assert reader.read_file(tmp_path / "sky.png").skipped and calls == []
    (tmp_path / "a.jpg").write_bytes(_painted_styles()[0][0])
    cache = Cache()
    first = reader.read_file(tmp_path / "a.jpg", cache=cache)
    assert calls == [1] and first.neural
    assert reader.read_file(tmp_path / "a.jpg", cache=cache).neural == first.neural and calls == [1]
    # read without RapidOCR, the photo is read again (not answered with a reading that had it), and back
    monkeypatch.setenv(neural.NEURAL_ENV, "off")
    neural.state.cache_clear()
    try:
        assert reader.read_file(tmp_path / "a.jpg", cache=cache).neural == ""
        assert calls == [1, 1]  # counting() was called, and said nothing: RapidOCR is off
    finally:
        monkeypatch.delenv(neural.NEURAL_ENV)
        neural.state.cache_clear()
    assert reader.read_file(tmp_path / "a.jpg", cache=cache).neural == first.neural and calls == [1, 1]

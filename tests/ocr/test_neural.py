"""RapidOCR, the first reader (adtrace.ocr.neural): a phone its reading holds exactly and cleanly is
kept on its own; a doubted digit is blanked in its second view; boxes continuing one line are joined;
Tesseract reads only the photos where RapidOCR read a run of digits but kept no phone; it can be switched off; photos without
text reach neither engine; the cache key says which engines read the photo."""

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
from adtrace.ocr.stage import accepted, candidates, held, kept, merge, read
from adtrace.pipeline import Pipeline

Image = pytest.importorskip("PIL.Image")
needs_both = pytest.mark.skipif(not (status().on and neural.state()[0]),
                                reason=f"{status().message}; {neural.state()[1]}")
VALUE = "+17028643321"


def _kept(neural_views: list[str], views: list[str] | None = None) -> bool:
    text = "702 864 3321"
    reading = Reading(text, 90.0, views or [], neural=neural_views, tesseract=views is not None)
    [c] = candidates(reading, {"phones": [{"value": VALUE, "span": [0, len(text)]}]})
    return accepted(c)


def test_a_phone_rapidocr_holds_exactly_and_cleanly_is_kept_alone() -> None:
    assert _kept(["CALL 702 864 3321", "CALL 702 864 3321"])
    assert _kept(["CALL 702♥864♥3321"])  # symbols between the digit groups are fine
    assert not _kept(["CALL 702 864 3821"])  # a digit off: not held (Tesseract's vote may still keep it)
    assert not _kept(["CALL 9702 864 3321"])  # glued to another digit
    assert _kept(["CALL 702 864 3821"], ["702 864 3321", "(702) 864-3321"])  # Tesseract's vote keeps it
    assert held(VALUE, ["+1 702-864-3321"]) and not held(VALUE, [])
    r = Reading("t", 90.0, ["a"], neural=["702 864 3321", "702 864 332 "], tesseract=False)
    assert Reading.from_dict(r.to_dict()) == r
    old = Reading.from_dict({"text": "t", "confidence": 1.0})  # a reading cached before RapidOCR
    assert old.neural == [] and old.tesseract


def test_a_doubted_digit_is_blanked_in_the_second_view() -> None:
    line = neural.Line("813.512", 0.9, (0.58, 0.99, 0.99, 1.0, 0.99, 0.95, 0.999))
    assert line.blanked() == " 13.512"
    assert neural.Line("813", 0.9).blanked() == "813"  # no probabilities seen: as read
    # a heart read as a digit at low probability between the groups: the blanked view holds the phone
    heart = neural.Line("702 8642 3321", 0.9, tuple([0.99] * 7 + [0.4] + [0.99] * 5))
    assert not held(VALUE, [heart.text]) and held(VALUE, [heart.text, heart.blanked()])


def _box(text: str, x: float, y: float, w: float, h: float = 20.0) -> Any:
    return neural._Box(neural.Line(text, 0.99, tuple([0.99] * len(text))),
                       [[x, y], [x + w, y], [x + w, y + h], [x, y + h]])


def test_boxes_that_continue_one_line_are_joined_left_to_right() -> None:
    # the detector's order (by top edge): a tilted line's right half first
    lines = neural.joined([_box("556-3673", 130, 40, 90), _box("(678)", 40, 46, 80), _box("snap:ky", 40, 120, 90)])
    assert [line.text for line in lines] == ["(678) 556-3673", "snap:ky"]
    assert len(lines[0].probs) == len(lines[0].text)
    # a box far to the right, or on another line, is not a continuation
    far = neural.joined([_box("702", 10, 10, 40), _box("864", 200, 10, 40), _box("3321", 55, 60, 50)])
    assert [line.text for line in far] == ["702", "864", "3321"]


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
def test_every_painting_style_is_read_without_inventing_a_phone(tmp_path: Path) -> None:
    pipe = Pipeline(ocr=False)
    found = false = tesseract = 0
    for k, (jpeg, phone) in enumerate(_painted_styles()):
        path = tmp_path / f"{k}.jpg"
        path.write_bytes(jpeg)
        lines = neural.read(Image.open(path))
        # every character keeps the recogniser's probability (the decoder was seen through)
        assert lines and all(len(line.probs) == len(line.text) for line in lines)
        reading, got_found, _ = read(path, Document(id="d", text=""), "eng", Cache(), pipe.extract)
        assert reading.neural[0] == "\n".join(line.text for line in lines)
        tesseract += reading.tesseract
        record: dict[str, Any] = {}
        merge(record, 0, reading, got_found)
        got = {p["value"] for p in record.get("phones") or ()}
        found += phone in got
        false += len(got - {phone})
    # Measured on these 14 photos (the same as test_prepare's, 2 per style): all 14 phones found, no
    # false one, every one from RapidOCR's reading (Tesseract alone: 7). Floors: no false phone, 12 found.
    assert false == 0
    assert found >= 12
    assert tesseract <= 14 - found  # Tesseract read only photos where RapidOCR's reading kept no phone


@needs_both
def test_tesseract_reads_only_where_rapidocr_gave_no_phone_and_the_cache_says_which_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_neural, real_symbols = neural.read, engine.symbols
    monkeypatch.setattr(neural, "read", lambda img: calls.append("n") or real_neural(img))
    monkeypatch.setattr(engine, "symbols", lambda *a, **kw: calls.append("t") or real_symbols(*a, **kw))
    pipe, doc, cache = Pipeline(ocr=False), Document(id="d", text=""), Cache()
    Image.linear_gradient("L").resize((300, 200)).convert("RGB").save(tmp_path / "sky.png")
    reading, _, _ = read(tmp_path / "sky.png", doc, "eng", cache, pipe.extract)
    assert reading.skipped and calls == []  # no text: neither engine
    (tmp_path / "a.jpg").write_bytes(_painted_styles()[1][0])
    reading, found, _ = read(tmp_path / "a.jpg", doc, "eng", cache, pipe.extract)
    assert kept(reading, found) and not reading.tesseract and calls == ["n"]
    # a photo with a handle only: fewer than FALLBACK_DIGITS digits, no phone to have misread, no Tesseract
    from PIL import ImageDraw

    def painted(name: str, text: str) -> Path:
        img = Image.new("RGB", (460, 120), (250, 250, 245))
        ImageDraw.Draw(img).text((20, 30), text, fill=(20, 20, 20), font_size=40)
        img.save(tmp_path / name)
        return tmp_path / name

    calls.clear()
    reading, found, _ = read(painted("h.png", "snap: candyx22"), doc, "eng", cache, pipe.extract)
    assert not reading.tesseract and calls == ["n"]
    assert any(h["value"] == "candyx22" for h in found.get("handles") or ())
    # a run of digits that is no phone: Tesseract reads it too, RapidOCR's reading reused
    calls.clear()
    reading, found, _ = read(painted("c.png", "code 4817 2093"), doc, "eng", cache, pipe.extract)
    assert reading.tesseract and calls[0] == "n" and calls.count("n") == 1 and "t" in calls
    assert not kept(reading, found)
    calls.clear()
    again, _, _ = read(tmp_path / "c.png", doc, "eng", cache, pipe.extract)
    assert calls == [] and again == reading  # both readings from the cache
    # read without RapidOCR, the photo is read again (not answered with a reading that had it)
    monkeypatch.setenv(neural.NEURAL_ENV, "off")
    neural.state.cache_clear()
    try:
        alone, _, _ = read(tmp_path / "a.jpg", doc, "eng", cache, pipe.extract)
        assert alone.neural == [] and alone.tesseract and "t" in calls
    finally:
        monkeypatch.delenv(neural.NEURAL_ENV)
        neural.state.cache_clear()


@needs_both
def test_a_photo_past_max_side_is_shrunk_before_rapidocr_reads_it_and_its_phone_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rapidocr_onnxruntime.main as rapid

    shrunk: list[tuple[int, int]] = []
    real_reduce = rapid.reduce_max_side

    def reduce(img: Any, max_side_len: int = 2000) -> Any:
        out = real_reduce(img, max_side_len)
        shrunk.append(out[0].shape[:2])
        return out

    monkeypatch.setattr(rapid, "reduce_max_side", reduce)
    jpeg, phone = _painted_styles()[0]
    path = tmp_path / "big.jpg"
    Image.open(io.BytesIO(jpeg)).resize((3000, 2250), Image.Resampling.LANCZOS).save(path, quality=90)
    reading, found, _ = read(path, Document(id="d", text=""), "eng", Cache(), Pipeline(ocr=False).extract)
    # RapidOCR read it at MAX_SIDE on its long side (its sides rounded to 32 px), not at its own 2,000
    assert len(shrunk) == 1 and max(shrunk[0]) == neural.MAX_SIDE < 2000
    assert phone in kept(reading, found) and not reading.tesseract


def test_the_stage_decides_a_photos_phones_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A photo whose RapidOCR reading holds 7+ digits: which phones are kept decides whether Tesseract
    reads it too, and is what `merge` adds; it is worked out once, not again in `merge`."""
    from adtrace.ocr import stage

    text = "call 702 864 3321"
    monkeypatch.setattr(stage, "read_file", lambda *a, **kw: Reading(text, 90.0, neural=[text, text], tesseract=False))
    calls: list[int] = []
    real = stage.candidates
    monkeypatch.setattr(stage, "candidates", lambda *a: calls.append(1) or real(*a))
    (tmp_path / "a.jpg").write_bytes(b"read_file is faked")
    ocr = stage.OcrStage((tmp_path.resolve(),), cache=Cache())
    record: dict[str, Any] = {}
    ocr(Document(id="d", text="", images=[{"path": "a.jpg"}]), record, Pipeline(ocr=False).extract)
    assert [p["value"] for p in record["phones"]] == [VALUE]  # kept from RapidOCR's reading, no fallback
    assert len(calls) == 1


def test_a_large_jpeg_is_decoded_at_the_scale_its_readers_need(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from adtrace.ocr import reader

    sizes: list[tuple[int, int]] = []
    monkeypatch.setattr(reader, "read_image", lambda img, *a, **kw: sizes.append(img.size) or Reading("", 0.0, skipped=True))
    Image.new("RGB", (3000, 2250), (200, 120, 40)).save(tmp_path / "big.jpg")
    Image.new("RGB", (1600, 1200), (200, 120, 40)).save(tmp_path / "mid.jpg")
    reader.read_file(tmp_path / "big.jpg")
    reader.read_file(tmp_path / "mid.jpg")
    # 1/2 scale keeps RapidOCR's 960 px long side; at 1,600 px a half (800) would not
    assert sizes == [(1500, 1125), (1600, 1200)]
    assert reader.decoded_size((3000, 2250)) == (960, 720)

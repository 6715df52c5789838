"""The OCR stage: text painted into a photo becomes image_text and entities marked via image; photos with
no text skip Tesseract; a repost (same bytes) is read once; only files inside the image folders are
opened; without Tesseract the pipeline runs and says OCR is off."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from adtrace.documents import Document
from adtrace.ocr import engine, status
from adtrace.ocr.reader import Reading
from adtrace.ocr.stage import Fused, accepted, fused, merge
from adtrace.pipeline import Pipeline

Image = pytest.importorskip("PIL.Image")
needs_ocr = pytest.mark.skipif(not status().on, reason=status().message)


def _painted(path: Path, lines: list[str]) -> Path:
    from PIL import ImageDraw, ImageFont

    img = Image.new("RGB", (560, 80 + 70 * len(lines)), (245, 235, 220))
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=40)
    for i, line in enumerate(lines):
        draw.text((30, 40 + 70 * i), line, fill=(25, 25, 25), font=font)
    img.save(path, quality=85)
    return path


def _plain(path: Path) -> Path:
    Image.linear_gradient("L").resize((300, 200)).convert("RGB").save(path)
    return path


def _pipe(root: Path) -> Pipeline:
    pipe = Pipeline(ocr=True)
    assert pipe.ocr_stage is not None
    pipe.ocr_stage.roots = (root.resolve(),)  # type: ignore[attr-defined]
    return pipe


@needs_ocr
def test_phone_and_handle_in_a_photo_are_extracted_with_spans_into_its_text(tmp_path: Path) -> None:
    _painted(tmp_path / "a.jpg", ["CALL (702) 864-3321", "snap: candyx22"])
    doc = Document(id="d1", text="Sweet and discreet, text me.", images=[{"path": "a.jpg"}])
    record = _pipe(tmp_path).process(doc)
    [entry] = record["image_text"]
    assert entry["image"] == 0 and 0 < entry["confidence"] <= 100
    [phone] = record["phones"]
    assert (phone["value"], phone["via"], phone["field"], phone["image"]) == ("+17028643321", "image", "image_text", 0)
    s, e = phone["span"]
    assert "864" in entry["text"][s:e] and "3321" in entry["text"][s:e]
    assert any(h["value"] == "candyx22" and h["via"] == "image" for h in record["handles"])
    if importlib.util.find_spec("pdqhash"):  # the photo was open anyway: its PDQ goes to photo watchlists
        assert len(record["images"][0]["pdq"]) == 64
    # indicators ran on the ad's text before: their evidence never points into the image text
    assert all(ev["text"] in doc.full_text for ind in record["indicators"] for ev in ind["evidence"])


@needs_ocr
@pytest.mark.usefixtures("tesseract_alone")  # with RapidOCR: tests/ocr/test_neural.py
def test_photo_without_text_skips_tesseract_and_a_repost_is_read_once(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = engine.symbols

    def counting(*a: Any, **kw: Any) -> Any:
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(engine, "symbols", counting)
    _plain(tmp_path / "sky.png")
    pipe = _pipe(tmp_path)
    record = pipe.process(Document(id="d0", text="hello there", images=[{"path": "sky.png"}]))
    assert record["image_text"] == [] and calls == []
    _painted(tmp_path / "a.jpg", ["(702) 864-3321"])
    (tmp_path / "b.jpg").write_bytes((tmp_path / "a.jpg").read_bytes())  # the same file posted again
    first = pipe.process(Document(id="d1", text="hi", images=[{"path": "a.jpg"}]))
    n = len(calls)
    again = pipe.process(Document(id="d2", text="hi", images=[{"path": "b.jpg"}]))
    assert n > 0 and len(calls) == n  # cached by the file's SHA-256
    assert first["image_text"] == again["image_text"]


def test_files_outside_the_image_folders_are_never_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from adtrace.ocr.stage import OcrStage

    opened: list[Path] = []
    monkeypatch.setattr("adtrace.ocr.stage.read_file", lambda p, *a: opened.append(p))
    inside = tmp_path / "in"
    inside.mkdir()
    outside = _plain(tmp_path / "secret.png")
    stage = OcrStage((inside.resolve(),))
    record: dict[str, Any] = {}
    doc = Document(id="d", text="x", images=[{"path": str(outside)}, {"path": "../secret.png"}, {"url": "http://x.test/a.jpg"}])
    stage(doc, record, lambda sub: {})
    assert opened == [] and record["image_text"] == []
    assert stage.problems["outside the image folders or missing"] == 2


def test_without_tesseract_the_pipeline_runs_and_says_ocr_is_off(monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import importlib

    proc = importlib.import_module("adtrace.pipeline.process")  # the package exports a function of that name

    monkeypatch.setattr(engine, "TESSDATA_DIRS", ())
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)
    monkeypatch.setattr(proc, "_ocr_said", False)
    engine.status.cache_clear()
    try:
        state = engine.status()
        assert not state.on and state.message.startswith("OCR is off")
        pipe = Pipeline(ocr=True)
        assert pipe.ocr_stage is None
        record = pipe.process(Document(id="d", text="call 702 864 3321", images=[{"path": "a.jpg"}]))
        assert record["image_text"] == [] and record["phones"][0]["value"] == "+17028643321"
        assert "OCR is off" in capsys.readouterr().err
    finally:
        engine.status.cache_clear()


def test_readings_vote_digit_by_digit_and_a_split_digit_drops_the_phone() -> None:
    views = ["505 354-0485", "505 854 0485 x"]
    vote = fused("+15053540485", views)
    assert vote is not None and vote.readings == 2 and vote.margin == 0  # one reading says 3, one says 8: a tie
    assert not accepted({"value": "+15053540485", "letters": False, "fused": vote})
    assert not accepted({"value": "+15058540485", "letters": False, "fused": fused("+15058540485", views)})
    views.append("(505) 354 0485")  # a third reading: every digit now won by a lead of one reading or more
    assert fused("+15053540485", views) == Fused("+15053540485", 3, 1, 3, 2)
    assert accepted({"value": "+15053540485", "letters": False, "fused": fused("+15053540485", views)})
    assert not accepted({"value": "+15058540485", "letters": False, "fused": fused("+15058540485", views)})
    assert fused("+17028643321", views) is None  # a number no reading holds, give or take a digit


def test_a_number_read_out_of_a_longer_digit_run_is_not_a_clean_reading() -> None:
    # a painted star read as 9 and two digits more: the ten digits 858-942-4975 are not what was painted
    glued = ["@ 858942497584", "@ 858 9424975E4", "858942497584", "858942407584"]
    vote = fused("+18589424975", glued)
    assert vote is not None and vote.readings == 4 and vote.margin >= 2 and vote.clean == 0
    assert not accepted({"value": "+18589424975", "letters": False, "fused": vote})
    # a country code or trunk prefix before the number, or punctuation inside it, is not glue
    clean = ["+17028643321", "1 (702) 864-3321.", "+44 07919 524406", "07919 524406"]
    assert fused("+17028643321", clean[:2]) == Fused("+17028643321", 2, 2, 2, 2)
    uk = fused("+447919524406", clean[2:])
    assert uk is not None and uk.clean == 2
    assert accepted({"value": "+17028643321", "letters": False, "fused": fused("+17028643321", clean[:2])})


def test_one_reading_alone_or_letters_read_as_digits_are_not_enough() -> None:
    one = ["CALL 702 864 3321", "CALL", ""]
    assert not accepted({"value": "+17028643321", "letters": False, "fused": fused("+17028643321", one)})
    two = ["7O2 864 3321", "702 864 3321", "702 864 3321"]
    assert not accepted({"value": "+17028643321", "letters": True, "fused": fused("+17028643321", two)})


def test_symbols_painted_between_digit_groups_are_kept_but_letters_inside_a_number_are_not() -> None:
    pipe = Pipeline(ocr=False)
    for text, kept in (("702\u2665864\u26653321\n702 864 3321", True), ("7O2 864 3321\n7O2 864 3321", False)):
        views = text.split("\n") * 2
        record: dict[str, Any] = {}
        merge(record, 0, Reading(text, 90.0, views), pipe.extract(Document(id="d", text=text)))
        assert bool(record.get("phones")) is kept, text


def test_merge_marks_every_entity_as_from_the_image_and_drops_context_fields() -> None:
    record: dict[str, Any] = {"phones": [{"value": "+17025550147", "span": [0, 12]}]}
    found = {"phones": [{"value": "+17028643321", "span": [5, 17], "obfuscated": False},
                        {"value": "+17029990000", "span": [0, 10], "field": "url"},
                        {"value": "+17021112222", "span": [30, 44], "obfuscated": True}],
             "places": [{"name": "Las Vegas", "via": "field"}, {"name": "Reno", "via": "text", "span": [1, 5]}],
             "ages": [{"value": 19, "span": [20, 26]}]}
    text = "call 702 864 3321 now"  # two readings hold the image's phone: kept
    merge(record, 2, Reading(text, 90.0, [text, "702-864-3321"]), found)
    assert [p["value"] for p in record["phones"]] == ["+17025550147", "+17028643321"]
    assert record["phones"][1] | {} == {"value": "+17028643321", "span": [5, 17], "obfuscated": False,
                                        "field": "image_text", "image": 2, "via": "image"}
    assert [p["name"] for p in record["places"]] == ["Reno"] and record["places"][0]["via"] == "image"
    assert record["ages"][0]["field"] == "image_text"


def test_an_unsure_digit_abstains_in_the_vote() -> None:
    u = engine.UNSURE
    # the middle reading was unsure of its 8 (Tesseract's alternatives held a 3 close to it): it votes for
    # the other nine digits only, and the 3 is won by two readings to none
    views = ["505 354-0485", f"505 {u}54 0485 x", "(505) 354 0485"]
    assert fused("+15053540485", views) == Fused("+15053540485", 3, 2, 3, 2)
    # without the mark the same readings split 2 to 1 on that digit
    assert fused("+15053540485", [v.replace(u, "8") for v in views]) == Fused("+15053540485", 3, 1, 3, 2)
    # a stretch with more unsure digits than MAX_UNSURE holds no number
    assert fused("+15053540485", [f"505 {u * 2}4-0485"]) is None
    # a digit won by one reading alone (the others doubted it) is not enough, even unopposed
    alone = fused("+15053540485", ["505 354-0485", f"505 {u}54 0485", f"(505) {u}54-0485"])
    assert alone is not None and alone.margin == 1 and alone.support == 1
    assert not accepted({"value": "+15053540485", "letters": False, "fused": alone})


def test_a_digit_is_unsure_when_an_alternative_is_close_or_ranked_first() -> None:
    assert engine._unsure("5", [("5", 90.0), ("8", 87.0)])
    assert engine._unsure("5", [("8", 90.0), ("5", 80.0)])
    assert not engine._unsure("5", [("5", 95.0), ("8", 60.0), ("S", 0.0)])
    assert not engine._unsure("S", [("S", 90.0), ("5", 89.0)])  # letters are not digits: the letters rule has them
    assert not engine._unsure("7", [])
    sym = engine.Symbols("70 2", [99.0, 80.0, 100.0, 99.0], [False, True, False, False])
    assert sym.view() == f"7{engine.UNSURE} 2"
    assert engine.Symbols("70", [99.0, 99.0], [False, False]).view() == "70"


@needs_ocr
def test_tesseract_reports_each_characters_doubt(tmp_path: Path) -> None:
    from PIL import Image as PILImage

    path = _painted(tmp_path / "a.jpg", ["CALL 702 864 3321"])
    read = engine.symbols(PILImage.open(path).convert("L"), psm=6)
    assert len(read.unsure) == len(read.text) == len(read.confs)
    assert "702" in read.text and not any(read.unsure[i] for i, ch in enumerate(read.text) if not ch.isdigit())


def test_the_second_looks_readings_need_a_lead_of_two_and_two_readings() -> None:
    from adtrace.ocr.stage import SECOND_MARGIN, SECOND_READINGS

    assert (SECOND_MARGIN, SECOND_READINGS) == (2, 2)
    value = "+15053540485"
    # one reading of the first look holds the number: not enough alone
    first = ["505 354-0485", "CALL"]
    two = ["(505) 354 0485", "505.354.0485"]

    def kept(views: list[str], second: list[str]) -> bool:
        reading = Reading("", 90.0, views, second=second)
        return accepted({"value": value, "letters": False, "fused": fused(value, reading.views),
                         "second": fused(value, reading.views + reading.second) if reading.second else None})

    assert not kept(first, [])
    # one second-look reading agreeing exactly: two readings, every digit won by two to none
    assert kept(first, two[:1])
    # one second-look reading disagrees on a digit: that digit leads by one (2 to 1), under SECOND_MARGIN
    assert not kept(first, [two[0], "505 854 0485"])
    # a second-look reading a digit off alone: two readings, but its digit ties (1 to 1)
    assert not kept(first, ["505 854 0485"])
    # where the first look's vote holds the number (lead of one), the second look is not needed
    assert kept(["505 354-0485", "505 354 0485", "505 854 0485"], ["505 854 0485"])
    # a Reading keeps its second-look readings through the cache
    r = Reading("t", 90.0, first, second=two)
    assert Reading.from_dict(r.to_dict()).second == two
    assert Reading.from_dict({"text": "t", "confidence": 1.0}).second == []

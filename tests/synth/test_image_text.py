"""`synth --images` paints phones, handles and rates into a share of photos, with truth: every planted
phone is written on the picture's lines, every repost of a photo carries the same text, and the
painted pictures are JPEGs of varied fonts, sizes and tilts."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from synthcorpus import corpus, lines

Image = pytest.importorskip("PIL.Image")
from adtrace.synth.image_text import STYLES, SYMBOLS  # noqa: E402


def test_planted_text_is_in_the_truth_and_the_same_on_every_repost(tmp_path: Path) -> None:
    import phonenumbers

    docs, truth = corpus(300, 4, images_dir=str(tmp_path / "img"), image_text=0.4)
    facts = [f for f in lines(truth) if f["type"] == "document"]
    by_photo: dict[str, list[list[str]]] = defaultdict(list)
    planted = styles = 0
    fonts, angles, names = set(), set(), set()
    for doc, fact in zip(lines(docs), facts, strict=True):
        painted = {e["image"]: e for e in fact.get("image_text") or []}
        for k, (img, photo) in enumerate(zip(doc["images"], fact["images"], strict=True)):
            if k not in painted:
                assert img["path"].endswith(".png")
                continue
            entry = painted[k]
            assert img["path"].endswith(".jpg") and Path(img["path"]).is_file()
            by_photo[photo].append(entry["lines"])
            digits = ["".join(ch for ch in line if ch.isdigit()) for line in entry["lines"]]
            for e164 in entry["phones"]:
                national = str(phonenumbers.parse(e164, None).national_number)
                assert any(national in d for d in digits), (e164, entry["lines"])
                planted += 1
            for h in entry["handles"]:
                assert any(h["value"] in line for line in entry["lines"])
            fonts.add(entry["style"]["font"])
            angles.add(entry["style"]["angle"] != 0)
            names.add(entry["style"]["name"])
            if entry["style"]["name"] == "emoji" and entry["phones"]:  # symbols between the digits
                assert any(ch in SYMBOLS for line in entry["lines"] for ch in line)
            styles += 1
    assert planted >= 20 and styles >= 30
    assert len(fonts) >= 5 and angles == {True, False} and names == set(STYLES)
    reposted = [texts for texts in by_photo.values() if len(texts) > 1]
    assert reposted and all(t == texts[0] for texts in reposted for t in texts)


def test_image_text_zero_paints_nothing(tmp_path: Path) -> None:
    docs, truth = corpus(80, 4, images_dir=str(tmp_path / "img"), image_text=0.0)
    assert not any(f.get("image_text") for f in lines(truth))
    assert all(img["path"].endswith(".png") for d in lines(docs) for img in d["images"])

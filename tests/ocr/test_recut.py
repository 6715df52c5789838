"""Phone-like lines cut again from Tesseract's own line boxes (adtrace.ocr.recut): which lines qualify,
one box per line over the three views, a line found in the photo mapped into the straightened view,
and a cut of a drawn line that reads back its digits. Images are drawn here."""

from __future__ import annotations

import numpy as np
import pytest

from adtrace.ocr import engine, lines, prepare, recut, status

Image = pytest.importorskip("PIL.Image")
needs_ocr = pytest.mark.skipif(not status().on, reason=status().message)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _font(size: int) -> object:
    from pathlib import Path

    from PIL import ImageFont

    return ImageFont.truetype(FONT, size) if Path(FONT).is_file() else ImageFont.load_default(size=size)


@pytest.mark.parametrize(("text", "like"), [
    ("CALL 702 864 3321", True), ("(702) 864-3321", True), ("702 ♥ 864 ♥ 3321", True),
    ("7O2 864 3321", True),  # a letter read inside: 8 digits still run on, the line is worth a second cut
    ("$150/hr 24/7", False), ("snap: candyx22", False), ("702 - - - - 864", False), ("86 43 21", False),
])
def test_phone_like_lines_are_seven_digits_or_more_with_little_between(text: str, like: bool) -> None:
    assert recut.phone_like(text) is like


def test_one_box_per_line_over_the_views_longest_reading_first() -> None:
    a = (10, 10, 210, 40)
    found = [[("702 864 3321", a), ("snap candy", (10, 60, 200, 90))],
             [("702 864 332", (12, 11, 208, 41))],  # the same line in another view
             [("415 555 0123 call", (10, 120, 260, 150)), ("1 2 3", (0, 0, 5, 5))]]
    got = recut.boxes(found)
    assert got == [(10, 120, 260, 150), a]
    assert recut.boxes(found, limit=1) == [(10, 120, 260, 150)]


@pytest.mark.parametrize("angle", [0.0, 9.0, -15.0])
def test_a_line_maps_into_the_straightened_photo(angle: float) -> None:
    img = Image.new("L", (400, 300), 0)
    img.paste(255, (300, 50, 320, 60))
    a = np.asarray(img.rotate(angle, expand=True, resample=Image.Resampling.NEAREST)) > 128
    ys, xs = np.nonzero(a)
    box = recut.rotated_box(lines.Line(50, 300, 60, 320, 10.0, 3, 0.0), img.size, angle)
    # The painted patch rotated by PIL and the box computed for it agree to a pixel or two.
    assert max(abs(p - q) for p, q in zip(box, (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1), strict=True)) <= 2


def test_a_box_is_cut_padded_and_scaled_to_line_height() -> None:
    img = Image.new("L", (500, 200), 255)
    c = recut.cut(img, (100, 50, 300, 70))  # 20 px tall: scaled x2 to LINE_HEIGHT
    assert c.height == round((20 + 2 * round(recut.PAD * 20)) * lines.LINE_HEIGHT / 20)
    assert c.width == round((200 + 2 * round(recut.PAD * 20)) * lines.LINE_HEIGHT / 20)
    edge = recut.cut(img, (0, 0, 60, 20))  # at the photo's corner: padded inside the photo only
    assert edge.size == (68 * 2, 28 * 2)  # 60 + 8 right, 20 + 8 below: 2x


def test_covered_share() -> None:
    assert recut.covered((0, 0, 10, 10), (5, 0, 20, 10)) == 0.5
    assert recut.covered((0, 0, 10, 10), (20, 20, 30, 30)) == 0.0


@needs_ocr
def test_a_phone_line_read_in_a_whole_view_is_cut_again_and_read() -> None:
    from PIL import ImageDraw

    photo = Image.new("RGB", (384, 288), (60, 90, 140))
    draw = ImageDraw.Draw(photo)
    draw.text((30, 110), "702 864 3321", font=_font(30), fill=(250, 250, 250))
    draw.text((30, 170), "sweet", font=_font(30), fill=(250, 250, 250))
    prepared = prepare.prepare(photo)
    assert prepared.views
    found = [engine.symbols(v, psm=6, boxes=True).lines for v in prepared.views]
    cuts = [c for box in recut.cuts(prepared, found) for c in prepare.colours(box)]
    # One phone-like line ("sweet" is not), cut as its two colour clusters, each read as one line;
    # measured: one cluster (the white text), read 7028643321 (floor: one exact reading).
    assert 1 <= len(cuts) <= 2
    reads = ["".join(ch for ch in engine.symbols(c, psm=7).text if ch.isdigit()) for c in cuts]
    assert sum(r == "7028643321" for r in reads) >= 1, reads
    # Only lines no line cut covers: this line was cut out already, so nothing is cut again.
    assert recut.cuts(prepared, found, new_only=True) == []

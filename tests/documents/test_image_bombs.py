"""Decompression bombs: a small file that decodes to more pixels than any ad photo is refused before its
pixels are decoded, wherever adtrace decodes an image it did not make (docs/security.md, second review).
Pillow's own guard refuses only past 179 M pixels; a 164 KB PNG of 13,000 x 13,000 px took ~850 MB and
~1 s CPU to hash before the bound."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adtrace import errors
from adtrace.documents import images

pytest.importorskip("pdqhash")
Image = pytest.importorskip("PIL.Image")

SIDE = 6_400  # 41 M pixels: just past images.MAX_PIXELS, well under Pillow's own limit


def bomb_png() -> bytes:
    """A few kilobytes of PNG that decode to SIDE x SIDE pixels."""
    assert images.MAX_PIXELS < SIDE * SIDE < (Image.MAX_IMAGE_PIXELS or 0)
    buf = io.BytesIO()
    Image.new("L", (SIDE, SIDE)).save(buf, "PNG", compress_level=9)
    return buf.getvalue()


def test_a_png_bomb_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    raw = bomb_png()
    assert len(raw) < 100_000
    with pytest.raises(errors.InputError) as exc:
        images.pdq_hex(io.BytesIO(raw))
    assert exc.value.code == errors.BAD_FIELD and "6400x6400 pixels, too large" in exc.value.message
    path = tmp_path / "bomb.png"
    path.write_bytes(raw)
    with pytest.raises(errors.InputError, match="too large"):
        images.pdq_hex(path)


def test_a_large_jpeg_is_still_hashed_because_it_decodes_small() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (8_000, 6_000), (120, 60, 30)).save(buf, "JPEG", quality=50)  # 48 M pixels on paper
    hexed, _quality = images.pdq_hex(io.BytesIO(buf.getvalue()))
    assert len(hexed) == 64

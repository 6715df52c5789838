"""PDQ hashes of large photos: made from a copy shrunk by a whole factor (decoded at a reduced scale when
a JPEG), within a few bits of the full-size hash; the app's photo search hashes an upload as linking
hashes a file (adtrace.documents.images)."""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
import pytest

from adtrace.documents import images

pdqhash = pytest.importorskip("pdqhash")
Image = pytest.importorskip("PIL.Image")

# The largest distance between a photo's hash and its full-size hash measured on the synthetic photos
# enlarged to 1,600 and 3,000 px (988 photos, seeds 5, 7, 11; p99 10, mean 3.6 of 256 bits; docs/linking.md).
# Linking's threshold is 31.
MAX_APART = 14


def _photos(width: int) -> list[object]:
    """Synthetic ad photos (two painted with text, two without) enlarged to `width` px (Lanczos)."""
    from adtrace.synth.image_text import compose, paint
    from adtrace.synth.images import draw_base

    out = []
    for k in range(4):
        base = draw_base(f"p{k}", 7)
        img = Image.open(io.BytesIO(paint(base, compose(random.Random(k), "+17028643321", "candyx22"),
                                          random.Random(k)))) if k % 2 else base.convert("RGB")
        out.append(img.resize((width, round(img.height * width / img.width)), Image.Resampling.LANCZOS))
    return out


def _full(img: object) -> str:
    bits, _quality = pdqhash.compute(np.asarray(img))
    return images.bits_to_hex(bits)


def _apart(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def test_a_large_photo_is_decoded_and_hashed_at_a_reduced_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = _photos(2048)[1]  # 2,048 x 1,536
    big.save(tmp_path / "a.jpg", quality=90)
    big.save(tmp_path / "a.png")
    shapes: list[tuple[int, ...]] = []
    real = pdqhash.compute
    monkeypatch.setattr(pdqhash, "compute", lambda a: shapes.append(a.shape) or real(a))
    images.pdq_hex(tmp_path / "a.jpg")
    images.pdq_hex(tmp_path / "a.png")
    # the JPEG decoded at 1/2 scale (its short side still >= 512), the PNG shrunk 3 times
    assert shapes == [(768, 1024, 3), (512, 683, 3)]
    small = Image.new("RGB", (900, 1000))
    shapes.clear()
    images.pdq_of_image(small)
    assert shapes == [(1000, 900, 3)]  # a short side under 1,024 px: hashed as it is


@pytest.mark.parametrize("width", [1600, 3000])
def test_the_shrunk_photos_hash_stays_near_the_full_size_one(width: int) -> None:
    for img in _photos(width):
        assert _apart(images.pdq_of_image(img)[0], _full(img)) <= MAX_APART


def test_the_photo_search_hashes_an_upload_as_linking_hashes_the_file(tmp_path: Path) -> None:
    from adtrace.app.pages.photos import _hash_bytes

    path = tmp_path / "a.jpg"
    _photos(2400)[1].save(path, quality=90)
    assert _hash_bytes(path.read_bytes()).hex() == images.pdq_hex(path)[0]

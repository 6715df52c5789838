"""OCR and linking agree on which photos are too large: the pixels counted are those decoded. A JPEG from
a 48 M pixel phone camera decodes at 1/8 scale (DCT scaling) and is read; a PNG that decodes past
documents.images.MAX_PIXELS is a decompression bomb, refused with OCR_BAD_IMAGE before it is decoded."""

from __future__ import annotations

from pathlib import Path

import pytest

from adtrace import errors
from adtrace.documents import images
from adtrace.ocr import status
from adtrace.ocr.reader import Reading, read_file

Image = pytest.importorskip("PIL.Image")
needs_ocr = pytest.mark.skipif(not status().on, reason=status().message)


@needs_ocr
def test_a_48_megapixel_jpeg_is_read_as_linking_hashes_it(tmp_path: Path) -> None:
    path = tmp_path / "camera.jpg"
    Image.new("L", (8_000, 6_000), 200).save(path, "JPEG", quality=50)
    assert images.MAX_PIXELS < 8_000 * 6_000
    assert len(images.pdq_hex(path)[0]) == 64  # linking: hashed
    assert isinstance(read_file(path), Reading)  # OCR: read (before: refused, "too large to be an ad photo")


def test_a_png_past_the_bound_is_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    Image.new("L", (6_400, 6_400)).save(path, "PNG", compress_level=9)
    with pytest.raises(errors.InputError) as err:
        read_file(path)
    assert err.value.code == errors.OCR_BAD_IMAGE and "6400x6400 pixels, too large" in err.value.message

"""A document's local image files: which may be opened, and their perceptual hash (PDQ).

A document's image `path` is attacker-controlled: a file is opened only when its real path (symlinks
followed) lies under one of the configured image folders (`--images`, ADTRACE_IMAGES). Linking hashes
the photos it links by, OCR reads the text painted into them; both sit above the pipeline and take the
rule from here, below it.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import IO, Any

import numpy as np

from adtrace import errors
from adtrace.i18n import _

ROOTS_ENV = "ADTRACE_IMAGES"  # os.pathsep-separated folders; `adtrace link --images` and `serve` set it
# Past this many decoded pixels an "image" is a decompression bomb, not an ad photo. Pillow's own guard
# (Image.MAX_IMAGE_PIXELS) only refuses past 179 M pixels: a 164 KB PNG of 13,000 x 13,000 px still decodes,
# ~850 MB and ~1 s of CPU to hash (docs/security.md). Counted after `draft`, so a huge JPEG decoded at 1/8
# scale is fine. OCR uses the same bound (adtrace.ocr.reader).
MAX_PIXELS = 40_000_000


def too_many_pixels(img: Any, name: object) -> errors.InputError | None:
    """The error for an opened (not yet decoded) image past MAX_PIXELS, else None."""
    if img.width * img.height <= MAX_PIXELS:
        return None
    return errors.InputError.at(errors.BAD_FIELD, _("image %(name)s is %(width)sx%(height)s pixels, too large to be an "
                                                    "ad photo") % {"name": name, "width": img.width, "height": img.height},
                                field_name="images", hint=_("Use a smaller copy, or drop the image"))


def image_roots() -> tuple[Path, ...]:
    """The configured image folders (ADTRACE_IMAGES), resolved."""
    return _roots(os.environ.get(ROOTS_ENV, ""))


@functools.cache
def _roots(value: str) -> tuple[Path, ...]:
    return tuple(Path(p).resolve() for p in value.split(os.pathsep) if p)


def under_roots(path: str, roots: tuple[Path, ...]) -> Path | None:
    """The file `path` names, when its real location is a regular file inside one of `roots` (a relative
    path is taken relative to each root, then to the working directory); else None."""
    p = Path(path)
    # A relative path is tried under each folder, then from the working directory: `adtrace synth
    # --images DIR` writes "DIR/name.png" (the document page does the same); containment is checked.
    for candidate in ([p] if p.is_absolute() else [*(r / p for r in roots), Path.cwd() / p]):
        try:
            real = candidate.resolve()
        except (OSError, RuntimeError):  # a symlink loop, a name too long
            continue
        if any(real.is_relative_to(r) for r in roots) and real.is_file():
            return real
    return None


# PDQ shrinks a photo to 64x64 with two box-filter passes over every pixel (Jarosz filters): its CPU grows
# with the pixels, ~0.3 s at 3,000x3,000 px. Meta's reference hasher shrinks a photo larger than 512 px to
# 512x512 first, "off-the-shelf downsampling to get to an intermediate size" because the filter "is
# prohibitively expensive for larger images" (ThreatExchange pdq/cpp/io/pdqio.cpp, DOWNSAMPLE_DIMS = 512).
# Here a photo whose short side is 2 x PDQ_SIDE px or more is shrunk by the largest whole factor that keeps
# that side at PDQ_SIDE or more, each k x k block averaged (Image.reduce: a box filter, like PDQ's own);
# smaller photos are hashed as they are. Measured on the synthetic photos enlarged to 1,600 and 3,000 px
# (988 photos, seeds 5, 7, 11): the hash stayed within 14 bits of the full-size one (p99 10, mean 3.6 of
# 256), where a resize to 512 px by a fractional factor strayed up to 38; linking matches photos within
# 31 (adtrace.linking.images.MAX_DISTANCE). docs/linking.md has the figures.
PDQ_SIDE = 512


def pdq_hex(source: str | Path | IO[bytes]) -> tuple[str, int]:
    """(64 hex chars, quality 0-100) of an image file (a path or an open binary file), via the `pdqhash`
    package; a JPEG is decoded at the smallest scale (1/2, 1/4, 1/8) that `pdq_of_image` shrinks it to anyway."""
    try:
        from PIL import Image
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise _missing() from exc
    name = source if isinstance(source, str | Path) else "upload"
    try:
        with Image.open(source) as img:
            img.draft(None, (PDQ_SIDE, PDQ_SIDE))  # JPEG only: DCT scaling, each side still >= PDQ_SIDE
            if bomb := too_many_pixels(img, name):
                raise bomb
            return pdq_of_image(img)
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise _missing() from exc
    except errors.InputError:
        raise
    except Exception as exc:  # PIL raises OSError, ValueError, SyntaxError, DecompressionBombError...
        raise errors.InputError.at(errors.BAD_FIELD, _("cannot read image %(name)s: %(why)s")
                                   % {"name": name, "why": type(exc).__name__}, field_name="images",
                                   hint=_("Check the image path or drop the image from the document")) from None


def pdq_of_image(img: Any) -> tuple[str, int]:
    """(64 hex chars, quality 0-100) of a PIL image (any mode): every PDQ hash adtrace makes (linking's,
    OCR's of the photo it has open, the app's photo search) is this one, shrunk by `pdq_sized` first."""
    import pdqhash

    rgb = img if img.mode == "RGB" else img.convert("RGB")
    bits, quality = pdqhash.compute(np.asarray(pdq_sized(rgb)))
    return bits_to_hex(bits), int(quality)


def pdq_sized(img: Any) -> Any:
    """`img` shrunk by the largest whole factor that keeps its short side at PDQ_SIDE px or more, each
    block of pixels averaged; `img` itself when that factor is 1."""
    k = min(img.size) // PDQ_SIDE
    return img.reduce(k) if k > 1 else img


def _missing() -> errors.ConfigError:
    return errors.ConfigError("image hashing needs the 'images' extra: pip install 'adtrace[images]'",
                              code=errors.EXTRA_MISSING)


def bits_to_hex(bits: Any) -> str:
    packed = np.packbits(np.asarray(bits, dtype=np.uint8))
    return packed.tobytes().hex()

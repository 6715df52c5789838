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
from typing import Any

import numpy as np

from adtrace import errors

ROOTS_ENV = "ADTRACE_IMAGES"  # os.pathsep-separated folders; `adtrace link --images` and `serve` set it


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


def pdq_hex(path: str | Path) -> tuple[str, int]:
    """(64 hex chars, quality 0-100) of an image file, via the `pdqhash` package."""
    try:
        import pdqhash
        from PIL import Image
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise errors.ConfigError("image hashing needs the 'images' extra: pip install 'adtrace[images]'",
                                 code=errors.EXTRA_MISSING) from exc
    try:
        with Image.open(path) as img:
            arr = np.asarray(img.convert("RGB"))
    except Exception as exc:  # PIL raises OSError, ValueError, SyntaxError, DecompressionBombError...
        raise errors.InputError.at(errors.BAD_FIELD, f"cannot read image {path}: {type(exc).__name__}",
                                   field_name="images",
                                   hint="Check the image path or drop the image from the document") from None
    bits, quality = pdqhash.compute(arr)
    return bits_to_hex(bits), int(quality)


def pdq_of_image(img: Any) -> str:
    """PDQ hex of an in-memory PIL image (OCR hashes the photo it has open; benchmarks paint images)."""
    import pdqhash

    bits, _quality = pdqhash.compute(np.asarray(img.convert("RGB")))
    return bits_to_hex(bits)


def bits_to_hex(bits: Any) -> str:
    packed = np.packbits(np.asarray(bits, dtype=np.uint8))
    return packed.tobytes().hex()

"""Abstract 96x96 pictures (gradients and shapes; never faces or people) with near-duplicate reuse.

A photo id always yields the same base picture; each posting gets a variant (small crop, brightness
shift, lossy re-encode) so perceptual hashing has true near-duplicates to find and exact hashes do not.
"""

from __future__ import annotations

import io
import random
import zlib
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageEnhance, ImageOps

from adtrace.synth.image_text import Planted, compose, paint

SIZE = 96
_STEMS = ("candy", "luna", "mia", "roxy", "jade", "bella", "nina", "skye", "lexi", "coco", "ruby", "tina")
_JOINS = ("", "_", "x", "_xo", ".")


class Painter:
    def __init__(self, directory: Path, seed: int) -> None:
        self.dir, self.seed = directory, seed
        self._bases: dict[str, Image.Image] = {}
        self._planted: dict[str, Planted] = {}
        self._painted: dict[str, Image.Image] = {}

    def base(self, photo_id: str) -> Image.Image:
        img = self._bases.get(photo_id)
        if img is None:
            if len(self._bases) > 512:  # bounded: networks reuse photos in bursts
                self._bases.clear()
            img = self._bases[photo_id] = draw_base(photo_id, self.seed)
        return img

    def plant(self, doc: dict[str, Any], fact: dict[str, Any], k: int, rate: float) -> Planted | None:
        """The text painted on the document's photo `k`, or None. A share `rate` of photos carry text,
        painted once per photo (its advertiser's phone and handle when she first posts it), so every
        repost of the photo shows the same text and stays a near-duplicate of the others."""
        photo = fact["images"][k]
        rng = random.Random(zlib.crc32(f"{self.seed}/text/{photo}".encode()))
        if rng.random() >= rate:
            return None
        planted = self._planted.get(photo)
        if planted is None:  # kept for the whole run (small), so the text never changes between reposts
            phones = fact.get("phones") or []
            worker = str(fact.get("worker") or "")
            handle = None
            if worker:  # one handle per advertiser
                h = zlib.crc32(worker.encode())
                handle = f"{_STEMS[h % len(_STEMS)]}{_JOINS[(h >> 8) % len(_JOINS)]}{(h >> 16) % 90 + 10}"
            planted = self._planted[photo] = compose(rng, phones[0] if phones else None, handle)
        return planted

    def paint_text(self, photo_id: str, name: str) -> str:
        """A repost of the photo with its painted text (`plant` first), as a JPEG."""
        img = self._painted.get(photo_id)
        if img is None:  # painted pictures are large: a bounded cache, repainted identically when evicted
            if len(self._painted) > 256:
                self._painted.clear()
            style = random.Random(zlib.crc32(f"{self.seed}/paint/{photo_id}".encode()))
            with Image.open(io.BytesIO(paint(self.base(photo_id), self._planted[photo_id], style))) as raw:
                img = self._painted[photo_id] = raw.convert("RGB")
        rng = random.Random(zlib.crc32(f"{self.seed}/{name}".encode()))
        path = self.dir / f"{name}.jpg"
        variant(img, rng).save(path, format="JPEG", quality=rng.randint(70, 92))
        return str(path)

    def paint(self, photo_id: str, name: str) -> str:
        rng = random.Random(zlib.crc32(f"{self.seed}/{name}".encode()))
        img = variant(self.base(photo_id), rng)
        path = self.dir / f"{name}.png"
        img.save(path, format="PNG", optimize=False)
        return str(path)


def draw_base(photo_id: str, seed: int) -> Image.Image:
    rng = random.Random(zlib.crc32(f"{seed}/{photo_id}".encode()))

    def colour() -> tuple[int, int, int]:
        return rng.randrange(256), rng.randrange(256), rng.randrange(256)

    grad = Image.linear_gradient("L").rotate(rng.randrange(360)).resize((SIZE, SIZE))
    img = ImageOps.colorize(grad, colour(), colour()).convert("RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(3, 6)):
        x0, y0 = rng.randrange(SIZE - 20), rng.randrange(SIZE - 20)
        box = (x0, y0, x0 + rng.randint(14, 60), y0 + rng.randint(14, 60))
        shape = rng.randrange(3)
        if shape == 0:
            draw.rectangle(box, fill=colour())
        elif shape == 1:
            draw.ellipse(box, fill=colour())
        else:
            draw.polygon([(rng.randrange(SIZE), rng.randrange(SIZE)) for _ in range(3)], fill=colour())
    return img


def variant(img: Image.Image, rng: random.Random) -> Image.Image:
    """A re-posted copy: cropped by a pixel or two, brightness shifted, JPEG round-tripped.

    Kept within what perceptual hashes are built to survive (PDQ distance mostly <= 31); heavier crops
    exist in the wild but would make the truth unfindable by design rather than hard.
    """
    px = max(1, round(img.width / SIZE))  # a pixel of the 96-pixel photo, at this photo's size
    left, top, right, bottom = (px * rng.choice((0, 0, 0, 1)) for _ in range(4))
    out = img.crop((left, top, img.width - right, img.height - bottom)).resize(img.size)
    out = ImageEnhance.Brightness(out).enhance(rng.uniform(0.9, 1.1))
    buf = io.BytesIO()
    out.save(buf, format="JPEG", quality=rng.randint(70, 92))
    buf.seek(0)
    return Image.open(buf).convert("RGB")

"""Abstract 96x96 pictures (gradients and shapes; never faces or people) with near-duplicate reuse.

A photo id always yields the same base picture; each posting gets a variant (small crop, brightness
shift, lossy re-encode) so perceptual hashing has true near-duplicates to find and exact hashes do not.
"""

from __future__ import annotations

import io
import random
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageOps

SIZE = 96


class Painter:
    def __init__(self, directory: Path, seed: int) -> None:
        self.dir, self.seed = directory, seed
        self._bases: dict[str, Image.Image] = {}

    def base(self, photo_id: str) -> Image.Image:
        img = self._bases.get(photo_id)
        if img is None:
            if len(self._bases) > 512:  # bounded: networks reuse photos in bursts
                self._bases.clear()
            img = self._bases[photo_id] = draw_base(photo_id, self.seed)
        return img

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
    left, top, right, bottom = (rng.choice((0, 0, 0, 1)) for _ in range(4))
    out = img.crop((left, top, SIZE - right, SIZE - bottom)).resize((SIZE, SIZE))
    out = ImageEnhance.Brightness(out).enhance(rng.uniform(0.9, 1.1))
    buf = io.BytesIO()
    out.save(buf, format="JPEG", quality=rng.randint(70, 92))
    buf.seek(0)
    return Image.open(buf).convert("RGB")

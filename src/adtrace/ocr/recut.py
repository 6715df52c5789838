"""A second, independent cut of the lines that hold a phone-like run of digits: Tesseract's own line
boxes from its reading of the whole views, cut out of the straightened photo and read one line at a time.

The digit vote (adtrace.ocr.stage) needs two readings of a number, and the preparations of one line cut
share that cut's errors: a line the glyph chainer (adtrace.ocr.lines) missed or cut short, where bold
glyphs broke apart in a stroke map or a symbol touched a digit, was often held by a single whole-view
reading. Tesseract's page layout is another segmentation of the same pixels, so its box of that line
is cut again (padded, levelled with the photo, scaled to LINE_HEIGHT) and read as its colour
clusters (and their five-way split in the second look, adtrace.ocr.reader); only lines whose whole-view reading has a phone-like run of digits are cut, to keep the
cost to the photos that may hold a phone (measured: docs/ocr.md, fifth round).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from PIL import Image

from adtrace.ocr import lines

if TYPE_CHECKING:
    from adtrace.ocr.prepare import Prepared

# Seven digits or more, each followed by at most three characters that are not letters or digits
# (spaces, dashes, dots, a painted symbol read as punctuation): the shape of a phone number in a line.
PHONE_LIKE = re.compile(r"(?:\d[^\dA-Za-z]{0,3}){7,}")
MAX_BOXES = 3  # line boxes cut again per photo (a phone, and a second number or a misread one)
PAD = 0.4  # of the box's height, on every side (as lines.cut)

Box = lines.Box


def phone_like(text: str) -> bool:
    return PHONE_LIKE.search(text) is not None


def boxes(found: list[list[tuple[str, Box]]], limit: int = MAX_BOXES) -> list[Box]:
    """The boxes of the lines read with a phone-like run of digits, once each (two views' boxes of one
    line overlap), at most `limit`, the longest first."""
    out: list[Box] = []
    for _, box in sorted((x for view in found for x in view if phone_like(x[0])), key=lambda x: -len(x[0])):
        if len(out) < limit and all(lines.box_iou(box, b) < 0.5 for b in out):
            out.append(box)
    return out


def cut(img: Image.Image, box: Box) -> Image.Image:
    """The box out of `img` (a straightened view), padded and scaled so its height is LINE_HEIGHT px."""
    h = max(1, box[3] - box[1])
    p = round(PAD * h)
    crop = img.crop((max(0, box[0] - p), max(0, box[1] - p), min(img.width, box[2] + p), min(img.height, box[3] + p)))
    f = lines.LINE_HEIGHT / h
    return crop.resize((max(1, round(crop.width * f)), max(1, round(crop.height * f))), Image.Resampling.BICUBIC)


def rotated_box(line: lines.Line, size: tuple[int, int], angle: float) -> Box:
    """Where a line found in the unrotated photo (`size`) lies in the photo rotated by `angle` degrees
    (PIL's sense, expand=True): the box around its four corners."""
    w, h = size
    a = math.radians(angle)
    cos, sin = math.cos(a), math.sin(a)
    nw, nh = abs(w * cos) + abs(h * sin), abs(w * sin) + abs(h * cos)
    xs, ys = [], []
    for x, y in ((line.left, line.top), (line.right, line.top), (line.left, line.bottom), (line.right, line.bottom)):
        dx, dy = x - w / 2, y - h / 2
        xs.append(nw / 2 + dx * cos + dy * sin)
        ys.append(nh / 2 - dx * sin + dy * cos)
    return round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys))


def cuts(prepared: Prepared, found: list[list[tuple[str, Box]]], new_only: bool = False) -> list[Image.Image]:
    """The line boxes of `found` (each whole view's lines read with their boxes, in the views' frame:
    straightened) cut again out of the straightened photo, one image each. The reader reads each as its
    two text-like colour clusters (prepare.colours), and as its five-way ones in the second look: only
    colour, as the grey cut and its tones read the same grey pixels as the whole view that found the
    box and repeated its misread digits (two more false phones on tuning seed 5, docs/ocr.md); colour is
    the preparation least like the views. With `new_only`, only boxes that no line cut out already covers."""
    if not prepared.views or prepared.rgb is None:
        return []
    wanted = boxes(found)
    if new_only:
        done = [rotated_box(line, prepared.rgb.size, prepared.angle) for line in prepared.cut]
        wanted = [b for b in wanted if all(covered(b, d) < 0.5 for d in done)]
    if not wanted:
        return []
    rgb = prepared.rgb
    if prepared.angle:
        rgb = rgb.rotate(prepared.angle, resample=Image.Resampling.BICUBIC, expand=True,
                         fillcolor=lines._edge(rgb))  # type: ignore[arg-type]
    return [cut(rgb, box) for box in wanted]


def covered(a: Box, b: Box) -> float:
    """The share of box `a` that lies inside box `b`."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h / max(1, (a[2] - a[0]) * (a[3] - a[1])) if w > 0 and h > 0 else 0.0

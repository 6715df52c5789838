"""Find the lines of painted text in a stroke map and cut them out, so Tesseract reads one line at a time.

On a whole ad photo Tesseract's page layout analysis takes shapes of the picture for text blocks and
reads lines of garbage that can hold digits; its global threshold also loses text crossing light and
dark regions. A line cut out tightly is read with page segmentation 7 (one line) and thresholded on
its own pixels. Lines are found with connected components (scipy.ndimage), the classic way: glyph-sized
components whose heights match and whose centres lie on one row, close enough side by side, are a
line; three glyphs at least (a phone has ten).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

MIN_GLYPH, MAX_GLYPH = 12, 160  # px tall, after scaling (text 20-40 px in a 300-px photo, scaled x2)
MIN_GLYPHS = 3
GAP = 2.2  # glyph heights: wider than a word space, and than a painted symbol between digit groups
LINE_HEIGHT = 40  # px: cut lines are scaled so their glyphs are about this tall (Tesseract reads best at 30+)


Box = tuple[int, int, int, int]  # left, top, right, bottom


def box_iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


@dataclass(frozen=True)
class Line:
    top: int
    left: int
    bottom: int
    right: int
    glyph: float  # median glyph height (px)
    glyphs: int  # glyph-sized components (a wide one counts for the glyphs it spans)
    angle: float  # degrees its glyphs' centres climb or fall (PIL's sense: rotate by it to level)

    @property
    def box(self) -> Box:
        return self.left, self.top, self.right, self.bottom

    def iou(self, other: Line) -> float:
        return box_iou(self.box, other.box)


Glyph = tuple[int, int, int, int]  # top, left, bottom, right


def glyphs(mask: np.ndarray) -> list[Glyph]:
    """Components shaped like glyphs (or runs of touching glyphs): tall enough, not huge, neither thin
    lines nor solid blobs (the photo's own shapes)."""
    labels, _ = ndimage.label(mask)
    out = []
    for n, sl in enumerate(ndimage.find_objects(labels), start=1):
        if sl is None:
            continue
        h = sl[0].stop - sl[0].start
        w = sl[1].stop - sl[1].start
        if not MIN_GLYPH <= h <= MAX_GLYPH or w > 12 * h or w < 2:
            continue
        fill = float((labels[sl] == n).mean())
        if not 0.12 <= fill <= 0.85:
            continue
        out.append((sl[0].start, sl[1].start, sl[0].stop, sl[1].stop))
    return out


def find(mask: np.ndarray) -> list[Line]:
    """Text lines in a stroke map: glyphs chained left to right when their heights match (within 1.6x),
    each one's vertical centre is within half a glyph of where the line's tilt so far puts it
    and the gap is under GAP glyph heights; the tilt is fitted through the glyphs' centres."""
    gs = sorted(glyphs(mask), key=lambda g: g[1])
    used = [False] * len(gs)
    lines: list[Line] = []
    for i, g in enumerate(gs):
        if used[i]:
            continue
        chain = [g]
        used[i] = True
        for j in range(i + 1, len(gs)):
            if used[j]:
                continue
            last, c = chain[-1], gs[j]
            hl, hc = last[2] - last[0], c[2] - c[0]
            if c[1] - last[3] > GAP * max(hl, hc) or c[1] < last[1]:
                continue
            if max(hl, hc) > 1.6 * min(hl, hc):
                continue
            # where the line's centre should be here: straight on from the last glyph, along the tilt
            # fitted so far once three glyphs give one
            slope = np.tan(np.radians(_tilt(chain))) if len(chain) >= 3 else 0.0
            expect = (last[0] + last[2]) / 2 + slope * ((c[1] + c[3]) - (last[1] + last[3])) / 2
            if abs((c[0] + c[2]) / 2 - expect) > 0.5 * max(hl, hc):
                continue
            chain.append(c)
            used[j] = True
        heights = [x[2] - x[0] for x in chain]
        glyph = float(np.median(heights))
        count = sum(max(1, round((x[3] - x[1]) / (0.6 * (x[2] - x[0])))) for x in chain)
        if count >= MIN_GLYPHS:
            lines.append(Line(min(x[0] for x in chain), min(x[1] for x in chain), max(x[2] for x in chain),
                              max(x[3] for x in chain), glyph, count, _tilt(chain)))
    return lines


def _tilt(chain: list[Glyph]) -> float:
    if len(chain) < 2:
        return 0.0
    xs = np.array([(g[1] + g[3]) / 2 for g in chain])
    ys = np.array([(g[0] + g[2]) / 2 for g in chain])
    if float(np.ptp(xs)) < 1:
        return 0.0
    slope = float(np.polyfit(xs, ys, 1)[0])
    return float(np.degrees(np.arctan(slope)))


def merged(found: list[Line], limit: int = 1000) -> list[Line]:
    """Lines found in two maps (or twice), once: the one with more glyphs; at most `limit`, those with
    the most glyphs, top to bottom."""
    out: list[Line] = []
    for b in sorted(found, key=lambda b: -b.glyphs):
        if len(out) < limit and all(b.iou(o) < 0.5 for o in out):
            out.append(b)
    return sorted(out, key=lambda b: (b.top, b.left))


def cut(img: Image.Image, line: Line, pad: float = 0.4, end_pad: float | None = None) -> Image.Image:
    """The line out of `img`, levelled and scaled so its glyphs are LINE_HEIGHT px tall; padded by `pad`
    glyph heights, at its left and right ends by `end_pad` when given (a glyph the chainer left off)."""
    p = round(pad * line.glyph)
    e = p if end_pad is None else round(end_pad * line.glyph)
    box = img.crop((line.left - e, line.top - p, line.right + e, line.bottom + p))
    if abs(line.angle) >= 1.0:
        box = box.rotate(line.angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=_edge(box))  # type: ignore[arg-type]
        cy = box.height / 2
        half = line.glyph / 2 + p
        box = box.crop((0, max(0, round(cy - half)), box.width, min(box.height, round(cy + half))))
    f = LINE_HEIGHT / max(line.glyph, 1.0)
    return box.resize((max(1, round(box.width * f)), max(1, round(box.height * f))), Image.Resampling.BICUBIC)


def _edge(img: Image.Image) -> int | tuple[int, ...]:
    a = np.asarray(img)
    m = np.median(np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]]), axis=0)
    return int(m) if m.ndim == 0 else tuple(int(x) for x in m)

"""Make an ad photo readable for Tesseract: grey, scaled, stroke maps, straightened; and a cheap test
for "no text here" so most photos never reach the recogniser.

Tesseract is built for scanned pages: dark, level text on a light page, capital letters ~20-40 px
tall. Ad photos break all of it: coloured or outlined text over a picture, tilted by tens of
degrees, small. Each step here undoes one of those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image, ImageFilter

from adtrace.ocr import lines
from adtrace.ocr.lines import Line

TARGET_SHORT_SIDE = 600  # scale so the short side is about this (text of 20-40 px in a 300-px photo)
MAX_SIDE = 2000  # and never larger: cost grows with pixels


def scaled(img: Image.Image) -> Image.Image:
    short = min(img.size)
    factor = min(TARGET_SHORT_SIDE / max(short, 1), MAX_SIDE / max(max(img.size), 1))
    if 0.9 < factor < 1.1:
        return img
    size = (max(1, round(img.width * factor)), max(1, round(img.height * factor)))
    return img.resize(size, Image.Resampling.LANCZOS if factor < 1 else Image.Resampling.BICUBIC)


LOCAL_RADIUS = 25  # px (after scaling): larger than a stroke, smaller than a photo's regions
LOCAL_STEP = 40  # grey levels above/below the neighbourhood that mark a stroke
ANGLES = tuple(range(-24, 25, 3))  # tilts tried when straightening (degrees)


def strokes(g: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    """(light strokes, dark strokes): pixels clearly brighter / darker than their neighbourhood.

    Tesseract thresholds the whole page at one grey level; over a photo, text crossing a light and a
    dark region breaks apart. Comparing each pixel with its own surroundings (a box blur) keeps the
    strokes whatever lies behind them, for light text and dark text alike (measured on synthetic ad
    photos: phone recall 0.78 against 0.39 for Tesseract's own threshold, docs/ocr.md)."""
    a = np.asarray(g, dtype=np.int16)
    local = a - np.asarray(g.filter(ImageFilter.BoxBlur(LOCAL_RADIUS)), dtype=np.int16)
    return local > LOCAL_STEP, local < -LOCAL_STEP


def channel_strokes(rgb: Image.Image) -> list[np.ndarray]:
    """The stroke maps (light, dark) of each colour channel, R, G and B, each against its own
    neighbourhood. Grey weighs the channels into one brightness: white text over a yellow patch, or
    a pink digit beside a red heart, differ little in grey and much in one channel (blue, for white
    over yellow), so a line the grey maps never find can stand out whole in a channel's."""
    return [m for band in rgb.split() for m in strokes(band)]


def _rows_busy(mask: np.ndarray) -> int:
    """Rows where the mask turns on and off often, as a line of letters does."""
    flips = np.abs(np.diff(mask.astype(np.int8), axis=1)).sum(axis=1)
    return int((flips >= max(8, mask.shape[1] // 40)).sum())


def text_likely(masks: tuple[np.ndarray, ...]) -> bool:
    """Cheap: does either stroke map have a few rows busy with letter-like on/off runs? A false "yes"
    costs OCR calls, a false "no" loses the phone, so the bar is low."""
    return any(_rows_busy(m[::2, ::2]) >= 6 for m in masks)


def skew(mask: np.ndarray) -> float:
    """The tilt (degrees) that makes text rows level: the rotation whose row profile of stroke pixels
    is most peaked (level lines of text stack their strokes into a few rows)."""
    img = Image.fromarray((mask * 255).astype(np.uint8))
    img.thumbnail((256, 256))
    best, best_score = 0.0, -1.0
    for angle in ANGLES:
        rows = np.asarray(img.rotate(angle, resample=Image.Resampling.NEAREST, expand=True),
                          dtype=np.float32).sum(axis=1)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score * 1.02:  # prefer level (0 comes first after sorting) unless clearly better
            best, best_score = float(angle), score
    return best


@dataclass
class Prepared:
    """What the reader gets: whole views (black text on white, straightened) and the text lines cut out."""

    views: list[Image.Image] = field(default_factory=list)
    lines: list[Image.Image] = field(default_factory=list)  # each line's preparations (see `prepare`)
    # for cutting lines again where Tesseract's reading of a whole view found them (adtrace.ocr.recut):
    rgb: Image.Image | None = None  # the scaled photo, not straightened
    grey: Image.Image | None = None  # `rgb` in grey (the second look cuts lines from it: converted once)
    angle: float = 0.0  # the whole views' straightening
    cut: list[Line] = field(default_factory=list)  # the lines cut out (in the scaled photo)
    per_line: list[int] = field(default_factory=list)  # how many of `lines` each cut line gave, in order


MAX_LINES = 6  # lines cut per photo, most glyphs first: a phone, a handle, a rate and a decoy fit
# Lines found only in a colour channel's stroke maps (none of the grey maps' lines covers them), cut
# too: the most glyphs first (measured: docs/ocr.md, sixth round).
CHANNEL_LINES = 2


def likely(img: Image.Image) -> bool:
    """`prepare`'s no-text test alone: whether either stroke map has rows busy with letter-like runs."""
    return text_likely(strokes(scaled(img.convert("RGB")).convert("L")))


def prepare(img: Image.Image) -> Prepared:
    """The prepared images to read, or nothing when no text is likely: the light strokes, the dark
    strokes and the grey picture, each straightened as a whole; and the MAX_LINES lines with the most
    glyphs found in either stroke map or their union, and up to CHANNEL_LINES more found only in a colour
    channel's stroke maps (channel_strokes), each cut out six ways: from the grey picture, from
    the map that found it, as the darkest and brightest of the grey cut's three tones (outlined text is
    clean in one map and three-toned in the grey) and as its two text-like colour clusters."""
    rgb = scaled(img.convert("RGB"))
    g = rgb.convert("L")
    light, dark = strokes(g)
    if not text_likely((light, dark)):
        return Prepared()
    angle = skew(light | dark)
    out = Prepared(rgb=rgb, grey=g, angle=angle)
    for mask in (light, dark):
        v = Image.fromarray(np.where(mask, 0, 255).astype(np.uint8))
        out.views.append(v.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255) if angle else v)
    out.views.append(g.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=_border(g)) if angle else g)
    masks: tuple[np.ndarray, ...] = (light, dark, light | dark)
    found = [(line, k) for k, mask in enumerate(masks) for line in lines.find(mask)]
    kept = lines.merged([line for line, _ in found], MAX_LINES)
    if CHANNEL_LINES:
        channels = channel_strokes(rgb)
        more = [(line, len(masks) + k) for k, mask in enumerate(channels) for line in lines.find(mask)]
        new = [b for b in lines.merged([line for line, _ in more]) if all(b.iou(o) < 0.5 for o in kept)]
        kept += sorted(new, key=lambda b: -b.glyphs)[:CHANNEL_LINES]
        found += more
        masks += tuple(channels)
    out.cut = kept
    maps: dict[int, Image.Image] = {}
    for line in kept:
        k = next(k for f, k in found if f == line)
        if k not in maps:
            maps[k] = Image.fromarray(np.where(masks[k], 0, 255).astype(np.uint8))
        grey = lines.cut(g, line)
        before = len(out.lines)
        out.lines.append(grey)
        out.lines.append(lines.cut(maps[k], line))
        out.lines.extend(tones(grey))
        out.lines.extend(colours(lines.cut(rgb, line)))
        out.per_line.append(len(out.lines) - before)
    return out


# A second look at a cut line whose readings hold a phone-like run (adtrace.ocr.reader): the line's colours
# split five ways (a symbol in its own colour, a red heart beside pink digits, leaves the digits' cluster)
# and the line cut again END_PAD glyph heights wider at its ends (a last digit touching a shape of the
# photo is left off the chain, and the usual pad holds half of it), read as grey and as colour clusters.
# Their readings vote under a stricter lead (adtrace.ocr.stage: SECOND_MARGIN). Measured: docs/ocr.md.
SECOND_COLOURS = 5
END_PAD = 1.0
CLUSTERS_AT = 4  # in each cut line's preparations (`prepare`): grey, map, two tones, then its colour clusters


def second_look(prepared: Prepared, n: int) -> tuple[list[Image.Image], list[Image.Image]]:
    """Cut line n of `prepared` again: (its SECOND_COLOURS-way colour clusters, the line cut END_PAD glyph
    heights wider at its ends as grey and as its colour clusters)."""
    if prepared.rgb is None or n >= len(prepared.cut):
        return [], []
    line, rgb = prepared.cut[n], prepared.rgb
    grey = prepared.grey if prepared.grey is not None else rgb.convert("L")
    return (colours(lines.cut(rgb, line), SECOND_COLOURS),
            [lines.cut(grey, line, end_pad=END_PAD), *colours(lines.cut(rgb, line, end_pad=END_PAD))])


def tones(grey: Image.Image) -> list[Image.Image]:
    """A cut line as its darkest and its brightest of three grey levels (1-D k-means), black on white.
    Outlined text has three tones (fill, outline, background): a page threshold joins the fill to one
    of the others, each extreme tone alone is the fill or the outline, clean."""
    a = np.asarray(grey.convert("L"), dtype=np.uint8)
    # k-means over the 256-bin histogram, not the pixels: the same centres (every pixel is one of 256
    # levels), 7x less CPU per line (measured, docs/ocr.md)
    weight = np.bincount(a.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256, dtype=np.float32)
    centres = np.percentile(a.astype(np.float32), (10, 50, 90))
    for _ in range(8):
        nearest = np.abs(levels[:, None] - centres.astype(np.float32)).argmin(axis=-1)
        centres = np.array([float((levels[nearest == k] * weight[nearest == k]).sum() / weight[nearest == k].sum())
                            if weight[nearest == k].sum() else centres[k] for k in range(3)])
    nearest = np.abs(levels[:, None] - centres.astype(np.float32)).argmin(axis=-1)[a]
    order = np.argsort(centres)
    return [Image.fromarray(np.where(nearest == order[k], 0, 255).astype(np.uint8)) for k in (0, 2)]


COLOURS = 4  # colour clusters of a cut line: background(s), fill, outline or shadow, symbols


def colours(cut: Image.Image, k: int = COLOURS) -> list[Image.Image]:
    """A cut line's two colour clusters (k-means in RGB) that lie least on its border, black on white.
    Grey levels join colours of equal brightness (a red heart and a pink digit, orange text over a yellow
    patch); the glyphs of one painted line share one colour, which clustering keeps apart."""
    from scipy.cluster.vq import kmeans2, vq

    a = np.asarray(cut.convert("RGB"), dtype=np.float32)
    h, w = a.shape[:2]
    px = a.reshape(-1, 3)
    centres, _ = kmeans2(px[:: max(1, len(px) // 4000)], k, iter=8, minit="++", seed=0)
    nearest = vq(px, centres, check_finite=False)[0].reshape(h, w)
    border = np.concatenate([nearest[0], nearest[-1], nearest[:, 0], nearest[:, -1]])
    inner = np.bincount(nearest.ravel(), minlength=k) / nearest.size
    edge = np.bincount(border, minlength=k) / border.size
    # text: a share of the cut's pixels, and (far) less of its border than of its inside
    text = [k for k in np.argsort(edge - inner) if inner[k] >= 0.04 and edge[k] < inner[k]][:2]
    return [Image.fromarray(np.where(nearest == k, 0, 255).astype(np.uint8)) for k in text]


def views(img: Image.Image) -> list[Image.Image]:
    """The whole prepared views (see `prepare`), or [] when no text is likely."""
    return prepare(img).views


def _border(img: Image.Image) -> Any:
    a = np.asarray(img)
    return int(np.median(np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])))

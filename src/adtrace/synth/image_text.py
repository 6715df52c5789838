"""Text planted in synthetic ad photos: phones, handles and rates as advertisers paint them on.

Advertisers who know that text is searched write the number into the picture. This paints such
lines over a photo in one of a fixed set of named styles (STYLES: plain, outlined, banner, rotated,
stylised fonts with a drop shadow, symbol "emoji" separators between the digits, text straight over a
busy photo), each with the variety OCR meets in ads (fonts from Pillow and Debian's font packages,
sizes, colours, noise, blur, JPEG artefacts) and returns the truth: which phones (E.164), handles and
rates each image carries, and its style. Some images get decoy text with no identifier ("NEW IN
TOWN", "24/7"), so a benchmark can see an OCR stage inventing phones. The style set is fixed so a
reader's figures per style stay comparable while it is tuned (docs/ocr.md).
"""

from __future__ import annotations

import functools
import io
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

# Fonts of Debian's fonts-dejavu-core and fonts-liberation (Chromium pulls both in), when present;
# Pillow's own bundled font always.
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation")
FONT_NAMES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSansMono-Bold.ttf",
              "DejaVuSans-Oblique.ttf", "DejaVuSansCondensed-Bold.ttf", "LiberationSans-Bold.ttf",
              "LiberationSerif-Regular.ttf", "LiberationSerif-BoldItalic.ttf", "LiberationMono-Bold.ttf",
              "LiberationSansNarrow-Bold.ttf", "LiberationSans-Italic.ttf")
# The "stylised" style: italics, serifs, narrow and condensed faces (and Pillow's bitmap-like font).
STYLISED = ("DejaVuSans-Oblique.ttf", "DejaVuSerif-Bold.ttf", "LiberationSerif-BoldItalic.ttf",
            "LiberationSans-Italic.ttf", "LiberationSansNarrow-Bold.ttf", "DejaVuSansCondensed-Bold.ttf")
# DejaVu Sans carries these symbols (no colour-emoji font is installed): hearts, stars, phones.
SYMBOL_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
SYMBOLS = "♥★☎❤✿☆♡✆"
WIDTH, HEIGHT = 384, 288  # a text-bearing photo is larger than the 96-pixel abstract ones
DECOYS = ("NEW IN TOWN", "24/7", "100% REAL", "OUTCALL ONLY", "SPECIAL TODAY", "AVAILABLE NOW", "Nueva en la ciudad",
          "VIP", "2 GIRL SPECIAL", "Open late")
FILLS = ((255, 255, 255), (255, 230, 0), (255, 40, 150), (0, 0, 0), (0, 255, 255), (255, 80, 0), (40, 40, 160))
HANDLE_LABELS = (("snap", "snapchat"), ("Snapchat", "snapchat"), ("IG", "instagram"), ("kik", "kik"),
                 ("Telegram", "telegram"), ("insta", "instagram"))
STYLES = ("plain", "outlined", "banner", "rotated", "stylised", "emoji", "busy")


@dataclass
class Planted:
    """The truth of one image: what was painted on it and how."""

    lines: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)  # E.164
    handles: list[dict[str, str]] = field(default_factory=list)  # {platform, value}
    rates: list[dict[str, int]] = field(default_factory=list)  # {amount, per_minutes}
    style: dict[str, Any] = field(default_factory=dict)  # {"name": one of STYLES, ...how it was painted}

    def to_dict(self) -> dict[str, Any]:
        return {"lines": self.lines, "phones": self.phones, "handles": self.handles, "rates": self.rates,
                "style": self.style}


@functools.cache
def font_files(names: tuple[str, ...] = FONT_NAMES) -> tuple[str, ...]:
    return tuple(str(Path(d, n)) for d in FONT_DIRS for n in names if Path(d, n).is_file())


def _font(rng: random.Random, size: int, names: tuple[str, ...] = FONT_NAMES) -> tuple[Any, str]:
    files = font_files(names)
    pick = rng.randrange(len(files) + 1) if names != SYMBOL_FONTS or not files else rng.randrange(len(files))
    if pick == len(files):  # Pillow's bundled font (FreeType build: scalable)
        return ImageFont.load_default(size=size), "pillow-default"
    return ImageFont.truetype(files[pick], size=size), Path(files[pick]).stem


def phone_forms(e164: str, rng: random.Random, symbols: bool = False) -> str:
    """How an ad paints a phone: local layouts with brackets, dashes, dots or spaces; sometimes +CC;
    with `symbols`, hearts or stars between the digit groups (as ads use emoji)."""
    import phonenumbers

    num = phonenumbers.parse(e164, None)
    national = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
    if symbols:
        sym = rng.choice(SYMBOLS)
        groups = [g for g in "".join(ch if ch.isdigit() else " " for ch in national).split()]
        if num.country_code == 1:
            d = str(num.national_number)
            groups = [d[:3], d[3:6], d[6:]]
        sep = rng.choice((sym, f" {sym} "))
        return rng.choice(("", f"{rng.choice(SYMBOLS)} ")) + sep.join(groups)
    if num.country_code != 1:
        forms = [national, phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)]
        return rng.choice(forms)
    d = str(num.national_number)
    a, b, c = d[:3], d[3:6], d[6:]
    return rng.choice((f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"{a} {b} {c}", f"{a}{b}{c}",
                       f"+1 {a} {b} {c}", f"CALL {a}-{b}-{c}", f"Text {a} {b} {c}"))


def compose(rng: random.Random, phone: str | None, handle: str | None) -> Planted:
    """The lines to paint: a phone (when the ad has one), maybe a handle and a rate, maybe a decoy;
    the style (one of STYLES, equally often) is chosen here because "emoji" changes the lines."""
    p = Planted(style={"name": rng.choice(STYLES)})
    emoji = p.style["name"] == "emoji"
    if phone and rng.random() < 0.85:
        p.lines.append(phone_forms(phone, rng, symbols=emoji))
        p.phones.append(phone)
    if handle and rng.random() < 0.5:
        label, platform = rng.choice(HANDLE_LABELS)
        p.lines.append(f"{rng.choice(SYMBOLS) + ' ' if emoji else ''}{label}: {handle}")
        p.handles.append({"platform": platform, "value": handle})
    if rng.random() < 0.4:
        amount, minutes, text = rng.choice(((80, 30, "QV $80"), (150, 60, "$150/hr"), (200, 60, "$200 1hr"),
                                            (120, 30, "30 min $120"), (250, 60, "250 roses hh")))
        p.lines.append(text)
        p.rates.append({"amount": amount, "per_minutes": minutes})
    if not p.lines or rng.random() < 0.3:
        p.lines.insert(rng.randrange(len(p.lines) + 1), rng.choice(DECOYS))
    return p


def paint(photo: Image.Image, planted: Planted, rng: random.Random) -> bytes:
    """The photo with `planted.lines` painted on in `planted.style["name"]`, as JPEG bytes (how it was
    painted is added to `planted.style`).

    The lines are drawn on their own layer, rotated, and placed wholly inside the photo (the font
    shrinks until they fit): a clipped phone would be truth no reader could find."""
    name = planted.style.get("name") or "plain"
    img = photo.convert("RGB").resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    if name == "busy":
        img = _busy(img, rng)
    size = rng.randint(20, 40)
    fill = rng.choice(FILLS)
    outline = {"outlined": 1.0, "rotated": 0.5, "emoji": 0.5}.get(name, 0.0) > rng.random()
    stroke = rng.choice((1, 2, 3)) if outline else 0
    banner = name == "banner"
    shadow = name == "stylised"
    angle = {"rotated": rng.choice((-1, 1)) * rng.uniform(6, 22), "stylised": rng.uniform(-4, 4)}.get(name, 0.0)
    fonts = STYLISED if name == "stylised" else SYMBOL_FONTS if name == "emoji" else FONT_NAMES
    pick = rng.random()
    x = y = 0
    for _attempt in range(2):  # the second pass only when the colour changed: same size, same place
        while True:
            font, font_name = _font(random.Random(pick), size, fonts)
            layer = _block(planted.lines, font, size, fill, stroke, banner, shadow, random.Random(pick + size))
            if angle:
                layer = layer.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
            if (layer.width <= WIDTH - 8 and layer.height <= HEIGHT - 8) or size <= 12:
                break
            size -= 2
        if _attempt == 0:
            x = rng.randint(4, max(4, WIDTH - layer.width - 4))
            y = rng.randint(4, max(4, HEIGHT - layer.height - 4))
        # Advertisers paint text to be read: without an outline or a banner, the fill contrasts with
        # what lies behind it on average (luminance apart by 90 of 255 where the photo allows; over a
        # busy photo the background still varies under the text).
        behind = float(np.asarray(img.crop((x, y, x + layer.width, y + layer.height)).convert("L")).mean())
        if outline or banner or abs(_lum(fill) - behind) >= 90:
            break
        fill = max(FILLS, key=lambda c: abs(_lum(c) - behind))
    img.paste(layer, (x, y), layer)
    noise = rng.choice((0, 6, 12))
    if noise:
        # Seeded grain (Image.effect_noise is not): the same seed paints the same bytes.
        gen = np.random.default_rng(rng.getrandbits(32))
        grain = np.asarray(img, dtype=np.float32) + gen.normal(0.0, noise, (HEIGHT, WIDTH, 1))
        img = Image.fromarray(np.clip(grain, 0, 255).astype(np.uint8))
    if rng.random() < 0.2:
        img = img.filter(ImageFilter.GaussianBlur(0.6))
    quality = rng.randint(45, 90)
    planted.style = {"name": name, "font": font_name, "size": size, "angle": round(angle, 1), "outline": outline,
                     "banner": banner, "noise": noise, "jpeg_quality": quality}
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def _busy(img: Image.Image, rng: random.Random) -> Image.Image:
    """Detail a real photo has and the smooth abstract base lacks: stripes, specks and edges of many
    colours at the scale of letters, softened a little like a camera's."""
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(30, 60)):
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        x0, y0 = rng.randrange(WIDTH), rng.randrange(HEIGHT)
        if rng.random() < 0.5:
            draw.line((x0, y0, x0 + rng.randint(-80, 80), y0 + rng.randint(-80, 80)), fill=colour,
                      width=rng.randint(1, 6))
        else:
            r = rng.randint(3, 18)
            draw.ellipse((x0 - r, y0 - r, x0 + r, y0 + r), fill=colour)
    return img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.5)))


def _lum(c: tuple[int, int, int]) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def _block(lines: list[str], font: Any, size: int, fill: tuple[int, int, int], stroke: int, banner: bool,
           shadow: bool, rng: random.Random) -> Image.Image:
    """The lines on a transparent layer just large enough for them; symbols (SYMBOLS) in red."""
    dark = _lum(fill) < 128
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    boxes = [probe.textbbox((0, 0), line, font=font, stroke_width=3) for line in lines]
    gap = 10
    width = int(max(b[2] - b[0] for b in boxes)) + 16
    height = sum(size + gap for _ in lines) + 12
    layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    y = 6
    edge = (255, 255, 255, 255) if dark else (0, 0, 0, 255)
    for line, box in zip(lines, boxes, strict=True):
        w = int(box[2] - box[0])
        x = rng.randint(4, max(4, width - w - 4))
        if banner:
            back = (255, 255, 255, 200) if dark else (0, 0, 0, 170)
            draw.rectangle((x - 4, y - 2, x + w + 4, y + size + 6), fill=back)
        if shadow:
            draw.text((x - box[0] + 2, y + 2), line, font=font, fill=(*edge[:3], 200))
        pos = float(x - box[0])
        for run in _runs(line):  # symbols in their own colour, as emoji are
            colour = (230, 20, 60, 255) if run[0] in SYMBOLS else (*fill, 255)
            draw.text((pos, y), run, font=font, fill=colour, stroke_width=stroke, stroke_fill=edge)
            pos += font.getlength(run)
        y += size + gap
    return layer


def _runs(line: str) -> list[str]:
    """The line cut where it turns from symbols to text and back."""
    out: list[str] = []
    for ch in line:
        if out and (ch in SYMBOLS) == (out[-1][0] in SYMBOLS):
            out[-1] += ch
        else:
            out.append(ch)
    return out

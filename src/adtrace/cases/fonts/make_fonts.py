"""Rebuild the report's fallback fonts from Debian's fonts-droid-fallback and fonts-symbola (see README.txt).

Not used at run time: `python make_fonts.py ROOT` where ROOT holds the unpacked packages' usr/share/fonts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).parent
# Legacy CJK character sets: (codec, lead bytes, trail bytes) of their two-byte codes.
SETS = (("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF)),
        ("big5", range(0xA1, 0xFA), [*range(0x40, 0x7F), *range(0xA1, 0xFF)]),
        ("euc_jp", range(0xA1, 0xF5), range(0xA1, 0xFF)), ("euc_kr", range(0xA1, 0xFE), range(0xA1, 0xFF)))
CJK_BLOCKS = ((0x3000, 0x303F), (0x3040, 0x30FF), (0x3100, 0x312F), (0xFF00, 0xFFEF), (0x31F0, 0x31FF), (0x3200, 0x32FF))
EMOJI_BLOCKS = ((0x1F000, 0x1F2FF), (0x1F300, 0x1F5FF), (0x1F600, 0x1F64F), (0x1F680, 0x1F6FF), (0x1F900, 0x1F9FF),
                (0x1FA70, 0x1FAFF), (0x2600, 0x26FF), (0x2700, 0x27BF), (0x2B50, 0x2B55), (0x2300, 0x23FF),
                (0xFE0F, 0xFE0F), (0x200D, 0x200D), (0x20E3, 0x20E3))


def cjk_chars() -> set[str]:
    chars: set[str] = set()
    for codec, leads, trails in SETS:
        for a in leads:
            for b in trails:
                try:
                    chars.update(bytes([a, b]).decode(codec))
                except UnicodeDecodeError:
                    continue
    chars.update(chr(x) for lo, hi in CJK_BLOCKS for x in range(lo, hi + 1))
    return {c for c in chars if ord(c) > 0x2E7F}  # Latin, Greek, Cyrillic stay with the main font


def emoji_chars() -> set[str]:
    return {chr(x) for lo, hi in EMOJI_BLOCKS for x in range(lo, hi + 1)}


def make(src: Path, dst: Path, chars: set[str], family: str) -> int:
    font = TTFont(str(src))
    cmap = font.getBestCmap()
    keep = [ord(c) for c in chars if ord(c) in cmap]
    opts = subset.Options()
    opts.name_IDs, opts.name_languages, opts.layout_features = ["*"], ["*"], ["*"]
    opts.hinting, opts.notdef_outline = False, True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=keep)
    sub.subset(font)
    for rec in font["name"].names:  # renamed: a system copy of the original never shadows it
        if rec.nameID in (1, 4, 16):
            rec.string = family
        elif rec.nameID == 6:
            rec.string = family.replace(" ", "")
    font.flavor = "woff2"
    font.save(str(dst))
    return len(keep)


def main(root: str) -> None:
    base = Path(root) / "usr/share/fonts/truetype"
    print(make(base / "droid/DroidSansFallbackFull.ttf", HERE / "adtrace-cjk.woff2", cjk_chars(), "adtrace CJK"))
    print(make(base / "ancient-scripts/Symbola_hint.ttf", HERE / "adtrace-emoji.woff2", emoji_chars(),
               "adtrace Emoji"))


if __name__ == "__main__":
    main(sys.argv[1])

"""The light view: NFKC per character, look-alikes folded, invisibles dropped, offsets kept.

`normalise(text)` returns a View whose `text` is what extractors search and whose `span()` maps a
span of the view back to the original. ASCII text is its own view and costs nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from adtrace.text.confusables import DIGIT_FORMS, HOMOGLYPHS, INVISIBLE


@dataclass(slots=True)
class View:
    """Normalised text plus, per character, the original [start, end) it came from."""

    original: str
    text: str
    starts: list[int] | None = None  # None: identity (the view is the original)
    ends: list[int] | None = None

    @property
    def identity(self) -> bool:
        return self.starts is None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) for view [start, end)."""
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def changed(self, start: int, end: int) -> bool:
        """Whether the view differs from the original over view [start, end)."""
        if self.starts is None:
            return False
        o_start, o_end = self.span(start, end)
        return self.original[o_start:o_end] != self.text[start:end]


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    if ch in INVISIBLE:
        return ""
    if ch in DIGIT_FORMS:
        return DIGIT_FORMS[ch]
    folded = unicodedata.normalize("NFKC", ch)
    if folded != ch:
        # NFKC can add spaces or combining marks (e.g. '¼' -> '1⁄4'); keep them, they are visible.
        return "".join(DIGIT_FORMS.get(c, c) for c in folded if c not in INVISIBLE)
    if unicodedata.category(ch) == "Nd":
        return str(unicodedata.digit(ch))  # Arabic-Indic, Devanagari ... digits
    return ch


class _FoldTable(dict[int, str]):
    """`_fold_char` as a str.translate table, filled on first use: a run is folded in one C call."""

    def __missing__(self, code: int) -> str:
        out = self[code] = _fold_char(chr(code))
        return out


_FOLD_TABLE = _FoldTable()

_LATINISH = re.compile(r"[A-Za-z0-9]")


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_HOMOGLYPH_CHARS = re.compile("[" + re.escape("".join(HOMOGLYPHS)) + "]")
_HOMOGLYPH_WORD = re.compile(r"(?<!\w)\w*[" + re.escape("".join(HOMOGLYPHS)) + r"]\w*")


# Escape sequences written out in scraped text ("702 \\u2022 555", "&#55;02"): read as the character
# they stand for, so their hex digits are not read as digits and escaped digits are.
_ESCAPE = re.compile(r"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})"
                     r"|\\U([0-9a-fA-F]{8})|\\x([0-9a-fA-F]{2})|&#(\d{1,7});|&#[xX]([0-9a-fA-F]{1,6});")


def normalise(text: str) -> View:
    """Fold look-alikes into ASCII where it reveals hidden letters and digits; keep an offset map."""
    if ("\\" in text or "&#" in text) and _ESCAPE.search(text):
        return _unescaped(text)
    return _folded(text)


def _unescaped(text: str) -> View:
    """Escapes decoded, one character each mapped to its whole sequence, then folded as usual."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _ESCAPE.finditer(text):
        for i in range(pos, m.start()):
            pieces.append(text[i])
            starts.append(i)
            ends.append(i + 1)
        pieces.append(_escaped_char(m))
        starts.append(m.start())
        ends.append(m.end())
        pos = m.end()
    for i in range(pos, len(text)):
        pieces.append(text[i])
        starts.append(i)
        ends.append(i + 1)
    inner = _folded("".join(pieces))
    if inner.starts is None or inner.ends is None:
        return View(text, inner.text, starts, ends)
    return View(text, inner.text, [starts[k] for k in inner.starts], [ends[k - 1] for k in inner.ends])


def _escaped_char(m: re.Match[str]) -> str:
    high, low, u4, u8, x2, dec, hex_ = m.groups()
    if high:
        code = 0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00)
    else:
        code = int(u4 or u8 or x2 or hex_ or "0", 16) if not dec else int(dec)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code < 0x20:
        return " "  # a lone surrogate, a control character or no character: a separator
    return chr(code)


def _folded(text: str) -> View:
    if text.isascii():
        return View(text, text)
    chunks = _NON_ASCII.findall(text)
    # Homoglyphs are non-ASCII, so searching the runs is searching the text.
    if all(c.translate(_FOLD_TABLE) == c for c in chunks) and not _HOMOGLYPH_CHARS.search("".join(chunks)):
        return View(text, text)  # emoji and accents fold to themselves: no map needed
    runs = [(m.start(), m.end(), m.group(0)) for m in _NON_ASCII.finditer(text)]
    folded = [run.translate(_FOLD_TABLE) for _, _, run in runs]
    # Copy ASCII stretches whole; only non-ASCII runs are walked character by character.
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for (a, b, run), f in zip(runs, folded, strict=True):
        if a > pos:
            pieces.append(text[pos:a])
            starts.extend(range(pos, a))
            ends.extend(range(pos + 1, a + 1))
        if f == run:
            pieces.append(run)
            starts.extend(range(a, b))
            ends.extend(range(a + 1, b + 1))
        else:
            for i in range(a, b):
                out = _FOLD_TABLE[ord(text[i])]
                if not out and ends and ends[-1] == i:
                    ends[-1] = i + 1  # a dropped mark (keycap, variation selector) belongs to the char before it
                for c in out:
                    pieces.append(c)
                    starts.append(i)
                    ends.append(i + 1)
        pos = b
    if pos < len(text):
        pieces.append(text[pos:])
        starts.extend(range(pos, len(text)))
        ends.extend(range(pos + 1, len(text) + 1))
    view = "".join(pieces)
    if _HOMOGLYPH_CHARS.search(view):
        view = _fold_homoglyphs(view)
    return View(text, view, starts, ends)


def _fold_homoglyphs(view: str) -> str:
    """Replace Cyrillic/Greek look-alikes inside words that also hold Latin letters or digits."""

    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        if not _LATINISH.search(word) or not any(c in HOMOGLYPHS for c in word):
            return word
        # Only when every non-Latin letter has a look-alike: a real Cyrillic word stays as it is.
        if any(not c.isascii() and c not in HOMOGLYPHS for c in word):
            return word
        return "".join(HOMOGLYPHS.get(c, c) for c in word)

    # Every replacement is one character for one, so the offset map stays valid. Only words holding a
    # look-alike can change: matching just those spares a Python call per word of the text.
    return _HOMOGLYPH_WORD.sub(repl, view)

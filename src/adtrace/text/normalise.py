"""The light view: NFKC per character, look-alikes folded, invisibles dropped, offsets kept.

`normalise(text)` returns a View whose `text` is what extractors search and whose `span()` maps a
span of the view back to the original. ASCII text is its own view and costs nothing.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from html.entities import html5
from operator import itemgetter

from adtrace.text.charrefs import unescape
from adtrace.text.confusables import DIGIT_FORMS, HOMOGLYPHS, INVISIBLE


class Edits:
    """A compact offset map: the view as segments, each either copied from the original (one view
    character per original character, from `o0` on) or produced by one original character (every view
    character of the segment maps to original [o0, o1)). Why not one start and end per character:
    building those lists cost ~70 µs per real ad that holds one emoji variation selector; most of the
    view is copied."""

    __slots__ = ("at", "o0", "o1")

    def __init__(self) -> None:
        self.at: list[int] = []  # view offset where each segment starts, increasing
        self.o0: list[int] = []
        self.o1: list[int] = []  # -1: a copied segment

    def start(self, v: int) -> int:
        """Original start of view character `v`."""
        k = bisect_right(self.at, v) - 1
        return self.o0[k] + (v - self.at[k]) if self.o1[k] < 0 else self.o0[k]

    def end(self, v: int) -> int:
        """Original end of view character `v`."""
        k = bisect_right(self.at, v) - 1
        return self.o0[k] + (v - self.at[k]) + 1 if self.o1[k] < 0 else self.o1[k]


@dataclass(slots=True)
class View:
    """Normalised text plus, per character, the original [start, end) it came from."""

    original: str
    text: str
    starts: list[int] | None = None  # per-character map; None with `edits` None: identity
    ends: list[int] | None = None
    edits: Edits | None = None  # the compact map, in place of starts/ends

    @property
    def identity(self) -> bool:
        return self.starts is None and self.edits is None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) for view [start, end)."""
        edits = self.edits
        if edits is not None:
            if end <= start:
                pos = edits.start(start) if start < len(self.text) else len(self.original)
                return pos, pos
            return edits.start(start), edits.end(end - 1)
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def maps(self) -> tuple[list[int], list[int]]:
        """The original start and end of every view character (materialised: for composing maps)."""
        if self.starts is not None and self.ends is not None:
            return self.starts, self.ends
        n = len(self.text)
        if self.edits is None:
            return list(range(n)), list(range(1, n + 1))
        # Segment by segment (ranges and repeats), not a bisect per character: a long job ad's entities
        # made this the most of normalising it.
        edits = self.edits
        starts: list[int] = []
        ends: list[int] = []
        for k, at in enumerate(edits.at):
            size = (edits.at[k + 1] if k + 1 < len(edits.at) else n) - at
            o0, o1 = edits.o0[k], edits.o1[k]
            if o1 < 0:
                starts.extend(range(o0, o0 + size))
                ends.extend(range(o0 + 1, o0 + size + 1))
            else:
                starts.extend([o0] * size)
                ends.extend([o1] * size)
        return starts, ends

    def changed(self, start: int, end: int) -> bool:
        """Whether the view differs from the original over view [start, end)."""
        if self.identity:
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


class _FoldTable(dict[str, str]):
    """`_fold_char` memoised per character, filled on first use."""

    def __missing__(self, ch: str) -> str:
        out = self[ch] = _fold_char(ch)
        return out


_FOLD_TABLE = _FoldTable()
_ASCII_BYTES = bytes(range(128))
_HOMOGLYPH_SET = frozenset(HOMOGLYPHS)

_LATINISH = re.compile(r"[A-Za-z0-9]")


_HOMOGLYPH_CHARS = re.compile("[" + re.escape("".join(HOMOGLYPHS)) + "]")


# Escape sequences written out in scraped text ("702 \\u2022 555", "&#55;02"): read as the character
# they stand for, so their hex digits are not read as digits and escaped digits are.
# Named HTML entities too ("R&amp;D", "&nbsp;", "&rsquo;"): job boards' exports keep them in the text
# (real emscad-dev: 1,083 in 437 of 1,020 ads, mostly &amp; and &nbsp;), and words behind them were
# hidden from the lexicons. Only names HTML defines, with their ";".
_ESCAPE = re.compile(r"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})"
                     r"|\\U([0-9a-fA-F]{8})|\\x([0-9a-fA-F]{2})|&#(\d{1,7});|&#[xX]([0-9a-fA-F]{1,6});"
                     r"|&([A-Za-z][A-Za-z0-9]{1,31});")
# Speed: a named entity's gate, led by its literal "&" (the engine skips to it in C); most texts with an
# "&" hold no entity ("Asian & Latina").
_NAMED = re.compile(r"&[A-Za-z][A-Za-z0-9]{1,31};")


# JSON escapes a double-encoding scraper wrote out, as `as_shown` decodes them for a reader.
_WRITTEN = re.compile(r"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})"
                      r"|\\U([0-9a-fA-F]{8})")


def _written_char(m: re.Match[str]) -> str:
    high, low, u4, u8 = m.groups()
    return _code_char(_pair(high, low) if high else int(u4 or u8, 16))


def as_shown(text: str) -> str:
    """The characters a stored text stands for, for a reader: JSON escapes written out by a double-encoding
    scraper (`\\ud83e\\udd8b`, `\\u2764`) and HTML character references (`&amp;`) decoded; a control
    character or a lone surrogate reads as a space. Display only: spans index the stored text, so a caller
    decodes each piece between spans, never the whole text before cutting it."""
    if "\\" in text:
        text = _WRITTEN.sub(_written_char, text)
    return unescape(text) if "&" in text else text  # charrefs.unescape: html.unescape's reading, never raising


def normalise(text: str) -> View:
    """Fold look-alikes into ASCII where it reveals hidden letters and digits; keep an offset map."""
    if (("\\" in text or "&#" in text) and _ESCAPE.search(text)) or ("&" in text and _NAMED.search(text)):
        return _unescaped(text)
    return _folded(text)


def _unescaped(text: str) -> View:
    """Escapes decoded, one character each mapped to its whole sequence, then folded as usual."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _ESCAPE.finditer(text):
        char = _escaped_char(m)
        if char is None:
            continue  # "&foo;": as written, with the text around it
        # The text between escapes: one slice, its offsets as ranges (a job ad is thousands of characters).
        pieces.append(text[pos:m.start()])
        starts.extend(range(pos, m.start()))
        ends.extend(range(pos + 1, m.start() + 1))
        pieces.append(char)
        starts.append(m.start())
        ends.append(m.end())
        pos = m.end()
    pieces.append(text[pos:])
    starts.extend(range(pos, len(text)))
    ends.extend(range(pos + 1, len(text) + 1))
    inner = _folded("".join(pieces))
    if inner.identity:
        return View(text, inner.text, starts, ends)
    i_starts, i_ends = inner.maps()
    if not i_starts:
        return View(text, inner.text, [], [])
    # itemgetter picks in C (a job ad is thousands of characters). An inner end k is the end of the outer
    # character k - 1: picked from the ends shifted by one place.
    shifted = [0]
    shifted.extend(ends)
    if len(i_starts) == 1:
        return View(text, inner.text, [starts[i_starts[0]]], [shifted[i_ends[0]]])
    return View(text, inner.text, list(itemgetter(*i_starts)(starts)), list(itemgetter(*i_ends)(shifted)))


def _escaped_char(m: re.Match[str]) -> str | None:
    high, low, u4, u8, x2, dec, hex_, name = m.groups()
    if name:  # a name HTML does not define is no escape; one standing for two characters reads as a space
        entity = html5.get(name + ";")
        # A no-break space reads as a space (what folding would make of it, without the fold's cost).
        return None if entity is None else " " if entity == "\xa0" or len(entity) != 1 else entity
    if high:
        return _code_char(_pair(high, low))
    return _code_char(int(u4 or u8 or x2 or hex_ or "0", 16) if not dec else int(dec))


def _pair(high: str, low: str) -> int:
    """The code point a UTF-16 surrogate pair written as two escapes stands for."""
    return 0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00)


def _code_char(code: int) -> str:
    """The character of an escape; a lone surrogate, a control character or no character: a separator."""
    return " " if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code < 0x20 else chr(code)


def _folded(text: str) -> View:
    if text.isascii():
        return View(text, text)
    # Speed: the distinct non-ASCII characters, via UTF-8 (every byte of such a character is >= 0x80).
    chars = set(text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))
    fold = _FOLD_TABLE
    changing = [c for c in chars if fold[c] != c]
    homoglyphs = not chars.isdisjoint(_HOMOGLYPH_SET)
    if not changing and not homoglyphs:
        return View(text, text)  # emoji and accents fold to themselves: no map needed
    positions: list[int] = []
    for c in changing:
        i = text.find(c)
        while i >= 0:
            positions.append(i)
            i = text.find(c, i + 1)
    positions.sort()
    edits = Edits()
    at, o0, o1 = edits.at, edits.o0, edits.o1
    pieces: list[str] = []
    v = pos = 0
    for i in positions:
        if i > pos:  # an unchanged stretch, copied whole
            pieces.append(text[pos:i])
            at.append(v)
            o0.append(pos)
            o1.append(-1)
            v += i - pos
        out = fold[text[i]]
        if out:
            pieces.append(out)
            at.append(v)
            o0.append(i)
            o1.append(i + 1)
            v += len(out)
        elif v:
            _extend_last(edits, v, i)  # a dropped mark (keycap, variation selector) belongs to the char before it
        pos = i + 1
    if pos < len(text) or not at:
        pieces.append(text[pos:])
        at.append(v)
        o0.append(pos)
        o1.append(-1)
    view = "".join(pieces)
    if (homoglyphs or changing) and _HOMOGLYPH_CHARS.search(view):
        view = _fold_homoglyphs(view)
    return View(text, view, edits=edits)


def _extend_last(edits: Edits, v: int, i: int) -> None:
    """Make view character v - 1 end at original i + 1 when it ends at i (original i was dropped)."""
    k = len(edits.at) - 1  # view character v - 1 is the last of the last segment
    copied = edits.o1[k] < 0
    if (edits.o0[k] + v - edits.at[k] if copied else edits.o1[k]) != i:
        return
    if v - 1 > edits.at[k]:  # the segment has more characters: the last one becomes its own
        start = edits.o0[k] + v - 1 - edits.at[k] if copied else edits.o0[k]
        edits.at.append(v - 1)
        edits.o0.append(start)
        edits.o1.append(i + 1)
    else:  # a one-character segment (copied or not) maps to [its start, i + 1)
        edits.o1[k] = i + 1


def _fold_word(word: str) -> str:
    """A word holding a look-alike, with its look-alikes replaced when it is a disguised Latin word."""
    if not _LATINISH.search(word):
        return word
    # Only when every non-Latin letter has a look-alike: a real Cyrillic word stays as it is.
    if any(not c.isascii() and c not in HOMOGLYPHS for c in word):
        return word
    return "".join(HOMOGLYPHS.get(c, c) for c in word)


def _fold_homoglyphs(view: str) -> str:
    """Replace Cyrillic/Greek look-alikes inside words that also hold Latin letters or digits.

    Every replacement is one character for one, so the offset map stays valid. Only the words holding
    a look-alike can change: each is found from a look-alike outwards (a word is a maximal run of
    `\\w` characters: `str.isalnum()` or "_"), where a substitution pattern was tried at every
    character (~30 µs on an ad with one; the same words, a property test compares them)."""
    pieces: list[str] = []
    pos = 0
    n = len(view)
    search = _HOMOGLYPH_CHARS.search
    m = search(view)
    while m is not None:
        i = m.start()
        a = i
        while a and (view[a - 1].isalnum() or view[a - 1] == "_"):
            a -= 1
        b = i + 1
        while b < n and (view[b].isalnum() or view[b] == "_"):
            b += 1
        pieces.append(view[pos:a])
        pieces.append(_fold_word(view[a:b]))
        pos = b
        m = search(view, pos)  # the next look-alike after this word
    if not pieces:
        return view
    pieces.append(view[pos:])
    return "".join(pieces)

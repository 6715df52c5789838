"""The digit units of a text for the phone reader: digit runs and spelled digits, found in one pass.

A unit is a run of digits or a run of spelled digit words that is a whole word or glued to digits
("7o2", "2ONE6", "sixtwo"). `unit_matches` gives exactly what `UNIT.finditer` gives (a property test
compares them), faster on real ads:

Python's engine tries the spelled branch at every character of the text (~40 µs per backpage-dev ad).
But a unit lies inside one word of letters and digits (separators are no part of one), and a word
either can hold a spelled unit or cannot, whatever surrounds it: so the words of the text are listed
in C (`str.split` over the text with every other character made a space), the ones never seen before
are judged once (kept in a bounded memo: ads repeat their vocabulary), and the full pattern runs only
inside the words that can hold a unit; elsewhere the units are the digit runs. Two cases need the
text around the word and are read the full way: a lone "i"/"l" between separators ("7-i-2"), and
characters the word list cannot see (digits of other scripts, CJK digit words).
"""

from __future__ import annotations

import re

from adtrace.text.lowered import lowered
from adtrace.text.numbers import DIGIT_WORD_RUN, GLUED_UNITS

MIN_DIGITS = 7  # the fewest digits of a phone number

# A digit, a spelled-digit word standing alone (or glued to digits), e.g. "7o2", "2ONE6", "sixtwo".
# A run of plain digits is one unit (it is never cut inside); the lookahead on first letters is speed.
_FIRST = "".join(sorted({w[0].lower() for w in GLUED_UNITS} | {w[0].upper() for w in GLUED_UNITS}))
_SPELLED = rf"(?<![^\W\d_])(?=[{_FIRST}])(?:{DIGIT_WORD_RUN.pattern})(?![^\W\d_])"
UNIT = re.compile(rf"\d+|{_SPELLED}", re.I)
# The spelled branch alone: a URL with fewer than MIN_DIGITS digits and none of these holds no phone.
SPELLED_UNIT = re.compile(_SPELLED, re.I)
SPELLED_UNIT_LOWER = re.compile(_SPELLED)
# Over lowered text: a lone "i" or "l" that the phone reader would drop (no digit beside it, not
# between two of -.*_~) is no match at all (speed: ~2 per backpage-dev ad, each a match object and a
# Python check). The character after it is then no digit and no letter, so no unit starts there:
# later matches are the same.
_LONE_I = r"[il](?![^\W\d_])(?!\d)(?<!\d[il])(?:(?<![-.*_~][il])|(?=[^-.*_~]))"
UNIT_LOWER = re.compile(UNIT.pattern.replace(f"(?=[{_FIRST}])", f"(?=[{_FIRST}])(?!{_LONE_I})", 1))
_SPELLED_LOWER = re.compile(UNIT_LOWER.pattern.removeprefix(r"\d+|"))

_DIGITS = re.compile(r"\d+")
# Letters and digits of ASCII stay, everything else becomes a space (bytes.translate, in C).
_WORDS_ONLY = bytes(c if chr(c).isascii() and chr(c).isalnum() else 0x20 for c in range(256))
# A lone "i"/"l" that UNIT_LOWER keeps: between two separators of -.*_~ (or one, at the text's end).
_MARKED_I = re.compile(r"[-.*_~][il](?:[-.*_~]|\Z)")
# What the word list cannot see: a digit outside ASCII (re's \d) or a CJK digit word; letters and
# digits outside ASCII are found first by one scan in C, then looked at one by one (a few per ad).
_NON_ASCII_ALNUM = re.compile(r"[^\W_\x00-\x7f]")
_CJK_DIGITS = frozenset(ch for w in GLUED_UNITS if not w.isascii() for ch in w)

# Words already judged, by whether they can hold a spelled unit (bounded: the vocabulary of a stream
# of ads grows slowly, but it grows).
_CAN: set[str] = set()
_CANNOT: set[str] = set()
_MEMO_MAX = 1 << 16


def _can_hold(word: str) -> bool:
    """Whether a spelled unit can start in `word` (ASCII letters and digits) wherever it is written.

    Separators around it are spaces here; in the text they are other non-letters (or letters outside
    ASCII, before which no unit matches anyway), which the pattern reads the same, except around a
    lone "i"/"l" (see _MARKED_I)."""
    can = _SPELLED_LOWER.search(f" {word} ") is not None
    if len(_CAN) + len(_CANNOT) < _MEMO_MAX:
        (_CAN if can else _CANNOT).add(word)
    return can


def _full_scan_needed(low: str) -> bool:
    return not low.isascii() and any(ch.isdecimal() or ch in _CJK_DIGITS for ch in _NON_ASCII_ALNUM.findall(low))


def unit_matches(text: str) -> list[re.Match[str]]:
    """The unit matches of `text` in order: those of `UNIT.finditer(text)`, the same spans and tokens
    (over lowered text: read them through lower() and isdigit(), which lowering does not change)."""
    low = lowered(text)
    if low is None:
        return list(UNIT.finditer(text))
    if _full_scan_needed(low):
        return list(UNIT_LOWER.finditer(low))
    spaced = low.encode("ascii", "replace").translate(_WORDS_ONLY).decode("ascii")
    words = set(spaced.split())
    lone = [w for w in ("i", "l") if w in words]
    words = words.difference(_CANNOT)  # not `-=`: that walks the whole memo
    holding = [w for w in words if w in _CAN or (not w.isdigit() and _can_hold(w))]
    if lone and _MARKED_I.search(low):
        holding += [w for w in lone if w not in holding]
    if not holding:
        return list(_DIGITS.finditer(low))
    # Where each holding word is written: as a whole word of the spaced text.
    padded = f" {spaced} "
    spans: list[tuple[int, int]] = []
    for word in holding:
        n = len(word)
        needle = f" {word} "
        i = padded.find(needle)
        while i >= 0:
            spans.append((i, i + n))  # padded index i is the space before: the word starts at low[i]
            i = padded.find(needle, i + n + 1)
    spans.sort()
    out: list[re.Match[str]] = []
    pos = 0
    for a, b in spans:
        out += _DIGITS.finditer(low, pos, a)
        # Up to the separator after the word: the pattern's lookaheads read it, no unit starts on it.
        out += UNIT_LOWER.finditer(low, a, b + 1)
        pos = b
    out += _DIGITS.finditer(low, pos)
    return out

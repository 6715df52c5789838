"""Phone numbers, plain and obfuscated, validated with `phonenumbers` and written as E.164.

How: find digit units in the light view (digits, spelled digits such as "fyve" or "2ONE6", lone o/l/i
next to digits), chain units whose gaps are short runs of punctuation or space, then cut each chain
into valid numbers. A chain that is one unbroken block of more than 12 digits is an id or a card
number, never a phone. Numbers in the document's URL count, with `field: "url"`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from adtrace.extractors.base import Context, Extractor, entity
from adtrace.extractors.registry import register
from adtrace.text import View, normalise
from adtrace.text.numbers import DIGIT_WORD, DIGIT_WORD_RUN

# A digit, a spelled-digit word standing alone (or glued to digits), e.g. "7o2", "2ONE6", "sixtwo".
_UNIT = re.compile(rf"\d|(?<![^\W\d_])(?:{DIGIT_WORD_RUN.pattern})(?![^\W\d_])", re.I)
# What may sit between two units of one number: a few non-letters, or a line break or two.
_GAP = re.compile(r"[^\w]{1,4}|_{1,4}|[^\w]{0,3}\s*\n\s*\n?\s*[^\w]{0,3}")
_PLAIN_GAP = re.compile(r"[ \-.()+/]{0,3}")
_BAD_AFTER = re.compile(r"\s*(?:%|mg\b|lbs?\b|kg\b|miles?\b|sq\b|cc\b)", re.I)

MIN_DIGITS = 7
MAX_BLOCK = 12  # an unbroken digit block longer than this is an id, not a phone


@dataclass(slots=True)
class _Unit:
    start: int  # view offsets
    end: int
    digits: str
    spelled: bool


def _units(text: str) -> list[_Unit]:
    out: list[_Unit] = []
    for m in _UNIT.finditer(text):
        token = m.group(0)
        if token.isdigit():
            out.append(_Unit(m.start(), m.end(), token, False))
            continue
        # Lone "i", "l", "o" and "oh" count only when glued to a digit or another unit.
        if len(token) <= 2 and token.lower() in ("o", "l", "i", "oh"):
            before = text[m.start() - 1] if m.start() else ""
            after = text[m.end()] if m.end() < len(text) else ""
            if not (before.isdigit() or after.isdigit() or (before in "-.*_~" and after in "-.*_~" and before)):
                continue
        pos = m.start()
        for w in DIGIT_WORD.finditer(token):
            out.append(_Unit(pos + w.start(), pos + w.end(), _digit(w.group(0)), True))
    return out


@lru_cache(maxsize=512)
def _digit(word: str) -> str:
    from adtrace.text.numbers import DIGIT_WORDS

    return DIGIT_WORDS[word.lower()]


def _chains(text: str, units: list[_Unit]) -> list[list[_Unit]]:
    chains: list[list[_Unit]] = []
    current: list[_Unit] = []
    for unit in units:
        if current:
            gap = text[current[-1].end:unit.start]
            if gap == "" or _GAP.fullmatch(gap):
                current.append(unit)
                continue
            chains.append(current)
        current = [unit]
    if current:
        chains.append(current)
    return [c for c in chains if len(c) >= MIN_DIGITS]


def _blocks(text: str, chain: list[_Unit]) -> list[tuple[int, int]]:
    """Indices [i, j) of runs of units with no gap between them (a "block" of glued digits)."""
    out: list[tuple[int, int]] = []
    i = 0
    for k in range(1, len(chain) + 1):
        if k == len(chain) or chain[k].start != chain[k - 1].end:
            out.append((i, k))
            i = k
    return out


def _valid(digits: str, regions: tuple[str, ...], plus: bool) -> str | None:
    candidates: list[tuple[str, str | None]] = [("+" + digits, None)] if plus else [(digits, r) for r in regions]
    if not plus and digits.startswith("00"):
        candidates.insert(0, ("+" + digits[2:], None))
    for raw, region in candidates:
        try:
            num = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(num):
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    return None


def find_phones(view: View, regions: tuple[str, ...]) -> list[tuple[str, tuple[int, int], bool]]:
    """(E.164, original span, obfuscated) for every phone in the view."""
    text = view.text
    found: list[tuple[str, tuple[int, int], bool]] = []
    for chain in _chains(text, _units(text)):
        blocks = _blocks(text, chain)
        if any(k - i > MAX_BLOCK and not any(u.spelled for u in chain[i:k]) for i, k in blocks):
            continue
        found.extend(_cut(view, chain, regions))
    return found


def _cut(view: View, chain: list[_Unit], regions: tuple[str, ...]) -> list[tuple[str, tuple[int, int], bool]]:
    """Cut a chain into numbers: greedy from the left, longest valid number first, on unit boundaries."""
    text = view.text
    out: list[tuple[str, tuple[int, int], bool]] = []
    i = 0
    n = len(chain)
    while n - i >= MIN_DIGITS:
        hit = None
        for length in (13, 12, 11, 10, 9, 8, 7):
            j = i + length
            if j > n:
                continue
            if j < n and chain[j].start == chain[j - 1].end and not chain[j].spelled and not chain[j - 1].spelled:
                continue  # never cut through a glued block of digits
            digits = "".join(u.digits for u in chain[i:j])
            start = chain[i].start
            plus = start > 0 and text[start - 1] == "+"
            if length < 10 and not plus and regions[0] in ("US", "CA"):
                continue  # seven-digit local numbers are too often something else
            end = chain[j - 1].end
            if _BAD_AFTER.match(text, end):
                continue
            e164 = _valid(digits, regions, plus)
            if e164:
                hit = (j, e164, start - (1 if plus else 0), end)
                break
        if hit is None:
            i += 1
            continue
        j, e164, start, end = hit
        span = view.span(start, end)
        out.append((e164, span, _obfuscated(view, chain[i:j], start, end)))
        i = j
    return out


def _obfuscated(view: View, units: list[_Unit], start: int, end: int) -> bool:
    if any(u.spelled for u in units) or view.changed(start, end):
        return True
    text = view.text
    return any(not _PLAIN_GAP.fullmatch(text[a.end:b.start]) for a, b in itertools.pairwise(units))


def _run(ctx: Context) -> None:
    regions = tuple(ctx.regions())
    seen: set[str] = set()
    for e164, span, obfuscated in find_phones(ctx.view, regions):
        seen.add(e164)
        ctx.add("phones", entity(e164, span, obfuscated=obfuscated))
    if ctx.doc.url:
        for e164, span, obfuscated in find_phones(normalise(ctx.doc.url), regions):
            ctx.add("phones", entity(e164, span, obfuscated=obfuscated, field="url"))
    ctx.record.setdefault("phones", [])


register(Extractor("phones", _run, assigns=("phones",), requires=("places",)))

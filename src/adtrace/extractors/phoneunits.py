"""The digit units of a text for the phone reader: digit runs and spelled digits, in one scan.

A unit is a run of digits or a run of spelled digit words that is a whole word or glued to digits
("7o2", "2ONE6", "sixtwo"); the phone reader chains units into numbers (adtrace.extractors.phones).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

from adtrace.text import prescan
from adtrace.text.lowered import lowered
from adtrace.text.numbers import DIGIT_WORD_RUN, GLUED_UNITS, HOMOPHONES, SPELLED_UNITS, trie_pattern

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


_DIGITS = re.compile(r"\d+")

# Where a spelled unit may start, for hyperscan (adtrace.text.prescan) over the lower-cased text: a
# superset of the spelled branch above. A spelled run (homophones only beside a digit) with no ASCII
# letter before or after it; a non-ASCII character stands for "maybe a letter" or "maybe a digit"
# (`\d` is every script's digits), whichever keeps more candidates. The Chinese digits are no ASCII
# word: a text holding one takes the reference scan.
_A = trie_pattern([w for w in SPELLED_UNITS if w.isascii()])
_H = trie_pattern(list(HOMOPHONES))
_D = rf"[0-9{prescan.NON_ASCII}]"
prescan.register("phones.spelled", rf"(?:^|[^a-z])(?:(?:{_H})*(?:{_A})(?:{_A}|{_H})*(?:[^a-z]|$)|(?:{_H})+{_D})"
                 rf"|{_D}(?:{_H})+(?:[^a-z]|$)", offsets=True)
_CJK_DIGITS = re.compile("[" + "".join(w for w in GLUED_UNITS if not w.isascii()) + "]")
PRESCAN_MIN = 64  # shorter texts (URL parts) scan faster with `re` alone than through a hyperscan pass


def unit_matches(text: str) -> Iterable[re.Match[str]]:
    """The unit matches of `text`, in order: over lowered text (adtrace.text.lowered) without re.I,
    the same matches ~10% faster; read tokens only through lower() and isdigit(), which lowering
    does not change. With hyperscan (adtrace.text.prescan), the unit pattern is tried only where a
    digit run or a spelled unit may start (`_candidate_matches`); else one scan of the whole text."""
    return unit_matches_and_runs(text)[0]


def unit_matches_and_runs(text: str) -> tuple[Iterable[re.Match[str]], list[int] | None]:
    r"""`unit_matches(text)` and, where that scan found them, the starts of all the runs of digits
    (`\d+` over `text`; lowering keeps every character's offset and whether it is a digit), which
    the stamps scan reuses (adtrace.text.stamps); else None."""
    low = lowered(text)
    if low is None:
        return UNIT.finditer(text), None
    if len(low) >= PRESCAN_MIN:
        found = prescan.scan(text)
        if found is not None and (low.isascii() or _CJK_DIGITS.search(low) is None):
            runs = list(_DIGITS.finditer(low))
            starts = _spelled_starts(low, found.spans.get("phones.spelled", ()))
            return _candidate_matches(low, starts, runs), [m.start() for m in runs]
    return UNIT_LOWER.finditer(low), None


def _spelled_starts(low: str, spans: Iterable[tuple[int, int]]) -> list[int]:
    """Where a spelled unit may start, from the prescan's matches (`phones.spelled`): the word starts at
    the match's first letter, and a later match that ends at the same place (hyperscan reports each end
    once, with the leftmost start) starts after a digit inside this one ("é tw0i": "i" after "0")."""
    out: set[int] = set()
    for start, end in spans:
        out.add(start if "a" <= low[start] <= "z" else start + 1)
        if not low[start + 1:end - 1].isalpha():  # speed: a digit inside the words (rare)
            for r in _DIGITS.finditer(low, start + 1, end):
                out.add(r.end())
    return sorted(out)


def _candidate_matches(low: str, starts: list[int], runs: list[re.Match[str]]) -> list[re.Match[str]]:
    r"""What `UNIT_LOWER.finditer(low)` gives, trying the pattern only at the digit runs' starts and at
    the spelled units' possible `starts`; `runs`: the matches of `\d+` over `low`.

    The same matches: each is the leftmost match at or after the previous match's end, and the unit
    pattern can match only where a digit run or a spelled unit starts. A digit position that no run
    start stands for lies in a run a spelled unit ended inside ("thr33" in "thr335"): the pattern is
    tried where that unit ended."""
    if not starts:
        return runs  # the unit pattern's digit branch is `\d+`: the same matches
    out: list[re.Match[str]] = []
    pos = 0  # end of the last match; every run from runs[i] on starts at or after it
    i = 0
    for s in starts:
        if s < pos or s >= len(low):
            continue
        k = bisect_left(runs, s, i, key=re.Match.start)
        if k > i:
            out += runs[i:k]
            i = k
            pos = runs[k - 1].end()
            if s < pos:  # a candidate after a digit inside a word ("tw0i") may lie inside a run
                continue
        m = UNIT_LOWER.match(low, s)
        if m is None:
            continue
        out.append(m)
        pos = m.end()
        while i < len(runs) and runs[i].start() < pos:
            if runs[i].end() > pos:  # the rest of a run the spelled unit ended inside: `\d+` from there
                rest = _DIGITS.match(low, pos)
                assert rest is not None
                out.append(rest)
                pos = rest.end()
            i += 1
    out += runs[i:]
    return out

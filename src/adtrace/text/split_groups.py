"""A North American number whose digit groups are split by a word: "702 Candy 555 0147", "702 x 555 x 0147".

A published obfuscation form of escort and spam ads: a name, a letter or a filler word between the
groups of a phone keeps it from phone matchers ("call 702 ask4 555..."). Read everywhere, joining
across words would turn rate tables ("250 qv 350 hh 2000 ovn"), measurements and counts into
numbers, so only the North American grouping counts, written with plain digits: three, three and
four digits (or three and seven, six and four), a "1" before it optionally, at least one gap a word
or a spaced letter standing between separators, no gap a price, duration or measurement word, no
"$" before a group, no unit after the last, not every group a round amount. The phone extractor reads these only in an ad in which
no other reading found a number, and keeps a reading only when it is a valid number.
"""

from __future__ import annotations

import re

from adtrace.text.numbers import GLUED_UNITS

# A gap of the first pass: a few separators (no letter, no line break beyond one).
_PLAIN = r"(?:[^\w\n]|_){0,3}"
# A word gap: separators, one word of up to twelve letters, separators (a space or a mark each side:
# a word glued to the digits is another form, "702x555", read by the first pass).
def _word(k: int) -> str:
    return rf"(?:[^\w\n]|_){{1,3}}(?P<w{k}>[^\W\d_]{{1,12}})(?:[^\w\n]|_){{1,3}}"


def _sep(k: int) -> str:
    return rf"(?:{_word(k)}|{_PLAIN})"


# Three groups (3-3-4) or two (3-7, 6-4), an optional "1" first; no digit, "$", "." or "," glued before.
_NUMBER = re.compile(
    rf"(?<![\d$€£.,])(?:1{_PLAIN})?(?:"
    rf"\(?[2-9]\d\d\)?{_sep(1)}\d{{3}}{_sep(2)}\d{{4}}"
    rf"|[2-9]\d\d{_word(3)}\d{{7}}"
    rf"|[2-9]\d{{5}}{_word(4)}\d{{4}}"
    rf")(?![\d.,]?\d)")
# Words that make the groups amounts, durations, measurements, times or addresses, not a number.
_NOT_A_SEPARATOR = frozenset({
    "h", "hh", "hr", "hrs", "hour", "hours", "min", "mins", "minutes", "qv", "qk", "ss", "hhr", "ovn", "night",
    "overnight", "nite", "roses", "rose", "dollars", "bucks", "usd", "cash", "donation", "donations", "gifts",
    "k", "lbs", "lb", "cm", "kg", "ft", "in", "am", "pm", "st", "nd", "rd", "th", "ave", "blvd", "dr", "ln", "way",
    "and", "or", "to", "for", "by", "of", "from", "miles", "mi", "exit", "fwy", "hwy", "apt", "suite", "unit",
    "ste", "box", "zip", "years", "yrs", "yo", "id", "post", "ad", "ref", "no", "vs",
})
_GROUP = re.compile(r"\d+")
_FIRST_GROUP = re.compile(r"(?<!\d)(?:1|[2-9]\d\d|[2-9]\d{5})(?!\d)")
_UNIT_AFTER = re.compile(r"\s*(?:\$|%|[/-]?\s*(?:hh|hr|hrs|hour|min|qv|roses|lbs|kg|cm|miles)\b)", re.I)


def split_groups(text: str) -> list[tuple[int, int, str]]:
    """(start, end, digits) of every North American number in `text` written with a word between its
    groups; the digits joined, the "1" included when written."""
    out: list[tuple[int, int, str]] = []
    # Speed: the pattern is tried only where a digit run of a first group's length starts (a "1", three
    # or six digits); scanning every position cost ~40 µs per real ad (measured on backpage-dev).
    pos = 0
    for run in _FIRST_GROUP.finditer(text):
        if run.start() < pos:
            continue
        m = _NUMBER.match(text, run.start() - (run.start() > 0 and text[run.start() - 1] == "("))
        if m is None:
            continue
        pos = m.end()
        words = [m.group(k) for k in ("w1", "w2", "w3", "w4") if m.group(k)]
        if not words or any(w.lower() in _NOT_A_SEPARATOR or w.lower() in GLUED_UNITS for w in words):
            continue
        if _UNIT_AFTER.match(text, m.end()):
            continue
        groups = _GROUP.findall(m.group(0))
        if all(g.endswith("0") for g in groups):
            continue  # round amounts, a rate list ("250 quickie 350 hourly 2000 vip"): 1 phone in 1,000
        digits = "".join(groups)
        out.append((m.start(), m.end(), digits))
    return out

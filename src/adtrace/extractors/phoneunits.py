"""The digit units of a text for the phone reader: digit runs and spelled digits, in one scan.

A unit is a run of digits or a run of spelled digit words that is a whole word or glued to digits
("7o2", "2ONE6", "sixtwo"); the phone reader chains units into numbers (adtrace.extractors.phones).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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


def unit_matches(text: str) -> Iterable[re.Match[str]]:
    """The unit matches of `text`, in order: over lowered text (adtrace.text.lowered) without re.I,
    the same matches ~10% faster; read tokens only through lower() and isdigit(), which lowering
    does not change. One scan of the whole text: the first-letter lookahead makes most positions fail
    at once (measured faster than cutting the text into words first, in C or in Python: the word
    list, its set and the look-ups of each word in a memo cost more inside the pipeline than the scan)."""
    low = lowered(text)
    return UNIT.finditer(text) if low is None else UNIT_LOWER.finditer(low)

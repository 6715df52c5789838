"""Which parts of a document's web address the phone reader reads, and which it skips unread.

A URL is read part by part (adtrace.text.urlparts: digits of different path segments never join);
an address that is not on the web (a tip's internal `tip:<random hex id>`) is not read at all, and
a part that cannot hold MIN_DIGITS digits is never normalised (speed, exact).
"""

from __future__ import annotations

import re

from adtrace.extractors.phoneunits import MIN_DIGITS, SPELLED_UNIT_LOWER
from adtrace.text import View
from adtrace.text.urlparts import PART, part_view, url_parts

_DIGIT = re.compile(r"\d")
# A part of an ASCII address (adtrace.text.urlparts.PART) holding MIN_DIGITS digits or a spelled unit. The
# lookbehind (a part's start) changes no match, a part's rest holding no more than the part: speed.
# Also speed, the same matches: the digit count's runs are possessive (`*+`: its classes are disjoint,
# backtracking finds nothing new), and a spelled unit is tried only at the part's start and after a
# character that is no letter (over the lowered ASCII address its lookbehind fails after a letter),
# a word at a time, not at every character (~6.1 -> ~4.1 us per backpage-dev address alone).
_WORTH_PART = re.compile(rf"(?<![^/?#&=])(?=(?:[^/?#&=\d]*+\d){{{MIN_DIGITS}}}"
                         rf"|(?:[a-z]*+[^a-z/?#&=])*?(?:{SPELLED_UNIT_LOWER.pattern})){PART}")


def may_hold_phone(url: str) -> bool:
    """Speed (exact): a chain needs MIN_DIGITS digits, from digit runs or spelled units (of a URL or
    one of its parts: percent-escapes hold hex digits, so this over-counts digits, never under)."""
    if not url.isascii():
        return True  # look-alike digits appear only in the normalised view
    # ASCII lower-cased changes no match: the pattern without re.I over it is exact, ~2x faster.
    return len(_DIGIT.findall(url)) >= MIN_DIGITS or SPELLED_UNIT_LOWER.search(url.lower()) is not None


def web_url(url: str) -> bool:
    """An address on the web (http(s) or no scheme), not an internal one like a tip's `tip:<random id>`,
    whose random hex digits read as a phone in about one tip in twenty and linked it to strangers' ads."""
    scheme, sep, _rest = url.partition(":")
    return not sep or scheme.lower() in ("http", "https") or not scheme.isalpha() or "." in scheme


def phone_parts(url: str | None) -> list[tuple[int, View]]:
    """(offset in `url`, the part's View) for each part of a web address that may hold a phone."""
    if not url or not web_url(url):
        return []
    if not url.isascii():
        return url_parts(url, lambda a, b: may_hold_phone(url[a:b])) if may_hold_phone(url) else []
    # Only the parts worth reading, in one scan of the lowered address (speed: ~5 parts per backpage-dev
    # address, ~1 worth it): a part with MIN_DIGITS digits or a spelled unit. Exact: a spelled unit holds
    # letters and digits only, so it never spans a part's separator (/?#&=), and beside one its
    # lookarounds read the same as at the part's edge ("no letter", "no digit").
    out: list[tuple[int, View]] = []
    for m in _WORTH_PART.finditer(url.lower()):
        start, end = m.span()
        view = part_view(url[start:end])
        if view is not None:
            out.append((start, view))
    return out

"""Digit units joined into chains, and chains cut into valid phone numbers (E.164).

A unit is a plain tuple (start, end, digits, spelled), view offsets (adtrace.extractors.phones finds
them): ~9 per ad, each read a few times, and a tuple is built and indexed in C where an object's
constructor is a Python call. Units chain while their gaps are short runs of punctuation or space;
a chain is cut greedily from the left into the longest valid numbers (`read`).
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

from adtrace.extractors.phonetypes import is_valid, valid_for_region
from adtrace.extractors.phoneunits import MIN_DIGITS
from adtrace.text import View
from adtrace.text.hidden_digits import HIDDEN_GAP

Unit = tuple[int, int, str, bool]  # (start, end, digits, spelled)
Found = tuple[str, tuple[int, int], bool]  # (E.164, original span, obfuscated)

GAP = re.compile(r"(?:[^\w\n]|_){1,6}|(?:[^\w\n]|_){0,3}\n\s*\n?(?:[^\w\n]|_){0,3}")
_PLAIN_GAP = re.compile(r"[ \-.()+/]{0,3}")
_BAD_AFTER = re.compile(r"\s*(?:%|mg\b|lbs?\b|kg\b|miles?\b|sq\b|cc\b)", re.I)

NANP = frozenset({"US", "CA", "PR", "GU", "VI", "AS", "MP", "BS", "BB", "JM", "TT", "DO", "BM"})
MAX_BLOCK = 12  # an unbroken digit block longer than this is an id, not a phone


def age_and_id(a: Unit, b: Unit) -> bool:
    """Two plain blocks of a URL slug that are an age and a post id, in either order
    ("/sweet-22-55218528", "/55218528-22"): a phone's groups are 3 and 4 digits long, or 3 and 7."""
    if a[3] or b[3]:
        return False
    la, lb = len(a[2]), len(b[2])
    return (la == 2 and lb >= 6) or (la >= 6 and lb == 2)


def chains(text: str, units: list[Unit], url: bool = False, links: list[tuple[int, int]] | None = None,
           hidden: bool = False, stamps: list[tuple[int, int]] | None = None) -> list[list[Unit]]:
    """Units joined into chains of MIN_DIGITS digits or more; `url`: the text is one part of a URL;
    `links`: spans of URLs written in the text. In either, an age and a post id side by side are two
    chains. `hidden`: the wider gaps of the second reading ("702 dot 555", ". . ."). `stamps`: spans
    whose units are dropped first (adtrace.text.stamps; the same as chaining the units outside them,
    in the same loop: speed)."""
    gap_match = (HIDDEN_GAP if hidden else GAP).fullmatch
    split = url or bool(links)  # an age and a post id are split only in a URL (speed: most texts have none)
    out: list[list[Unit]] = []
    current: list[Unit] = []
    count = 0  # digits in `current`
    prev: Unit = (0, 0, "", False)
    for unit in units:
        start = unit[0]
        if stamps and _stamped(start, unit[1], stamps):
            continue
        if current:
            pend = prev[1]
            if start <= pend:  # no gap: glued
                current.append(unit)
                count += len(unit[2])
                prev = unit
                continue
            if not (split and age_and_id(prev, unit) and (
                    url or any(a <= prev[0] and unit[1] <= b for a, b in links or ()))):
                gap = text[pend:start]
                # A lone letter glued between digit groups is a separator too ("702x555x0147", "805r5550147").
                if gap_match(gap) or (len(gap) == 1 and gap.isascii() and gap.isalpha()
                                      and not unit[3] and not prev[3]):
                    current.append(unit)
                    count += len(unit[2])
                    prev = unit
                    continue
            if count >= MIN_DIGITS:
                out.append(current)
        current = [unit]
        count = len(unit[2])
        prev = unit
    if current and count >= MIN_DIGITS:
        out.append(current)
    return out


def _stamped(start: int, end: int, stamps: list[tuple[int, int]]) -> bool:
    for a, b in stamps:  # noqa: SIM110  # a plain loop: a generator per unit cost more than the test
        if a < end and start < b:
            return True
    return False


def digit_count(chain: list[Unit]) -> int:
    n = 0
    for u in chain:
        n += len(u[2])
    return n


def blocks(text: str, chain: list[Unit]) -> list[tuple[int, int]]:
    """Indices [i, j) of runs of units with no gap between them (a "block" of glued digits)."""
    out: list[tuple[int, int]] = []
    i = 0
    for k in range(1, len(chain) + 1):
        if k == len(chain) or chain[k][0] != chain[k - 1][1]:
            out.append((i, k))
            i = k
    return out


def read(view: View, found_chains: list[list[Unit]], regions: tuple[str, ...]) -> list[Found]:
    """The numbers of every chain; none in a chain holding a block of more than MAX_BLOCK plain digits."""
    found: list[Found] = []
    for chain in found_chains:
        # A block holds at most the chain's digits: the blocks are looked at only past MAX_BLOCK (speed).
        if digit_count(chain) > MAX_BLOCK and any(
                digit_count(chain[i:k]) > MAX_BLOCK and not any(u[3] for u in chain[i:k])
                for i, k in blocks(view.text, chain)):
            continue
        found.extend(_cut(view, chain, regions))
    return found


def _old_mexican_mobile(candidates: list[tuple[str, str | None]]) -> bool:
    """Whether the only candidate is a "+52 1" number of 13 digits (the old Mexican mobile form)."""
    return len(candidates) == 1 and candidates[0][0].startswith("+521") and len(candidates[0][0]) == 14


@lru_cache(maxsize=1 << 16)  # networks repeat their numbers; validation is the costly part
def valid(digits: str, regions: tuple[str, ...], plus: bool, bare_cc: bool = False) -> str | None:
    """E.164 when `digits` is a valid number; `bare_cc` reads it as a country code written without "+"."""
    if plus:
        candidates: list[tuple[str, str | None]] = [("+" + digits, None)]
    elif digits.startswith("00"):
        candidates = [("+" + digits[2:], None)]
    elif bare_cc:
        candidates = [("+" + digits, None)] if len(digits) >= 11 else []
    else:
        # A North American number never starts with 0: a leading 0 is another country's trunk prefix.
        candidates = [(digits, r) for r in regions if not (digits[0] == "0" and r in NANP)]
    if _old_mexican_mobile(candidates):
        # Mexico dropped the "1" of mobile numbers after +52 in 2019; ads still write "+52 1 55 ...".
        candidates.append(("+52" + candidates[0][0][4:], None))
    for raw, region in candidates:
        if region in NANP:
            # Fast path (parse + full validation cost ~5x more): the shape rules out most candidates,
            # and the expected region is checked before the ~25 NANP regions are searched.
            nsn = raw[1:] if len(raw) == 11 and raw[0] == "1" else raw
            if len(nsn) != 10 or nsn[0] in "01" or nsn[3] in "01":
                continue
            if valid_for_region(1, nsn, region) or is_valid(1, nsn):
                return "+1" + nsn
            continue
        if region is None and len(raw) == 12 and raw[1] == "1" and raw[2] not in "01":
            # "+1" and ten digits: parse would give exactly this number (no national prefix to strip
            # from a first digit 2-9), at ~5x the cost.
            if is_valid(1, raw[2:]):
                return raw
            continue
        try:
            num = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if num.country_code is not None and is_valid(num.country_code, phonenumbers.national_significant_number(num)):
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    return None


_NANP_GROUPS = re.compile(r"(?:1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}-\d{4}|(?:1[ .-]?)?\(\d{3}\)[ .-]?\d{3}[ .-]?\d{4}")


def _by_grouping(text: str, chain: list[Unit], i: int, regions: tuple[str, ...]) -> tuple[str, ...]:
    """The regions with North America first when the number is written the North American way,
    "(702) 555-0147" or "702-555-0147": other countries group their digits otherwise."""
    if regions[0] in NANP or not any(r in NANP for r in regions):
        return regions
    start = chain[i][0]
    if _NANP_GROUPS.match(text, start - (1 if start and text[start - 1] == "(" else 0)):
        return tuple(sorted(regions, key=lambda r: r not in NANP))
    return regions


def _country_code_is(e164: str, digits: str) -> bool:
    """Whether `digits` is exactly the country calling code of `e164`."""
    return e164[1:1 + len(digits)] == digits and int(digits) in COUNTRY_CODE_TO_REGION_CODE \
        and not any(int(e164[1:k]) in COUNTRY_CODE_TO_REGION_CODE for k in range(2, 1 + len(digits)))


def _cut(view: View, chain: list[Unit], regions: tuple[str, ...]) -> list[Found]:
    """Cut a chain into numbers: greedy from the left, longest valid number first.

    Cuts fall only between units, and never inside a glued block of plain digits ("15436"). Numbers
    as written in the expected regions are cut first over the whole chain; only the units left over
    are read as a country code missing its "+" (so "21 (702) 555-0147", an age before a number, is
    not read as +21...).
    """
    n = len(chain)
    # glued[k]: unit k is glued to unit k - 1, both plain digits (no cut between them); False at 0 and n.
    glued = [False] * (n + 1)
    a = chain[0]
    for k in range(1, n):
        b = chain[k]
        glued[k] = b[0] == a[1] and not b[3] and not a[3]
        a = b
    out = greedy(view, chain, 0, n, regions, False, glued)
    if len(out) == 1 and out[0][0] == 0 and out[0][1] == n:
        return [out[0][2]]  # the whole chain is one number: nothing left over (speed)
    taken = [(i, j) for i, j, _ in out]
    rest: list[tuple[int, int, Found]] = []
    lo = 0
    for i, j in [*taken, (n, n)]:
        if i - lo > 0:
            rest.extend(greedy(view, chain, lo, i, regions, True, glued))
        lo = j
    return [hit for _, _, hit in sorted(out + rest, key=lambda h: h[0])]


def greedy(view: View, chain: list[Unit], lo: int, hi: int, regions: tuple[str, ...],
           bare_cc: bool, glued: list[bool]) -> list[tuple[int, int, Found]]:
    """Numbers in chain[lo:hi], greedy from the left: (first unit, end unit, (E.164, span, obfuscated));
    `glued` as built by `_cut`."""
    text = view.text
    out: list[tuple[int, int, Found]] = []
    i = lo
    while i < hi:
        if glued[i]:
            i += 1
            continue
        ends: list[tuple[int, str]] = []
        digits = ""
        for j in range(i, hi):
            digits += chain[j][2]
            if len(digits) > 15:
                break
            if len(digits) >= MIN_DIGITS and not glued[j + 1]:
                ends.append((j + 1, digits))
        hit = None
        start = chain[i][0]
        plus = start > 0 and text[start - 1] == "+"
        if bare_cc and plus:
            i += 1
            continue  # a "+" number was read (or not) in the first pass
        # Region by region, most likely first, each longest first: a 10-digit number that is valid in
        # the first region beats an 11-digit reading (one more digit from the text) in another one.
        tries: list[tuple[str, ...]] = [regions] if plus or bare_cc or len(regions) == 1 else \
            [(r,) for r in _by_grouping(text, chain, i, regions)]
        for region_try in tries:
            for j, number in reversed(ends):
                if len(number) < 10 and not plus and regions[0] in NANP:
                    continue  # seven-digit local numbers are too often something else
                end = chain[j - 1][1]
                if _BAD_AFTER.match(text, end):
                    continue
                e164 = valid(number, region_try, plus, bare_cc)
                if e164 and bare_cc and not _country_code_is(e164, chain[i][2]):
                    e164 = None  # "44 7911 123456": the code is written apart, as the first group
                if e164:
                    hit = (j, e164, start - (1 if plus else 0), end)
                    break
            if hit:
                break
        if hit is None:
            i += 1
            continue
        j, e164, s_start, end = hit
        out.append((i, j, (e164, view.span(s_start, end), _obfuscated(view, chain[i:j], s_start, end))))
        i = j
    return out


def _obfuscated(view: View, units: list[Unit], start: int, end: int) -> bool:
    if any(u[3] for u in units) or view.changed(start, end):
        return True
    text = view.text
    return any(not _PLAIN_GAP.fullmatch(text[a[1]:b[0]]) for a, b in itertools.pairwise(units))

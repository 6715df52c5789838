"""Phone numbers, plain and obfuscated, validated with `phonenumbers` and written as E.164.

How: find digit units in the light view (digits, spelled digits such as "fyve" or "2ONE6", "oh"/"o",
lone l/i glued to digits, tens and "thousand"), chain units whose gaps are short runs of punctuation or space, then cut each chain
into valid numbers. A chain that is one unbroken block of more than 12 digits is an id or a card
number, never a phone; the digits of a date, a clock time, a height or a labelled post id
(adtrace.text.stamps) are no units at all. Numbers in the document's URL count, with `field: "url"`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

from adtrace.extractors.base import Context, Extractor, entity
from adtrace.extractors.literals import present, register_gate
from adtrace.extractors.phonetypes import is_valid, valid_for_region
from adtrace.extractors.phoneunits import MIN_DIGITS, PRESCAN_MIN, unit_matches
from adtrace.extractors.phoneurls import phone_parts
from adtrace.extractors.registry import register
from adtrace.text import View, prescan
from adtrace.text.hidden_digits import HIDDEN_GAP, hidden_words, may_join_otherwise, repeated
from adtrace.text.links import HINT_LITERALS, find_urls
from adtrace.text.lowered import lowered
from adtrace.text.numbers import DIGIT_WORD, DIGIT_WORD_RUN, GLUED_UNITS, TENS_WORDS
from adtrace.text.split_groups import split_groups
from adtrace.text.stamps import stamp_spans

_DIGIT = re.compile(r"\d")
_GAP = re.compile(r"(?:[^\w\n]|_){1,6}|(?:[^\w\n]|_){0,3}\n\s*\n?(?:[^\w\n]|_){0,3}")
_PLAIN_GAP = re.compile(r"[ \-.()+/]{0,3}")
_BAD_AFTER = re.compile(r"\s*(?:%|mg\b|lbs?\b|kg\b|miles?\b|sq\b|cc\b)", re.I)

_NANP = frozenset({"US", "CA", "PR", "GU", "VI", "AS", "MP", "BS", "BB", "JM", "TT", "DO", "BM"})
MAX_BLOCK = 12  # an unbroken digit block longer than this is an id, not a phone


@dataclass(slots=True)
class _Unit:
    start: int  # view offsets
    end: int
    digits: str
    spelled: bool


# Digit words spelled out letter by letter: "s e v e n", "T.W.O", "f-i-v-e".
_SPACED = re.compile(r"(?<![^\W\d_])[A-Za-z](?:[ .*_~-]{1,2}[A-Za-z]){2,}(?![^\W\d_])")
# Speed: two lone letters in a row, the second and third of such a word; a class first lets the engine
# skip in C ("a", the commonest lone letter of prose, is in no digit word).
_SPACED_GATE = re.compile(r"[ .*_~-][b-zB-Z][ .*_~-]{1,2}[b-zB-Z](?![^\W\d_])")
# The same over lower-cased UTF-8 bytes for hyperscan's one pass (adtrace.text.prescan): a superset
# (a non-ASCII character after it may be no letter), so where it is absent _SPACED_GATE finds nothing.
prescan.register("phones.spaced", rf"[ .*_~\-][b-z][ .*_~\-]{{1,2}}[b-z]{prescan.NOT_LETTER}", offsets=False)


def _may_spell_letters(text: str) -> bool:
    """`_SPACED_GATE.search(text)`, skipped where the hyperscan pass found no superset match (~90% of
    backpage-dev ads; the search costs ~7 µs per ad: its first class matches every space)."""
    if len(text) >= PRESCAN_MIN and lowered(text) is not None:  # lowering changed no match of the class
        found = prescan.scan(text)
        if found is not None and "phones.spaced" not in found.gates:
            return False
    return _SPACED_GATE.search(text) is not None


def _with_spaced_words(text: str, units: list[_Unit]) -> list[_Unit]:
    """`units` with the digit words spelled letter by letter added (replacing lone-letter units there)."""
    spaced: list[_Unit] = []
    for m in _SPACED.finditer(text):
        where = [m.start() + k for k, ch in enumerate(m.group(0)) if ch.isalpha()]
        letters = "".join(text[k] for k in where)
        if not DIGIT_WORD_RUN.fullmatch(letters):
            continue
        for w in DIGIT_WORD.finditer(letters):
            digits = GLUED_UNITS.get(w.group(0).lower())
            if digits is not None:
                spaced.append(_Unit(where[w.start()], where[w.end() - 1] + 1, digits, True))
    if not spaced:
        return units
    taken = [(u.start, u.end) for u in spaced]
    kept = [u for u in units if not any(a < u.end and u.start < b for a, b in taken)]
    return sorted(kept + spaced, key=lambda u: u.start)


def _with_hidden_words(text: str, units: list[_Unit],
                       words: list[tuple[int, int, list[tuple[int, int, str, bool]]]]) -> list[_Unit]:
    """`units` with the `words` the hidden reading reads otherwise (adtrace.text.hidden_digits.hidden_words)
    in place of the first pass's units there, and "double"/"triple" applied."""
    if words:
        kept = [u for u in units if not any(a <= u.start < b for a, b, _ in words)]
        units = sorted(kept + [_Unit(*u) for _, _, found in words for u in found], key=lambda u: u.start)
    tuples = repeated(text, [(u.start, u.end, u.digits, u.spelled) for u in units])
    return [_Unit(*u) for u in tuples]


def _units(text: str) -> list[_Unit]:
    """Digit units of `text` (the first reading)."""
    return _finish(text, _scan(text))


def _scan(text: str) -> list[_Unit]:
    out: list[_Unit] = []
    append = out.append
    # Units from adtrace.extractors.phoneunits, over lowered text: tokens are read only through lower()
    # and isdigit(), which lowering does not change.
    for m in unit_matches(text):
        token = m.group(0)
        if token.isdigit():
            start, end = m.span()
            append(_Unit(start, end, token, False))
            continue
        # Lone "i" and "l" are words; they count only when glued to a digit or between -.*_~ marks.
        if token.lower() in ("l", "i"):
            before = text[m.start() - 1] if m.start() else ""
            after = text[m.end()] if m.end() < len(text) else ""
            if not (before.isdigit() or after.isdigit() or (before in "-.*_~" and after in "-.*_~" and before)):
                continue
        pos = m.start()
        for w in DIGIT_WORD.finditer(token):
            digits = GLUED_UNITS.get(w.group(0).lower())
            if digits is not None:  # re.I also matches odd letters ("İ", Kelvin "K") that lower() changes
                out.append(_Unit(pos + w.start(), pos + w.end(), digits, True))
    return out


def _finish(text: str, units: list[_Unit]) -> list[_Unit]:
    """Scanned units with the spelled-letter words and tens read (a new list; `units` is unchanged)."""
    out = list(units)
    if _may_spell_letters(text):
        out = _with_spaced_words(text, out)
    # "twenty" alone is 20; before a spelled unit digit ("twenty six", "twentysix") it is the 2 of 26.
    for k, unit in enumerate(out):
        if unit.spelled and text[unit.start:unit.end].lower() in TENS_WORDS:
            nxt = out[k + 1] if k + 1 < len(out) else None
            joined = nxt is not None and nxt.spelled and nxt.digits in "123456789" and len(nxt.digits) == 1 \
                and text[unit.end:nxt.start] in ("", " ", "-")
            if not joined:
                out[k] = _Unit(unit.start, unit.end, unit.digits + "0", True)
    return out


def _age_and_id(a: _Unit, b: _Unit) -> bool:
    """Two plain blocks of a URL slug that are an age and a post id, in either order
    ("/sweet-22-55218528", "/55218528-22"): a phone's groups are 3 and 4 digits long, or 3 and 7."""
    if a.spelled or b.spelled:
        return False
    return (len(a.digits) == 2 and len(b.digits) >= 6) or (len(a.digits) >= 6 and len(b.digits) == 2)


def _chains(text: str, units: list[_Unit], url: bool = False,
            links: list[tuple[int, int]] | None = None, hidden: bool = False) -> list[list[_Unit]]:
    """Units joined into chains; `url`: the text is one part of a URL; `links`: spans of URLs written
    in the text. In either, an age and a post id side by side are two chains. `hidden`: the wider
    gaps of the second reading ("702 dot 555", ". . .")."""
    gap_match = (HIDDEN_GAP if hidden else _GAP).fullmatch
    split = url or bool(links)  # an age and a post id are split only in a URL (speed: most texts have none)
    chains: list[list[_Unit]] = []
    current: list[_Unit] = []
    for unit in units:
        if not current:
            current = [unit]
            continue
        prev = current[-1]
        if split and prev.end < unit.start and _age_and_id(prev, unit) and (
                url or any(a <= prev.start and unit.end <= b for a, b in links or ())):
            chains.append(current)
            current = [unit]
            continue
        gap = text[prev.end:unit.start]
        # A lone letter glued between digit groups is a separator too ("702x555x0147", "805r5550147").
        if gap == "" or gap_match(gap) or (len(gap) == 1 and gap.isascii() and gap.isalpha()
                                           and not unit.spelled and not prev.spelled):
            current.append(unit)
            continue
        chains.append(current)
        current = [unit]
    if current:
        chains.append(current)
    return [c for c in chains if _digit_count(c) >= MIN_DIGITS]


def _digit_count(chain: list[_Unit]) -> int:
    n = 0
    for u in chain:
        n += len(u.digits)
    return n


def _blocks(text: str, chain: list[_Unit]) -> list[tuple[int, int]]:
    """Indices [i, j) of runs of units with no gap between them (a "block" of glued digits)."""
    out: list[tuple[int, int]] = []
    i = 0
    for k in range(1, len(chain) + 1):
        if k == len(chain) or chain[k].start != chain[k - 1].end:
            out.append((i, k))
            i = k
    return out


def _old_mexican_mobile(candidates: list[tuple[str, str | None]]) -> bool:
    """Whether the only candidate is a "+52 1" number of 13 digits (the old Mexican mobile form)."""
    return len(candidates) == 1 and candidates[0][0].startswith("+521") and len(candidates[0][0]) == 14


@lru_cache(maxsize=1 << 16)  # networks repeat their numbers; validation is the costly part
def _valid(digits: str, regions: tuple[str, ...], plus: bool, bare_cc: bool = False) -> str | None:
    """E.164 when `digits` is a valid number; `bare_cc` reads it as a country code written without "+"."""
    if plus:
        candidates: list[tuple[str, str | None]] = [("+" + digits, None)]
    elif digits.startswith("00"):
        candidates = [("+" + digits[2:], None)]
    elif bare_cc:
        candidates = [("+" + digits, None)] if len(digits) >= 11 else []
    else:
        # A North American number never starts with 0: a leading 0 is another country's trunk prefix.
        candidates = [(digits, r) for r in regions if not (digits[0] == "0" and r in _NANP)]
    if _old_mexican_mobile(candidates):
        # Mexico dropped the "1" of mobile numbers after +52 in 2019; ads still write "+52 1 55 ...".
        candidates.append(("+52" + candidates[0][0][4:], None))
    for raw, region in candidates:
        if region in _NANP:
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


def _by_grouping(text: str, chain: list[_Unit], i: int, regions: tuple[str, ...]) -> tuple[str, ...]:
    """The regions with North America first when the number is written the North American way,
    "(702) 555-0147" or "702-555-0147": other countries group their digits otherwise."""
    if regions[0] in _NANP or not any(r in _NANP for r in regions):
        return regions
    if _NANP_GROUPS.match(text, chain[i].start - (1 if chain[i].start and text[chain[i].start - 1] == "(" else 0)):
        return tuple(sorted(regions, key=lambda r: r not in _NANP))
    return regions


def _country_code_is(e164: str, digits: str) -> bool:
    """Whether `digits` is exactly the country calling code of `e164`."""
    return e164[1:1 + len(digits)] == digits and int(digits) in COUNTRY_CODE_TO_REGION_CODE \
        and not any(int(e164[1:k]) in COUNTRY_CODE_TO_REGION_CODE for k in range(2, 1 + len(digits)))


def find_phones(view: View, regions: tuple[str, ...], url: bool = False,
                links: list[tuple[int, int]] | None = None,
                hidden: bool = False) -> list[tuple[str, tuple[int, int], bool]]:
    """(E.164, original span, obfuscated) for every phone in the view; `url`: the view is one part of a
    URL (a slug), `links`: view spans of URLs written in it; there an age and a post id side by side
    ("/sweet-22-55218528") are no number. `hidden`: when the first reading finds none, the second
    (adtrace.text.hidden_digits)."""
    text = view.text
    raw = _scan(text)
    # Dates, clock times, heights and labelled post ids are no phone digits: dropped, they also
    # break the chain they sat in ("Posted: 2024-03-24 17:41" is not +1 202 403 2417).
    stamps = stamp_spans(text) if raw else []
    chains = _chains(text, _unstamped(_finish(text, raw), stamps), url, links)
    found = _read(view, chains, regions)
    if found or not hidden:
        return found
    # Where North America comes first a number without "+" has ten digits (_greedy), else seven.
    words = hidden_words(text, 10 if regions[0] in _NANP and "+" not in text else MIN_DIGITS)
    if words is None or (not words and not may_join_otherwise(text)):
        return found  # speed: too few digits, or the second reading would read the same chains
    units = _finish(text, _with_hidden_words(text, raw, words))
    # A chain the first reading had is no number the second time either (speed).
    seen = {(c[0].start, c[-1].end, sum(len(u.digits) for u in c)) for c in chains}
    return _read(view, [c for c in _chains(text, _unstamped(units, stamps), url, links, hidden=True)
                        if (c[0].start, c[-1].end, sum(len(u.digits) for u in c)) not in seen], regions)


def _unstamped(units: list[_Unit], stamps: list[tuple[int, int]]) -> list[_Unit]:
    if not stamps:
        return units
    out: list[_Unit] = []
    for u in units:  # a plain loop: a generator per unit cost more than the test (~9 units per ad)
        for a, b in stamps:
            if a < u.end and u.start < b:
                break
        else:
            out.append(u)
    return out


def _read(view: View, chains: list[list[_Unit]],
          regions: tuple[str, ...]) -> list[tuple[str, tuple[int, int], bool]]:
    found: list[tuple[str, tuple[int, int], bool]] = []
    for chain in chains:
        # A block holds at most the chain's digits: the blocks are looked at only past MAX_BLOCK (speed).
        if _digit_count(chain) > MAX_BLOCK and any(
                _digit_count(chain[i:k]) > MAX_BLOCK and not any(u.spelled for u in chain[i:k])
                for i, k in _blocks(view.text, chain)):
            continue
        found.extend(_cut(view, chain, regions))
    return found


def _cut(view: View, chain: list[_Unit], regions: tuple[str, ...]) -> list[tuple[str, tuple[int, int], bool]]:
    """Cut a chain into numbers: greedy from the left, longest valid number first.

    Cuts fall only between units, and never inside a glued block of plain digits ("15436"). Numbers
    as written in the expected regions are cut first over the whole chain; only the units left over
    are read as a country code missing its "+" (so "21 (702) 555-0147", an age before a number, is
    not read as +21...).
    """
    n = len(chain)
    # glued[k]: unit k is glued to unit k - 1, both plain digits (no cut between them); False at 0 and n.
    glued = [False] * (n + 1)
    for k in range(1, n):
        a, b = chain[k - 1], chain[k]
        glued[k] = b.start == a.end and not b.spelled and not a.spelled
    out = _greedy(view, chain, 0, n, regions, False, glued)
    if len(out) == 1 and out[0][0] == 0 and out[0][1] == n:
        return [out[0][2]]  # the whole chain is one number: nothing left over (speed)
    taken = [(i, j) for i, j, _ in out]
    rest: list[tuple[int, int, tuple[str, tuple[int, int], bool]]] = []
    lo = 0
    for i, j in [*taken, (n, n)]:
        if i - lo > 0:
            rest.extend(_greedy(view, chain, lo, i, regions, True, glued))
        lo = j
    return [hit for _, _, hit in sorted(out + rest, key=lambda h: h[0])]


def _greedy(view: View, chain: list[_Unit], lo: int, hi: int, regions: tuple[str, ...],
            bare_cc: bool, glued: list[bool]) -> list[tuple[int, int, tuple[str, tuple[int, int], bool]]]:
    """Numbers in chain[lo:hi], greedy from the left: (first unit, end unit, (E.164, span, obfuscated));
    `glued` as built by `_cut`."""
    text = view.text
    out: list[tuple[int, int, tuple[str, tuple[int, int], bool]]] = []
    i = lo
    while i < hi:
        if glued[i]:
            i += 1
            continue
        ends: list[tuple[int, str]] = []
        digits = ""
        for j in range(i, hi):
            digits += chain[j].digits
            if len(digits) > 15:
                break
            if len(digits) >= MIN_DIGITS and not glued[j + 1]:
                ends.append((j + 1, digits))
        hit = None
        start = chain[i].start
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
                if len(number) < 10 and not plus and regions[0] in _NANP:
                    continue  # seven-digit local numbers are too often something else
                end = chain[j - 1].end
                if _BAD_AFTER.match(text, end):
                    continue
                e164 = _valid(number, region_try, plus, bare_cc)
                if e164 and bare_cc and not _country_code_is(e164, chain[i].digits):
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


def _obfuscated(view: View, units: list[_Unit], start: int, end: int) -> bool:
    if any(u.spelled for u in units) or view.changed(start, end):
        return True
    text = view.text
    return any(not _PLAIN_GAP.fullmatch(text[a.end:b.start]) for a, b in itertools.pairwise(units))


def split_group_phones(view: View, regions: tuple[str, ...],
                       links: list[tuple[int, int]]) -> list[tuple[str, tuple[int, int], bool]]:
    """North American numbers with a word between their groups ("702 Candy 555 0147",
    adtrace.text.split_groups), valid in a North American region of `regions`; none in a date, a time,
    an id (adtrace.text.stamps) or a URL written in the text. For an ad no other reading found a
    number in: read everywhere, joining across words misreads more than it finds."""
    nanp = tuple(r for r in regions if r in _NANP)
    text = view.text
    if not nanp or not _DIGIT.search(text):
        return []
    out: list[tuple[str, tuple[int, int], bool]] = []
    stamps: list[tuple[int, int]] | None = None
    for start, end, digits in split_groups(text):
        stamps = stamp_spans(text) if stamps is None else stamps
        if any(a < end and start < b for a, b in [*stamps, *links]):
            continue
        e164 = _valid(digits, nanp, False)
        if e164:
            out.append((e164, view.span(start, end), True))
    return out


# Every match of adtrace.text.links.find_urls holds a scheme, "www." or a top-level domain: a text
# without one (over lowered text; one pass with the other gates, adtrace.extractors.literals) has none.
register_gate("phones.links", HINT_LITERALS)


def _run(ctx: Context) -> None:
    regions = tuple(ctx.regions())
    seen: set[str] = set()
    view = ctx.view
    # URLs written in the text (the urls extractor reuses them): a slug's age and id join no number.
    links = find_urls(view.text) if lowered(view.text) is None or "phones.links" in present(view.text) else []
    ctx.record["_text_urls"] = links
    spans = [s for _, s in links]
    # The hidden reading only where the plain one found nothing: it is slower, and glued digit words
    # read prose as digits more often ("someone", "weight"); an ad with a phone rarely hides a second.
    found = find_phones(view, regions, links=spans, hidden=True)
    for e164, span, obfuscated in found or split_group_phones(view, regions, spans):
        seen.add(e164)
        ctx.add("phones", entity(e164, span, obfuscated=obfuscated))
    # The document's web address, part by part (adtrace.extractors.phoneurls).
    for offset, part in phone_parts(ctx.doc.url):
        for e164, (a, b), obfuscated in find_phones(part, regions, url=True):
            ctx.add("phones", entity(e164, (offset + a, offset + b), obfuscated=obfuscated, field="url"))
    ctx.record.setdefault("phones", [])


register(Extractor("phones", _run, assigns=("phones",), requires=("places",)))

"""Phone numbers, plain and obfuscated, validated with `phonenumbers` and written as E.164.

How: find digit units in the light view (digits, spelled digits such as "fyve" or "2ONE6", "oh"/"o",
lone l/i glued to digits, tens and "thousand"), chain units whose gaps are short runs of punctuation or space, then cut each chain
into valid numbers (adtrace.extractors.phonechains). A chain that is one unbroken block of more than 12 digits is an id or a card
number, never a phone; the digits of a date, a clock time, a height or a labelled post id
(adtrace.text.stamps) are no units at all. Numbers in the document's URL count, with `field: "url"`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from adtrace.extractors.base import Context, Extractor, entity
from adtrace.extractors.literals import present, register_gate
from adtrace.extractors.phonechains import MAX_BLOCK as MAX_BLOCK
from adtrace.extractors.phonechains import NANP, Found, Unit, chains, read, valid
from adtrace.extractors.phoneunits import MIN_DIGITS, PRESCAN_MIN, unit_matches, unit_matches_and_runs
from adtrace.extractors.phoneurls import phone_parts
from adtrace.extractors.registry import register
from adtrace.text import View, prescan
from adtrace.text.hidden_digits import hidden_words, may_join_otherwise, repeated
from adtrace.text.links import HINT_LITERALS, find_urls
from adtrace.text.lowered import lowered
from adtrace.text.numbers import DIGIT_WORD, DIGIT_WORD_RUN, GLUED_UNITS, TENS_WORDS
from adtrace.text.split_groups import split_groups
from adtrace.text.stamps import stamp_spans

_DIGIT = re.compile(r"\d")

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


def _with_spaced_words(text: str, units: list[Unit]) -> list[Unit]:
    """`units` with the digit words spelled letter by letter added (replacing lone-letter units there)."""
    spaced: list[Unit] = []
    for m in _SPACED.finditer(text):
        where = [m.start() + k for k, ch in enumerate(m.group(0)) if ch.isalpha()]
        letters = "".join(text[k] for k in where)
        if not DIGIT_WORD_RUN.fullmatch(letters):
            continue
        for w in DIGIT_WORD.finditer(letters):
            digits = GLUED_UNITS.get(w.group(0).lower())
            if digits is not None:
                spaced.append((where[w.start()], where[w.end() - 1] + 1, digits, True))
    if not spaced:
        return units
    taken = [(u[0], u[1]) for u in spaced]
    kept = [u for u in units if not any(a < u[1] and u[0] < b for a, b in taken)]
    return sorted(kept + spaced, key=_start)


def _start(unit: Unit) -> int:
    return unit[0]


def _with_hidden_words(text: str, units: list[Unit], words: list[tuple[int, int, list[Unit]]]) -> list[Unit]:
    """`units` with the `words` the hidden reading reads otherwise (adtrace.text.hidden_digits.hidden_words)
    in place of the first pass's units there, and "double"/"triple" applied."""
    if words:
        kept = [u for u in units if not any(a <= u[0] < b for a, b, _ in words)]
        units = sorted(kept + [u for _, _, found in words for u in found], key=_start)
    return repeated(text, units)


def _units(text: str) -> list[Unit]:
    """Digit units of `text` (the first reading)."""
    return _finish(text, _scan(text))


def _scan(text: str, matches: Iterable[re.Match[str]] | None = None) -> list[Unit]:
    """The units of `text` read from its unit `matches` (adtrace.extractors.phoneunits; found here
    when not given)."""
    out: list[Unit] = []
    append = out.append
    # Units from adtrace.extractors.phoneunits, over lowered text: tokens are read only through lower()
    # and isdigit(), which lowering does not change.
    for m in unit_matches(text) if matches is None else matches:
        token = m[0]
        if token.isdigit():
            append((m.start(), m.end(), token, False))
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
                append((pos + w.start(), pos + w.end(), digits, True))
    return out


def _finish(text: str, units: list[Unit]) -> list[Unit]:
    """Scanned units with the spelled-letter words and tens read (a new list; `units` is unchanged)."""
    out = list(units)
    if _may_spell_letters(text):
        out = _with_spaced_words(text, out)
    # "twenty" alone is 20; before a spelled unit digit ("twenty six", "twentysix") it is the 2 of 26.
    for k, unit in enumerate(out):
        if unit[3] and text[unit[0]:unit[1]].lower() in TENS_WORDS:
            nxt = out[k + 1] if k + 1 < len(out) else None
            joined = nxt is not None and nxt[3] and nxt[2] in "123456789" and len(nxt[2]) == 1 \
                and text[unit[1]:nxt[0]] in ("", " ", "-")
            if not joined:
                out[k] = (unit[0], unit[1], unit[2] + "0", True)
    return out


def find_phones(view: View, regions: tuple[str, ...], url: bool = False,
                links: list[tuple[int, int]] | None = None,
                hidden: bool = False) -> list[Found]:
    """(E.164, original span, obfuscated) for every phone in the view; `url`: the view is one part of a
    URL (a slug), `links`: view spans of URLs written in it; there an age and a post id side by side
    ("/sweet-22-55218528") are no number. `hidden`: when the first reading finds none, the second
    (adtrace.text.hidden_digits)."""
    text = view.text
    matches, run_starts = unit_matches_and_runs(text)
    raw = _scan(text, matches)
    # Dates, clock times, heights and labelled post ids are no phone digits: dropped, they also
    # break the chain they sat in ("Posted: 2024-03-24 17:41" is not +1 202 403 2417).
    stamps = stamp_spans(text, run_starts) if raw else []
    first = chains(text, _finish(text, raw), url, links, stamps=stamps)
    found = read(view, first, regions)
    if found or not hidden:
        return found
    # Where North America comes first a number without "+" has ten digits (_greedy), else seven.
    words = hidden_words(text, 10 if regions[0] in NANP and "+" not in text else MIN_DIGITS)
    if words is None or (not words and not may_join_otherwise(text)):
        return found  # speed: too few digits, or the second reading would read the same chains
    units = _finish(text, _with_hidden_words(text, raw, words))
    # A chain the first reading had is no number the second time either (speed).
    seen = {(c[0][0], c[-1][1], sum(len(u[2]) for u in c)) for c in first}
    return read(view, [c for c in chains(text, units, url, links, hidden=True, stamps=stamps)
                       if (c[0][0], c[-1][1], sum(len(u[2]) for u in c)) not in seen], regions)


def split_group_phones(view: View, regions: tuple[str, ...],
                       links: list[tuple[int, int]]) -> list[Found]:
    """North American numbers with a word between their groups ("702 Candy 555 0147",
    adtrace.text.split_groups), valid in a North American region of `regions`; none in a date, a time,
    an id (adtrace.text.stamps) or a URL written in the text. For an ad no other reading found a
    number in: read everywhere, joining across words misreads more than it finds."""
    nanp = tuple(r for r in regions if r in NANP)
    text = view.text
    if not nanp or not _DIGIT.search(text):
        return []
    out: list[Found] = []
    stamps: list[tuple[int, int]] | None = None
    for start, end, digits in split_groups(text):
        stamps = stamp_spans(text) if stamps is None else stamps
        if any(a < end and start < b for a, b in [*stamps, *links]):
            continue
        e164 = valid(digits, nanp, False)
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

"""Rates: amount, currency and the time the rate buys ("150hh", "$200/hr", "qv 80", "60 min 200").

How: find durations ("hh", "qv", "1 hr", "60 min", "overnight") and amounts (numbers not glued to
other digits). An amount is a price when it has a currency ("$200", "150 roses") or a duration
beside it, or follows a rate word ("incall: 150"). Each amount takes the duration glued to it
("150hh", "200/hr", "200 an hour"); the rest of a rate list pairs one way throughout, durations
before amounts ("qv 80 hh 120") or after them ("80 qv, 120 hh"), whichever explains more amounts.

Minutes: quick visit 15, half hour 30, hour 60, "N min" N, "N hrs" 60N, overnight 480 (8 hours;
ads rarely say, and analysts compare overnight rates with each other, not with hourly ones).
Currency: "$"/"dollars"/"bucks" -> USD, "roses" -> "rose", "pesos" -> MXN, "£" -> GBP, "€" -> EUR,
ISO codes as written; null when the ad names none.

Never prices: phone digits (numbers glued to other digit groups), ages ("19yo"), heights, cup
sizes and measurements ("36-24-36"), clock times, dates, percentages, weights, zip codes (five-digit
numbers without a currency).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from adtrace.extractors.base import Context, Extractor
from adtrace.extractors.literals import present, register_gate
from adtrace.extractors.prices_zh import find_zh_prices
from adtrace.extractors.registry import register
from adtrace.text.lowered import lowered
from adtrace.text.numbers import DIGIT_WORDS, trie_pattern

OVERNIGHT_MINUTES = 480
MIN_AMOUNT = 30  # a bare number next to a duration ("24 hrs" is availability); a currency lowers it to 10
MAX_AMOUNT = 20000

_CURRENCY_BEFORE = re.compile(
    r"(?P<cur>(?:us|au|a|ca|c|mx)?\$|£|€|usd|aud|cad|mxn|eur|gbp)\s?$", re.I)
# A symbol may be glued to what follows ("60$qk"); words, and "donations"/"gifts" (money by another
# name: an amount, its currency unnamed), end at a word boundary.
_CURRENCY_AFTER = re.compile(
    r"\s?(?P<cur>[$£€]|(?:usd|aud|cad|mxn|eur|gbp|dollars?|dlls?|dls|bucks|roses?|rosas|pesos?|euros?|"
    r"pounds|quid|donations?|gifts?|(?<=\d)r)(?![^\W\d_]))", re.I)
_CURRENCY_LAST = "$£€dDrRpPnN"  # the last characters of _CURRENCY_BEFORE's currencies, in any case
_CURRENCY_CODES = {
    "$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "dll": "USD", "dlls": "USD",
    "dls": "USD", "bucks": "USD", "au$": "AUD", "a$": "AUD", "aud": "AUD", "ca$": "CAD", "c$": "CAD",
    "cad": "CAD", "mx$": "MXN", "mxn": "MXN", "peso": "MXN", "pesos": "MXN", "£": "GBP", "gbp": "GBP",
    "pounds": "GBP", "quid": "GBP", "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "rose": "rose", "roses": "rose", "rosas": "rose", "r": "rose",  # "100r hh": r glued to the amount
}

# A duration with its optional count. Counts of hours stay small so "150hh" is an amount and a unit.
# The lookahead lists every first character of the alternatives below: at any other position the
# match fails at once instead of trying each branch (speed only).
_DURATION = re.compile(
    r"(?<![^\W\d_])(?=[\dqhmoafwntups])(?:"
    r"(?P<qv>q\.?\s?v\.?|qk|ss|quick\s*(?:visit|v|session|one)s?|quickie|quicky)"
    r"|(?P<hh>h\.?\s?h\.?r?|hhr|(?:half|hlf|hafe|haf)\s*(?:an\s+)?(?:hour|hr|h)|1/2\s*(?:hour|hr|h)|media\s+hora)"
    r"|(?P<on>over\s*night|overnite|all\s*night|(?:(?:one|1|a|full|whole)\s*)?night|toda\s+la\s+noche|"
    r"(?:una\s+)?noche)"
    r"|(?P<min>(?<![\d.])\d{2,3})\s*(?:-\s*)?(?:minutes?|mins?|min|m(?![^\W\d_]))"
    # "150 for 30": a rate's usual lengths in minutes after "for" with no unit of their own (not
    # "for 30 years"; "for 30 min" is the branch above)
    r"|(?<=for\s)(?P<formin>15|20|30|45|60|90)(?![\d%$]|[.,]\d|[^\S\n]*(?:years?|yrs?|days?|weeks?|months?|miles?|mi|"
    r"people|persons?|guys|men|girls|minutes?|mins?|m|hours?|hrs?|h|roses?|dollars?|bucks|lbs?|kgs?)(?![^\W\d_]))"
    r"|(?:(?:(?P<hours>(?<![\d.])(?:1[0-2]|[1-9])(?:\.5|\s1/2)?)|(?P<one>one|an?|full|1st|una?|per))\s*(?:-\s*)?)?"
    r"(?P<hr>hours?|hrs?|h|horas?|fhr?)"
    r")(?![^\W\d_])",
    re.I,
)
# The same over lowered text (adtrace.text.lowered): re.I costs Python's engine ~30% more.
_DURATION_LOWER = re.compile(_DURATION.pattern)
# Speed (exact): every duration holds one of these where it is found, so a window without one holds
# none. Each branch starts with a letter and checks what precedes it afterwards, so the engine skips
# other characters in C; the whole search costs a fifth of _DURATION's over a window.
_L = r"[^\W\d_]"
_AFTER_H = r"(?:\.?\s?h\.?r?|hr|ours?|rs?|oras?)"
_HOUR_UNIT = rf"(?:h{_AFTER_H}?|fh)(?!{_L})"
_DURATION_GATE = re.compile(
    rf"q(?<!{_L}q)|h(?<!{_L}h)(?:alf|lf|afe?|{_AFTER_H}?(?!{_L}))"
    rf"|o(?<!{_L}o)(?:vernite(?!{_L})|ne{_HOUR_UNIT})|a(?<!{_L}a)n?{_HOUR_UNIT}|f(?<!{_L}f)(?:ull)?{_HOUR_UNIT}"
    rf"|f(?<!{_L}f)or\s(?:15|20|30|45|60|90)(?!\d)|1(?<!{_L}1)st{_HOUR_UNIT}|u(?<!{_L}u)na?{_HOUR_UNIT}|p(?<!{_L}p)er{_HOUR_UNIT}"
    rf"|n(?:ight|oche(?<!{_L}noche))|m(?<![^\d\s-]m)(?:inutes?|ins?)?(?!{_L})|s(?<!{_L}s)s(?!{_L})", re.I)
_DURATION_GATE_LOWER = re.compile(_DURATION_GATE.pattern)
# A number that could be money: not part of a phone, a date, a time, a decimal or a measurement.
_AMOUNT = re.compile(
    # The first digit comes first and the lookbehinds check the characters before it: a pattern that
    # starts with a character class lets the engine skip non-digits in C (speed only).
    r"(?P<n>\d(?<![\d'’#_]\d)(?<!\d[-.:,/\s]\d)(?:\d{0,2}(?:,\d{3})+|\d{1,4}|(?=(?:\.\d)?k)))"
    # cents, or thousands written "1k", "1.5k"
    r"(?:\.(?P<c>\d{2})|(?:\.(?P<kd>\d))?(?P<k>k)(?![^\W\d_]))?"
    r"(?!\d|[,.]\d|\s?[-.:]\s?\d|\s?/\s?\d(?!\d?\s*(?:min|m\b|hr|h\b))|\s\d{3}|[a-g]{1,3}\b|th\b|st\b|nd\b|rd\b|k\b|"
    r"\s?(?:%|['’\"″](?!\s?(?:hh|hr|h\b|qv|qk|ss\b|hour|half|min))|am\b|pm\b|a\.m|p\.m|lbs?\b|kgs?\b|kilos?\b|cm\b|ft\b|feet\b|miles?\b|mi\b|yo\b|y/o|"
    r"yrs?\s*old\b|years?\b|a[ñn]os\b|岁|dd+\b|[a-g]\s?cup))",
    re.I,
)
# Between an amount and a glued duration: nothing, "/", "per", "an", "a", "for", "for one", "each".
_GLUE_RIGHT = re.compile(r"\s?(?:/|['’]|per|x|for|each|the|la|por|a|an)?\s?(?:/\s?)?", re.I)
# What may sit between an amount and the duration it is for, on either side: punctuation, a few
# linking words ("hh: 120", "30 min special 100", "150 roses for 1 hr").
_FILLER = re.compile(
    r"(?=.{0,24}$)[\W_]*(?:(?:for|per|an?|each|special|only|just|rate|price|donation|is|"
    r"por|la|el|the|x)(?![^\W\d_])[\W_]*)*", re.I | re.S)
# A bare "h" is a letter unless it follows a number, a "/" or a currency ("150h", "150 h 250", "/h",
# "150 roses h").
_BARE_H_AFTER = re.compile(r"(?:\d\s?|/\s?|(?:roses?|\$|dollars|usd|€|£)\s?)$", re.I)
# ... or a label for the amount after it, in a rate list ("qv: 60 💋 h: 240").
_LABEL_AFTER = re.compile(r"[^\S\n]?[:=][^\S\n]?[$£€]?\d")
_DIGIT_RUNS = re.compile(r"\d(?:\d+|(?:\.\d)?[kK](?![^\W\d_]))")  # runs of two digits or more, "1k", "1.5k"
# Rate words that make an amount a price without currency or duration ("incall: 150").
_RATE_WORD = re.compile(
    r"(?:incall|outcall|in-call|out-call|rates?|donations?|special|price|cost|fee|tarifa|precio)s?"
    r"(?:\s+(?:is|are|start\s+at|starts\s+at|es|son))?\s*[:=\-]?\s*$", re.I)

# Speed (exact): what an amount needs to be a price when the text holds no duration. Every currency
# of _CURRENCY_BEFORE and _CURRENCY_AFTER ("pounds" alone marks no price) and every _RATE_WORD holds
# one of these literals (found with the other extractors' in one pass, adtrace.extractors.literals);
# "r" glued to a digit is the rose. Reading spelled amounts as digits adds none of them.
_MONEY_LITERALS = ("$", "£", "€", "usd", "aud", "cad", "mxn", "eur", "gbp", "dol", "dll", "dls", "buck", "rose",
                   "rosas", "peso", "quid", "donation", "gift", "incall", "outcall", "in-call", "out-call", "rate",
                   "special", "price", "cost", "fee", "tarifa", "precio")
register_gate("prices.money", _MONEY_LITERALS)
_DIGIT_R = re.compile(r"\d[rR]")


def _may_be_money(text: str, spelled: str) -> bool:
    """Whether `text` (`spelled`: with spelled amounts read as digits) holds a currency or a rate word
    (over-says: a literal inside another word counts)."""
    # No lowered form: a character whose case folding re.I treats otherwise; assume money.
    return lowered(text) is None or "prices.money" in present(text) or _DIGIT_R.search(spelled) is not None

_DISCOUNT_AFTER = re.compile(r"[^\S\n]*(?:off|discount|descuento)(?![^\W\d_])", re.I)
_DISCOUNT_BEFORE = re.compile(r"(?<![^\W\d_])(?:save|saving|discount(?:ed)?(?:[^\S\n]+(?:of|by))?)[^\S\n]*[:\-]?[^\S\n]*$",
                              re.I)


@dataclass(slots=True)
class _Dur:
    start: int
    end: int
    minutes: int


@dataclass(slots=True)
class _Amt:
    start: int  # the number, or its currency when there is one
    end: int
    amount: float
    currency: str | None
    marked: bool = False  # money by another name ("150 gifts"): a price, its currency unnamed


def _minutes(m: re.Match[str]) -> int:
    if m.group("qv"):
        return 15
    if m.group("hh"):
        return 30
    if m.group("on"):
        return OVERNIGHT_MINUTES
    if m.group("min"):
        return int(m.group("min"))
    if m.group("formin"):
        return int(m.group("formin"))
    hours = m.group("hours")
    if not hours:
        return 60
    return round((float(hours.split()[0]) + (0.5 if " " in hours else 0)) * 60)


def _durations(text: str, windows: list[tuple[int, int]]) -> list[_Dur]:
    out = []
    low = lowered(text)  # the case-sensitive patterns over it are exact and faster
    if low is not None:
        pattern, gate, src = _DURATION_LOWER, _DURATION_GATE_LOWER, low
    else:
        pattern, gate, src = _DURATION, _DURATION_GATE, text
    for m in (m for a, b in windows if gate.search(src, a, b) for m in pattern.finditer(src, a, b)):
        bare_h = m.group("hr") and not m.group("hours") and m.group("hr").lower() in ("h", "fh")
        if bare_h and not _BARE_H_AFTER.search(text, max(0, m.start() - 8), m.start()) \
                and not _LABEL_AFTER.match(text, m.end()):
            continue
        minutes = _minutes(m)
        if 5 <= minutes <= 24 * 60:
            out.append(_Dur(m.start(), m.end(), minutes))
    return out


def _amounts(text: str, durations: list[_Dur], windows: list[tuple[int, int]]) -> list[_Amt]:
    inside = [(d.start, d.end) for d in durations]
    out: list[_Amt] = []
    for m in (m for a, b in windows for m in _AMOUNT.finditer(text, a, b)):
        if any(s <= m.start() < e for s, e in inside):
            continue  # the count of a duration ("60 min", "2 hrs")
        raw = m.group("n").replace(",", "")
        amount = float(raw)
        if m.group("k"):
            amount = (amount + int(m.group("kd") or 0) / 10) * 1000
        if m.group("c"):
            amount += int(m.group("c")) / 100
        start, end = m.start(), m.end()
        currency = None
        before = _CURRENCY_BEFORE.search(text, max(0, start - 4), start) if _may_follow_currency(text, start) else None
        after = _CURRENCY_AFTER.match(text, end)
        if before:
            currency = _CURRENCY_CODES.get(before.group("cur").lower())
            start = before.start()
        elif after:
            currency = _CURRENCY_CODES.get(after.group("cur").lower())
            end = after.end()
        if len(raw) == 5 and after is None and before is None:
            continue  # a zip code or an id
        # "127 pounds" alone is a weight far more often than money: "pounds" names the currency of
        # an amount that is a price for another reason (a duration, a rate word), never makes one.
        weight_word = after is not None and after.group("cur").lower() == "pounds"
        out.append(_Amt(start, end, amount, currency, marked=before is not None or (after is not None and not weight_word)))
    return out


def _may_follow_currency(text: str, start: int) -> bool:
    """Speed (exact): whether _CURRENCY_BEFORE can end at `start`. A currency ends in one of
    _CURRENCY_LAST, followed by at most one space, or two when the second is a line break (there "$"
    also matches before a final newline)."""
    j = start - 1
    if j >= 0 and text[j].isspace():
        j -= 1
        if j >= 0 and text[start - 1] == "\n" and text[j].isspace():
            j -= 1
    return j >= 0 and text[j] in _CURRENCY_LAST


Price = tuple[float, str | None, int | None, tuple[int, int]]


def find_prices(text: str) -> list[Price]:
    """(amount, currency, per_minutes, view span) for each price, in source order: the notations above
    and rates written in Chinese (adtrace.extractors.prices_zh)."""
    found = _find_prices(text)
    zh = find_zh_prices(text, max_amount=MAX_AMOUNT, overnight_minutes=OVERNIGHT_MINUTES)
    return _merged(found, zh) if zh else found


def _merged(found: list[Price], zh: list[Price]) -> list[Price]:
    """Both readings; where they overlap, the Chinese one when it says more (a duration or a currency the
    other lacks: "$60/小时" is read above as $60 with no duration)."""
    out = list(found)
    for price in zh:
        (s, e), said = price[3], (price[1] is not None) + (price[2] is not None)
        clash = [p for p in out if p[3][0] < e and s < p[3][1]]
        if all(said > (p[1] is not None) + (p[2] is not None) for p in clash):
            out = [p for p in out if p not in clash] + [price]
    return sorted(out, key=lambda p: p[3])


def _find_prices(text: str) -> list[Price]:
    written, text = text, _spelled_amounts(text)
    windows = _windows(text)
    if not windows:
        return []
    durations = _durations(text, windows)
    if not durations and not _may_be_money(written, text):
        return []  # speed (exact): no duration, currency or rate word, so no amount is a price
    amounts = _amounts(text, durations, windows)
    out: list[tuple[float, str | None, int | None, tuple[int, int]]] = []
    for amt, dur in zip(amounts, _pair(text, amounts, durations), strict=True):
        minimum = 10 if amt.marked else MIN_AMOUNT
        if not minimum <= amt.amount <= MAX_AMOUNT:
            continue
        if dur is None and not amt.marked and not _RATE_WORD.search(text, max(0, amt.start - 20),
                                                                           amt.start):
            continue
        if _DISCOUNT_AFTER.match(text, amt.end) or _DISCOUNT_BEFORE.search(text, max(0, amt.start - 16), amt.start):
            continue  # "$20 off", "save $50": a discount, not a rate
        start, end = amt.start, amt.end
        if dur is not None:
            start, end = min(start, dur.start), max(end, dur.end)
        value = int(amt.amount) if amt.amount.is_integer() else amt.amount
        out.append((value, amt.currency, dur.minutes if dur else None, (start, end)))
    return out


# Amounts written with number words mixed in ("one20 roses", "two5O"): read as digits, in place.
# A digit with a letter on either side; digit first, so the engine skips the rest in C (speed only).
_GLUED_LETTER_DIGIT = re.compile(r"\d(?:(?<=[A-Za-z]\d)|(?=[A-Za-z]))")
_DIGIT_WORD = re.compile(trie_pattern(list(DIGIT_WORDS)), re.I)
_MIXED = re.compile(rf"(?:\d|{_DIGIT_WORD.pattern})+", re.I)
_MIXED_TOKEN = re.compile(rf"\d|{_DIGIT_WORD.pattern}", re.I)


_ONES = {w: int(d) for w, d in DIGIT_WORDS.items() if w.isascii() and len(w) >= 3 and d != "0"}
_TENS_VALUES = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                "eighty": 80, "ninety": 90}
_ONES_P = "|".join(sorted(_ONES, key=len, reverse=True))
_TENS_P = "|".join(sorted(_TENS_VALUES, key=len, reverse=True))
# Hundreds spelled out: "two hundred", "a hundred and fifty", "one fifty" (150), "two twenty five" (225).
_HUNDREDS = re.compile(
    rf"(?<![^\W\d_])(?P<h>{_ONES_P}|a)[\s-]+(?:hundred(?:[\s-]+(?:and[\s-]+)?(?:(?P<t1>{_TENS_P})"
    rf"(?:[\s-]*(?P<u1>{_ONES_P}))?|(?P<u0>{_ONES_P})))?|(?P<t2>{_TENS_P})(?:[\s-]*(?P<u2>{_ONES_P}))?)(?![^\W\d_])",
    re.I)


register_gate("prices.hundreds", ("hundred", "fifty", "twenty", "thirty", "forty", "fourty", "sixty", "seventy",
                                  "eighty", "ninety"))


def _spelled_hundreds(text: str) -> str:
    """`text` with hundreds spelled out ("two hundred roses", "one fifty hh") as digits, in place."""
    # Speed: most ads spell no hundreds; the words are looked for in the extractors' one pass (exact: the
    # gate is present when text.lower() holds one; ten substring tests cost ~3 µs per ad).
    if "prices.hundreds" not in present(text):
        return text
    out = text
    for m in _HUNDREDS.finditer(text):
        head = m.group("h").lower()
        if head == "a" and m.group("t2"):
            continue  # "a fifty" is no number
        value = (1 if head == "a" else _ONES[head]) * 100
        tens, ones = m.group("t1") or m.group("t2"), m.group("u0") or m.group("u1") or m.group("u2")
        value += (_TENS_VALUES[tens.lower()] if tens else 0) + (_ONES[ones.lower()] if ones else 0)
        out = out[:m.start()] + str(value).rjust(m.end() - m.start()) + out[m.end():]
    return out


def _spelled_amounts(text: str) -> str:
    """`text` with each word made of digits and spelled digits ("one20") replaced by its digits,
    and hundreds spelled out ("two hundred"), right-aligned and padded with spaces: the same length,
    so every offset still holds."""
    text = _spelled_hundreds(text)
    if _GLUED_LETTER_DIGIT.search(text) is None:
        return text
    out = text
    pos = 0
    for hit in _GLUED_LETTER_DIGIT.finditer(text):
        if hit.start() < pos:
            continue
        a, b = hit.start(), hit.end()
        while a > 0 and text[a - 1].isalnum():
            a -= 1
        while b < len(text) and text[b].isalnum():
            b += 1
        pos = b
        word = text[a:b]
        if word.isdigit() or _MIXED.fullmatch(word) is None:
            continue
        digits = "".join(t if t.isdigit() else DIGIT_WORDS.get(t.lower(), "?") for t in _MIXED_TOKEN.findall(word))
        if digits.isdigit() and len(digits) <= len(word):
            out = out[:a] + digits.rjust(len(word)) + out[b:]
    return out


def _windows(text: str) -> list[tuple[int, int]]:
    """Speed: only text near a run of two to five digits can hold a price or the duration it is for."""
    spans: list[tuple[int, int]] = []
    # Speed: plain comparisons, not max()/min() calls (~6 digit runs per real ad); merging compares
    # with the previous window's end, kept in a local.
    size = len(text)
    end = -1
    for m in _DIGIT_RUNS.finditer(text):
        a, b = m.span()
        a = a - 40 if a > 40 else 0
        b = b + 40 if b + 40 < size else size
        if a <= end:
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
        end = b
    return spans


def _led_by_duration(text: str, amt: _Amt, durations: list[_Dur], prev: _Amt | None) -> bool:
    """Whether a duration stands right before `amt` (only filler between), after the amount before it."""
    lo = prev.end if prev is not None else 0
    before = [d for d in durations if lo <= d.start and d.end <= amt.start]
    return bool(before) and _FILLER.fullmatch(text[before[-1].end:amt.start]) is not None


def _pair(text: str, amounts: list[_Amt], durations: list[_Dur]) -> list[_Dur | None]:
    """The duration of each amount: glued ones first, then one direction for the whole list.

    A rate list is written one way throughout: "qv 80 hh 120 hr 200" or "80 qv 120 hh 200 hr". Each
    amount may take the nearest free duration between it and its neighbour on one side; the side
    that explains more amounts wins (the shorter total gap breaks a tie).
    """
    n = len(amounts)
    if not durations or not n:
        return [None] * n
    glued: list[_Dur | None] = [None] * n
    for i, amt in enumerate(amounts):
        hi = amounts[i + 1].start if i + 1 < n else len(text)
        d = next((d for d in durations if d.start >= amt.end), None)
        if d is not None and d.end <= hi:
            gap = text[amt.end:d.start]
            # "150hh", "200/hr", "200 an hour" are glued; "200 hr" (a space only) is decided below.
            # A spaced " / " before a counted duration separates list items: "200 / 60 MIN 180 / 2 HRS 360"
            # is 60 minutes for 180 and two hours for 360, not 200 per 60 minutes.
            listed = " / " in gap and text[d.start].isdigit()
            # In a list written units first, a slash with a space after an amount ends its item:
            # "half hour 100/ hour 160/ outcall 200" is 100 for the half hour and 160 for the hour,
            # "HH 100 roses / H 160 roses" 100 for the half hour.
            listed = listed or (gap.strip() == "/" and gap != "/" and _led_by_duration(
                text, amt, durations, amounts[i - 1] if i else None))
            if len(gap) <= 9 and (gap == "" or gap.strip()) and _GLUE_RIGHT.fullmatch(gap) and not listed:
                glued[i] = d
    taken = {id(d) for d in glued if d is not None}
    left: list[_Dur | None] = [None] * n
    right: list[_Dur | None] = [None] * n
    gaps = [0, 0]
    for i, amt in enumerate(amounts):
        if glued[i] is not None:
            continue
        lo = amounts[i - 1].end if i else 0
        hi = amounts[i + 1].start if i + 1 < n else len(text)
        free = [d for d in durations if id(d) not in taken]
        before = [d for d in free if d.start >= lo and d.end <= amt.start]
        if before and _FILLER.fullmatch(text[before[-1].end:amt.start]):
            left[i] = before[-1]
            gaps[0] += amt.start - before[-1].end
        after = [d for d in free if d.start >= amt.end and d.end <= hi]
        if after and _FILLER.fullmatch(text[amt.end:after[0].start]):
            right[i] = after[0]
            gaps[1] += after[0].start - amt.end
    n_left = sum(d is not None for d in left)
    n_right = sum(d is not None for d in right)
    chosen = left if (n_left, -gaps[0]) >= (n_right, -gaps[1]) else right
    # Two amounts for one duration ("1h - 300 roses 350 roses": incall, outcall) share it.
    step = 1 if chosen is left else -1
    for i in range(n) if step == 1 else range(n - 1, -1, -1):
        j = i - step
        if chosen[i] is None and glued[i] is None and 0 <= j < n and chosen[j] is not None:
            a, b = (amounts[j], amounts[i]) if step == 1 else (amounts[i], amounts[j])
            between = text[a.end:b.start]
            if len(between) <= 6 and not between.strip(" ,/&|-"):
                chosen[i] = chosen[j]
    return [g if g is not None else c for g, c in zip(glued, chosen, strict=True)]


def _run(ctx: Context) -> None:
    view = ctx.view
    for amount, currency, minutes, (start, end) in find_prices(view.text):
        ctx.add("prices", {"amount": amount, "currency": currency, "per_minutes": minutes,
                           "span": list(view.span(start, end))})
    ctx.record.setdefault("prices", [])


register(Extractor("prices", _run, assigns=("prices",)))

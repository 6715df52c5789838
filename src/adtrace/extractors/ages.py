"""The poster's age: "19yo", "age: 19", "I'm 17", "tengo 19 años", "22岁", "nineteen years old".

Ages under 18 are kept: a minor in an ad is a victim and the strongest signal we have.

How: a number (digits or a spelled cardinal) only counts with an age cue next to it — a suffix
("yo", "years old", "años", "岁"), a prefix ("age", "edad", "I'm", "tengo", "年龄"), or the classified-ad
title convention "... - 21" at the end of a line. What is never the poster's age: heights (5'4"),
times (10pm), cup sizes and measurements (34C, 36-24-36), weights, prices, phone digits, "24/7",
"18+" disclaimers ("must be 18 years or older"), dates, road and exit numbers ("off the 10 fwy"),
ids, distances and counts ("I'm 14 blocks away", "Massage 16 girls"), and the ages of wanted clients ("men 40+", "gentlemen over 35", "men ages 35-60 welcome").
A range with an age cue gives both ends ("women aged 19 to 30"); a title that ends in " - NN" after
a phone number or the age itself ("555-0147 - 21", "21 - 21 - 21") gives NN. Range 12-70.
"""

from __future__ import annotations

import itertools
import re

from adtrace.extractors.base import Context, Extractor, entity
from adtrace.extractors.literals import present, register_gate
from adtrace.extractors.registry import register
from adtrace.text.lowered import lowered
from adtrace.text.numbers import CARDINAL_PATTERN, cardinal_value

MIN_AGE = 12
MAX_AGE = 70
BARE_YEARS_MIN = 18  # "23 yrs" with no "old": below this it is more often a duration than an age

# Two digits not glued to other digits, money, a clock or a height; CJK text may touch them ("今年22岁").
_NUM = r"(?<![\d$£€#.,/'’A-Za-z_])(?<!\d[:\-])(?P<n>\d{2})(?![\d'’\"″]|[.,:/]\d)"
_WORD = rf"(?<![^\W\d_])(?P<w>{CARDINAL_PATTERN})(?![^\W\d_])"
_VALUE = rf"(?:{_NUM}|{_WORD})"

# After the number: "yo", "y/o", "y.o.", "yrs old", "years young", "year-old", "años", "añitos", "岁".
_SUFFIX = (r"(?:\s*-?\s*(?:y\s*/\s*o|y\.\s*o\.?|yo|yrs?\.?\s*old|years?[\s-]*(?:old|young)|yr[\s-]*old"
           r"|years?\s+of\s+age|a[ñn](?:os|itos)|岁|歲)(?![^\W\d_])|\s*(?:岁|歲)"
           # "23 yrs" with nothing after it but a separator or the line's end: an age only from 18 on
           # (a bare "yrs" is also a duration: "15 yrs," of a career must not read as a minor)
           r"|[^\S\n]?(?P<bare>yrs?\.?)(?![^\W\d_])(?=[^\S\n]*(?:[,;!|/)•*~+]|-(?![^\S\n]*\d)|\n|$)))")
# Before the number: "age: 19", "aged 19", "edad 22", "I'm 19", "im a 19", "tengo 19", "i am just 19".
_PREFIX = (r"(?:(?<![^\W\d_])(?:age|aged|edad|my\s+age\s+is|tengo)(?![^\W\d_])\s*(?:is\s+)?[:：=\-]?\s*"
           # Chinese "age (is)": 年龄, 芳龄 (a young woman's age), 年纪; Han text has no spaces, so no boundary
           r"|(?:年龄|芳龄|年纪)\s*是?\s*[:：=]?\s*"
           r"|(?<![^\W\d_])(?:i\s*['’`]?\s*m|i\s+am|iam|i\s+was|i\s+turned|(?:i\s+)?just\s+turned)\s+"
           r"(?:(?:a|only|just|now|barely|about|around|almost|nearly|still)\s+)?)")

_AGE_SUFFIXED = re.compile(rf"{_VALUE}(?P<suffix>{_SUFFIX})", re.I)
_AGE_PREFIXED = re.compile(rf"(?P<prefix>{_PREFIX}){_VALUE}", re.I)
# The same, anchored at one two-digit number (the common case, much cheaper than scanning).
_AT_NUMBER_SUFFIXED = re.compile(rf"{_NUM}(?P<suffix>{_SUFFIX})", re.I)
_AT_NUMBER_SUFFIXED_LOWER = re.compile(_AT_NUMBER_SUFFIXED.pattern)  # over lowered text: no re.I, faster
_PREFIX_BEFORE = re.compile(rf"(?P<prefix>{_PREFIX})$", re.I)
# A self-introduction with the name before the age: "I'm Sasha, 19", "soy Ana, 22", "Vanessa here, 17".
# Lookaheads of their alternatives' first letters (speed only: at another character the search fails at
# one test instead of one per alternative; the same matches, tests/extractors/test_ages_title_lookahead.py).
NAMED_FIRST = "(?=[cimst]|(?-i:[A-Z]))"
_NAMED_BEFORE = re.compile(
    NAMED_FIRST +
    r"(?:(?<![^\W\d_])(?:i\s*['’`]?\s*m|i\s+am|soy|me\s+llamo|my\s+name\s+is|call\s+me|this\s+is|it\s*['’]?s)"
    r"\s+(?-i:[A-Z][^\W\d_]+)|(?-i:[A-Z][^\W\d_]+)\s+here)[^\S\n]*[,\-–—][^\S\n]*$", re.I)
# A line holding nothing but symbols up to a point: read from the line's start (searching backwards
# for it with "$" tried every start, ~12 µs per call).
_NO_WORD_RUN = re.compile(r"[^\w\n]*")
_NAMED_BAD_AFTER = re.compile(r"[^\S\n]*(?:/|\d)")
# Ad titles name the worker then her age: "Sasha 19 🔥 Orlando" — first line only, a capitalised word
# that is not a label for something else (rooms, routes, rankings).
_TITLE_NAME_AGE = re.compile(r"(?<![^\W\d_])(?P<name>[A-Z][a-z]+)[^\S\n]*,?[^\S\n]+$")
_TITLE_NOT_NAMES = frozenset({"Top", "Room", "Suite", "Exit", "Highway", "Route", "Hwy", "Best", "Only", "Apt", "No",
                              "Unit", "Age", "Ages", "Over", "Under", "Men", "Day", "Days", "Week", "Weeks", "Hour",
                              "Hours", "Min", "Mins", "Floor", "Street", "St", "Ave", "Mile", "Miles", "Size",
                              "Just", "Now", "Since", "Year", "Years", "Level", "Vol", "Part", "Page", "The", "Ext",
                              "Pic", "Pics", "Photo", "Photos", "Number", "Id", "Post", "Ref", "Ad", "Lot", "Gate",
                              "Station", "Terminal", "Interstate", "Fwy", "Freeway", "Blvd", "Rd", "Road", "Lane",
                              "Step", "Chapter", "Volume", "Channel", "Ch", "Ward", "District", "Zone", "Area",
                              # labels of a numbered thing: "Pier 17", "Bus 14", "Season 12"
                              "Pier", "Bus", "Line", "Version", "Season", "Building", "Bldg", "Episode", "Track",
                              "Platform", "Dock", "Box", "Table", "Seat", "Row", "Section", "Phase", "Grade", "Class",
                              "Stage", "Round", "Game", "Group", "Team", "Plan", "Code", "Model", "Hi", "Hey", "Hello"})
# Calendar and clock words: a number after them is a date or a time ("Aug 12", "Sunday 15",
# "Tonight 11"), never an age, whatever the pattern that saw it.
_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
           r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto"
           r"|se?ptiembre|octubre|noviembre|diciembre")
_CALENDAR_WORD = re.compile(
    rf"(?:{_MONTHS}|(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?|today|tonight|tomorrow|"
    r"yesterday|noon|midnight|morning|afternoon|evening|night|weekend)\.?", re.I)
_NUM_AT = re.compile(_NUM)
_CAPITALISED = re.compile(r"(?<![^\W\d_])[A-Z][^\W\d_]+")
# A count noun after a title's "Name NN" makes NN a count, not her age ("Massage 16 girls", "Spa 12
# rooms", "Hollywood 15 reviews", "Hi 13 new girls").
_COUNT_AFTER = re.compile(
    r"[^\S\n]*(?:(?:new|more|hot|sexy|beautiful|different|real|private|5[^\S\n]?star|star)[^\S\n]+)?"
    r"(?:girls?|ladies|lady|women|chicas|models?|rooms?|beds?|tables?|pics?|pictures?|photos?|reviews?|stars?|"
    r"therapists?|masseuses?|staff|locations?|spots?|services?|styles?|positions?|choices?|options?|days?|"
    r"hours?|years?|minutes?|mins?|spas?|private|booths?|suites?|units?|floors?|beds?|people|guys|men|clients?|"
    r"customers?|friends?|videos?|likes?|followers?)(?![^\W\d_])", re.I)
_TITLE_DASH_BEFORE = re.compile(r"[-–—][^\S\n]*$")
_EXPERIENCE = re.compile(r"\s*(?:de\s+)?experiencia", re.I)
# Classified-ad titles end in the poster's age: "Sweet and new in town - 21" at the end of a line;
# also when a scraper ran the title into the next field ("... town - 21 Location: ..."), but then
# not after a rate word ("hh - 80 Incall" is a price). A site appends " - NN" to whatever the title
# ends with, a phone number or the age itself ("555-0147 - 21", "21 - 21 - 21"): see _titles.
# The lookahead holds what both branches start with, a character, horizontal space, a dash (speed only:
# most positions fail at its dash test instead of trying both branches; the same matches, tested in
# tests/extractors/test_ages_title_lookahead.py).
TITLE_AGE_AHEAD = r"(?=[^\n][^\S\n]*[-–—])"
_TITLE_AGE = re.compile(
    TITLE_AGE_AHEAD + r"(?:[^\d\s][^\S\n]*|(?P<digit>\d)[^\S\n]+)[-–—](?:[^\S\n]*[-–—])*[^\S\n]*(?P<n>\d{2})[^\S\n]*$",
    re.M)
_DASH_RUN = frozenset(" \t-–—")
_TITLE_END = re.compile(r"\d\d[^\S\n]*(?:\n|\Z)")  # two digits that end a line ("$" of _LINE_END: \Z or "\n")
_CUP_BEFORE = re.compile(r"\d\d[^\S\n]?[a-hA-H]{1,3}[^\w\n]*$")  # "36DD - 24 - 36" is a measurement
_DIGITS_BEFORE = re.compile(r"[\d\-.()/ ]*\d(?=[^\S\n]*$)")
# The word right before the title's dash that makes the number a requirement or a date, not her age.
_TITLE_NOT_AGE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:over|under|ages?|between|least|older|younger|above|below|minimum|min)\W*$", re.I)
_TITLE_AGE_RUN_ON = re.compile(
    r"(?<![^\W\d_])(?!(?i:hh|hr|hrs|hour|qv|min|mins|rate|rates|special|only|just|incall|outcall)[^\w])"
    # Possessive (speed, ~2x): a run of letters can only be followed by the space the pattern needs at
    # its very end, so giving characters back never helps (a test compares with the backtracking form).
    r"[^\W\d_]++[^\W\d]*+[^\S\n]+[-–—][^\S\n]*(?P<n>\d{2})(?=[^\S\n]+[A-Z])", re.M)
# What every _TITLE_AGE_RUN_ON match holds from its dash on (speed, exact: a window without it holds
# no such match; a dash first lets the engine skip other characters in C). Title ages at a line's end
# are followed by a line break, not by a capital: ~98 % of backpage-dev windows skip the run-on scan.
_RUN_ON_GATE = re.compile(r"[-–—][^\S\n]*\d\d[^\S\n]+[A-Z]")

# A range with an age cue gives both ends: "women aged 19 to 30", "ages 21-40", "19~23 yrs old"
# (unless it follows a client word: "men ages 35-60 welcome" is who she sees).
_RANGE = (r"(?<![\d$£€#.,/'’A-Za-z_])(?P<a>\d{2})[^\S\n]*(?:[-–—~]|to|a|y|and|&)[^\S\n]*(?P<b>\d{2})"
          r"(?![\d'’\"″]|[.,:/]\d)")
_RANGE_AT = re.compile(_RANGE, re.I)
_RANGE_SUFFIXED = re.compile(rf"{_RANGE}(?P<suffix>{_SUFFIX})", re.I)
_RANGE_CUE = (r"(?<![^\W\d_])(?:aged?|ages|edad(?:es)?)[^\S\n]*(?:(?:of|from|between|entre|de)[^\S\n]+)?"
              r"[:=]?[^\S\n]*")
_RANGE_CUE_BEFORE = re.compile(rf"{_RANGE_CUE}$", re.I)
_RANGE_PREFIXED = re.compile(rf"{_RANGE_CUE}{_RANGE}", re.I)
_RANGE_NEXT = re.compile(r"[^\S\n]*(?:[-–—~]|to|a|y|and|&)[^\S\n]*\d\d(?!\d)", re.I)

# After any age-like number: a range, a lower bound or "and up" make it a requirement, not an age.
_RANGE_AFTER = re.compile(
    r"\s*(?:\+|[-–—~]\s*\d|to\s+\d|(?:and|&|or)\s+(?:up|over|older|above|mayor)|y\s+m[aá]s"
    r"|以上|以下|[至到]\s*\d)", re.I)  # Chinese "and over", "and under", "to"
# Right after a prefixed number, these make it a time, a size, a weight or money.
_NOT_AGE_AFTER = re.compile(
    r"(?:[a-h]{1,3}s?\b|th\b|st\b|nd\b|rd\b|s\b|'s\b|\s*%|\s*[$£€]|\s*x\s*\d|\s*[a-h]?\s*cup\b|"
    r"\s[a-h]{1,3}\s?[-–—/]\s?\d|[:/.]\d|"
    r"\s*(?:am|pm|a\.m|p\.m|hrs?|hours?|h|min|mins|minutes|lbs?|kg|pounds|inch(?:es)?|cm|ft|feet|miles?|"
    r"dollars?|bucks|roses?|usd|dd|ddd|o['’]?\s?clock|noon|midnight|fwy|freeway|hwy|highway|exit|street|ave|avenue|blvd|road|interstate|"
    # distances and counts of places ("I'm 14 blocks away", "15 away", "tengo 15 minutos")
    r"blocks?|cuadras?|kms?|kilomet(?:er|re)s?|kil[oó]metros?|mi|millas?|yards?|yds?|met(?:er|re)s?|metros?|"
    r"stops?|floors?|pisos?|doors?|exits?|streets?|minutos?|horas?|away|lejos|"
    rf"{_MONTHS})\b)",
    re.I,
)
# Words shortly before a number that make it a requirement or a client's age, not the poster's.
CLIENT_FIRST = "(?=[abcgmouy])"
_CLIENT_BEFORE = re.compile(
    CLIENT_FIRST +
    r"(?<![^\W\d_])(?:must\s+be|at\s+least|over|under|older\s+than|younger\s+than|above|below|men|gentlemen|gents|guys|"
    r"clients?|you\s*['’]?re|you\s+are|customers?|between|ages|mayores?\s+de|minimum|min\.?)\W*(?:\w+\W+)?$",
    re.I,
)
# Spelled numbers are often durations or counts: after a prefix, refuse units; alone, keep 13-29
# when nothing word-like follows ("Sweet Nineteen!").
_SPELLED_BAD_AFTER = re.compile(r"\s*(?:min|minutes|hours?|hrs?|dollars|roses|bucks|%)", re.I)
# A spelled number with no cue at all ("Sweet Nineteen!") is her age only from 18 on: under it, it
# is as often a time or a count ("be there in fifteen.", "top fourteen."), and a minor must never be
# invented; after a time or count word it is no age at all.
SPELLED_ALONE_MIN = 18
_SPELLED_ALONE_BAD_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:in|till|til|until|by|at|for|about|around|after|before|of|top|me|wait|within|every|"
    r"on|than|have|has|had|rated|chapter|room|suite|number|no\.?)[^\S\n]+$", re.I)
_SPELLED_ALONE = re.compile(rf"(?<![$\w])(?P<w>{CARDINAL_PATTERN})(?![^\W\d_])(?=[^\S\n]*(?:[!.,;)*~\n]|$))",
                            re.I)

# Speed: the patterns run only in windows around two-digit numbers, unless a spelled cardinal of 12
# or more may be present (rare), when they scan the whole text.
_TWO_DIGITS = re.compile(r"\d(?<!\d\d)\d(?!\d)")  # digit first: the engine skips to digits in C
_SPELLED_STEMS = ("teen", "twenty", "thirty", "forty", "fourty", "fifty", "sixty", "doce", "trece", "catorce",
                  "quince", "dieci", "veint", "treinta", "cuarenta", "cincuenta")
# Any stem, found with the other extractors' literals in one pass (adtrace.extractors.literals).
register_gate("ages.spelled", _SPELLED_STEMS)
# What every _PREFIX match holds, searched case-sensitively in lowered text (adtrace.text.lowered):
# each branch starts with a letter, so the engine skips other characters in C (speed only).
_PREFIX_GATE = re.compile(r"age|edad|tengo|年龄|芳龄|年纪|i(?<![^\W\d_]i)(?:\s*['’`]?\s*m|\s+(?:am|was|turned|just)|am)|just\s+turned")
_LINE_END = re.compile(r"[^\S\n]*(?:\n|$)")
# What _NAMED_BEFORE and _TITLE_NAME_AGE both need right before the number (a line break too: their
# "$" also matches before a final newline).
_SPACE_OR_SEP = re.compile(r"[\s,\-–—]")
_SEPARATORS = frozenset(",-–—")
_TITLE_LAST = frozenset("abcdefghijklmnopqrstuvwxyz,")


def _value(m: re.Match[str]) -> int | None:
    groups = m.groupdict()
    if groups.get("n"):
        return int(groups["n"])
    return cardinal_value(groups["w"]) if groups.get("w") else None


def _line_start(text: str, end: int) -> bool:
    """Whether nothing but symbols stand between the start of the line and `end`."""
    return _NO_WORD_RUN.fullmatch(text, text.rfind("\n", 0, end) + 1, end) is not None


def _client_context(text: str, start: int) -> bool:
    return bool(_CLIENT_BEFORE.search(text, max(0, start - 30), start))


def find_ages(text: str) -> list[tuple[int, tuple[int, int]]]:
    """(age, view span) for each age mention, in source order; overlapping mentions counted once."""
    found: list[tuple[int, tuple[int, int]]] = []
    low = lowered(text)  # cached: other extractors lower the same text
    if "ages.spelled" in present(text):
        _scan(text, found)  # spelled numbers (rare): scan the whole text
        return _dedupe(found)
    numbers = list(_TWO_DIGITS.finditer(text))
    if not numbers:
        return found
    first_line_end = text.find("\n") if "\n" in text else len(text)
    for n in numbers:
        start = n.start()
        plain = _NUM_AT.match(text, start) is not None
        # _AT_NUMBER_SUFFIXED starts with _NUM: it can only match a plain number.
        m = (_AT_NUMBER_SUFFIXED.match(text, start) if low is None else _AT_NUMBER_SUFFIXED_LOWER.match(low, start)) \
            if plain else None
        if m:
            _suffixed(text, m, found)
        window = max(0, start - 24)
        maybe_prefix = plain and (low is None or _PREFIX_GATE.search(low, window, start) is not None)
        p = _PREFIX_BEFORE.search(text, window, start) if maybe_prefix else None
        if p:
            _prefixed(text, int(n.group(0)), p.start(), n.end(), p.group("prefix"), False, found)
        if plain and _RANGE_NEXT.match(text, n.end()):
            r = _RANGE_SUFFIXED.match(text, start)
            cue = _RANGE_CUE_BEFORE.search(text, max(0, start - 30), start) if r is None else None
            r = r or (_RANGE_AT.match(text, start) if cue else None)
            if r:
                _range(text, r, r.start() if cue is None else cue.start(), found)
        if _NAMED_BAD_AFTER.match(text, n.end()):
            continue  # "Candy 20/hr", "24 7"
        # Speed: both patterns below end in horizontal space (or a separator) right before the number.
        spaced = start > 0 and _SPACE_OR_SEP.match(text, start - 1) is not None
        if spaced and plain:
            # Both need a certain character before the number and the horizontal space before it:
            # _NAMED_BEFORE a separator, _TITLE_NAME_AGE a lower-case letter or a comma (speed only).
            j = start - 1
            while j >= 0 and text[j] != "\n" and text[j].isspace():
                j -= 1
            last = text[j] if j >= 0 else ""
            named = _NAMED_BEFORE.search(text, max(0, start - 40), start) if last in _SEPARATORS else None
            if named and not any(w in _TITLE_NOT_NAMES or _CALENDAR_WORD.fullmatch(w)
                                 for w in _CAPITALISED.findall(named.group(0))):  # "I'm Route-12"
                _prefixed(text, int(n.group(0)), named.start(), n.end(), "i", False, found)
            t = _TITLE_NAME_AGE.search(text, max(0, start - 30), start) \
                if j < start - 1 and last in _TITLE_LAST else None
            # In the title, or as a header line of its own ("🌹 Unique 17 🌹").
            header = t is not None and (start < first_line_end or _line_start(text, t.start()))
            if t and header and t.group("name") not in _TITLE_NOT_NAMES and int(n.group(0)) < 40 \
                    and not _CALENDAR_WORD.fullmatch(t.group("name")) and not _COUNT_AFTER.match(text, n.end()):
                _prefixed(text, int(n.group(0)), t.start(), n.end(), "title", False, found)
        if _TITLE_DASH_BEFORE.search(text, max(0, start - 6), start):
            _titles(text, max(0, start - 40), min(len(text), n.end() + 3), found)
    return _dedupe(found)


def _scan(text: str, found: list[tuple[int, tuple[int, int]]]) -> None:
    for m in _AGE_SUFFIXED.finditer(text):
        _suffixed(text, m, found)
    for m in _AGE_PREFIXED.finditer(text):
        value = _value(m)
        if value is not None:
            _prefixed(text, value, m.start(), m.end(), m.group("prefix"), bool(m.group("w")), found)
    for r in itertools.chain(_RANGE_SUFFIXED.finditer(text), _RANGE_PREFIXED.finditer(text)):
        _range(text, r, r.start(), found)
    _titles(text, 0, len(text), found)
    for m in _SPELLED_ALONE.finditer(text):
        value = cardinal_value(m.group("w"))
        if value is not None and SPELLED_ALONE_MIN <= value <= 29 and not _client_context(text, m.start()) \
                and not _SPELLED_ALONE_BAD_BEFORE.search(text, max(0, m.start() - 16), m.start()):
            found.append((value, (m.start(), m.end())))


def _suffixed(text: str, m: re.Match[str], found: list[tuple[int, tuple[int, int]]]) -> None:
    value = _value(m)
    if value is None or _client_context(text, m.start()) or _RANGE_AFTER.match(text, m.end()):
        return
    if m.group("bare") and value < BARE_YEARS_MIN:
        return
    # "5 años de experiencia" is work history, not age.
    if "a" in m.group("suffix").lower()[:4] and _EXPERIENCE.match(text, m.end()):
        return
    found.append((value, (m.start(), m.end())))


def _range(text: str, m: re.Match[str], start: int, found: list[tuple[int, tuple[int, int]]]) -> None:
    a, b = int(m.group("a")), int(m.group("b"))
    if a >= b or _client_context(text, start):
        return
    if m.groupdict().get("bare") and a < BARE_YEARS_MIN:
        return  # "10-15 yrs" is a duration
    found.append((a, (start, m.end("a"))))
    found.append((b, (m.start("b"), m.end())))


def _prefixed(text: str, value: int, start: int, end: int, prefix: str, spelled: bool,
              found: list[tuple[int, tuple[int, int]]]) -> None:
    if _NOT_AGE_AFTER.match(text, end) or _RANGE_AFTER.match(text, end):
        return
    if spelled and _SPELLED_BAD_AFTER.match(text, end):
        return
    if value < 18 and prefix.lower().startswith("just"):
        return  # "just turned 12" without "I": a clock or someone else ("my son just turned 16")
    # "I'm 19" speaks for the poster whatever came before ("hi guys, I'm 19").
    if not prefix.lower().startswith("i") and _client_context(text, start):
        return
    found.append((value, (start, end)))


def _titles(text: str, a: int, b: int, found: list[tuple[int, tuple[int, int]]]) -> None:
    first_line_end = text.find("\n")
    run_on = _TITLE_AGE_RUN_ON.finditer(text, a, b) if _RUN_ON_GATE.search(text, a, b) else ()
    # Speed (exact): a _TITLE_AGE match is kept only when its number ends a line of the whole text
    # (_LINE_END below), so a window without two digits there holds none (519 of the 3,625 windows of
    # backpage-dev; the dash between a phone number's groups brings most of them here).
    end = _TITLE_END.search(text, a)
    at_end = _TITLE_AGE.finditer(text, a, b) if end is not None and end.start() + 2 <= b else ()
    for m in itertools.chain(at_end, run_on):
        value = int(m.group("n"))
        if m.re is _TITLE_AGE and not _LINE_END.match(text, m.end("n")):
            continue  # "$" matched the window's end, not the line's
        if value < 18:  # list numbering ends lines too
            continue
        dash = m.start("n")  # the start of the run of dashes and spaces before the number
        while dash > 0 and text[dash - 1] in _DASH_RUN:
            dash -= 1
        if dash > 0 and text[dash - 1].isalnum() and not any(ch.isspace() for ch in text[dash:m.start("n")]):
            continue  # glued on both sides: a road or a code ("I-18", "Route-66"), not " - 21"
        if _TITLE_NOT_AGE_BEFORE.search(text, max(0, dash - 30), dash) or _CUP_BEFORE.search(text, max(0, dash - 12),
                                                                                               dash):
            continue
        if m.re is _TITLE_AGE and m.group("digit"):
            # A number before the dash: only in the title, and only a phone-like run ("555-0147 - 21")
            # or the same age again ("21 - 21"); another short number makes a range or a date.
            if 0 <= first_line_end < m.start():
                continue
            run = _DIGITS_BEFORE.search(text, max(0, dash - 20), dash)
            if run is None:
                continue
            digits = re.sub(r"\D", "", run.group(0))
            repeated = all(x == m.group("n") for x in re.findall(r"\d+", run.group(0))) \
                and not _CUP_BEFORE.search(text, max(0, run.start() - 12), run.start())  # not "28A - 30 - 30"
            if not repeated and len(digits) < 7:
                continue
        found.append((value, (m.start("n"), m.end("n"))))


def _dedupe(found: list[tuple[int, tuple[int, int]]]) -> list[tuple[int, tuple[int, int]]]:
    found.sort(key=lambda f: (f[1][0], -f[1][1]))
    out: list[tuple[int, tuple[int, int]]] = []
    for value, span in found:
        if not MIN_AGE <= value <= MAX_AGE:
            continue
        if out and span[0] < out[-1][1][1]:
            # Same evidence matched by two patterns ("tengo 19 años"): one mention over their union.
            last_value, last_span = out[-1]
            if value == last_value and span[1] > last_span[1]:
                out[-1] = (value, (last_span[0], span[1]))
            continue
        out.append((value, span))
    return out


def _run(ctx: Context) -> None:
    view = ctx.view
    for value, (start, end) in find_ages(view.text):
        ctx.add("ages", entity(value, view.span(start, end)))
    ctx.record.setdefault("ages", [])


register(Extractor("ages", _run, assigns=("ages",)))

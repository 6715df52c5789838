"""Digit runs that are stamps, not contact numbers: dates, clock times, heights, labelled ids, "24/7".

Site chrome puts a date-time and a post id above nearly every ad ("Posted: 2024-03-24 17:41",
"Post ID: 3213297612"); read as digits they join into a valid-looking phone (2024 03 24 17 → +1 202
403 2417) or are one (a ten-digit id starting like an area code). `stamp_spans` finds them so the
phone extractor can drop their digits before it chains units.

Every form is guarded on both sides: a "date" that continues into more digits across a separator
("70.25.55.0147", "7'0'2'5...") is a number written with separators, not a stamp.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
           r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto"
           r"|se?ptiembre|octubre|noviembre|diciembre")
# Speed: one scan, from digits (the engine skips to them in C); a digit run that is no numeric form
# but could be a day or an id is a candidate, judged in Python on the few characters around it.
# After the first digit: it may not follow a digit, nor a digit and one separator (the form would then
# be the tail of a longer number).
_DIGITS = re.compile(
    r"\d(?<!\d\d)(?<!\d[-./:'’]\d)(?:"
    # "24/7", around the clock: after a number it would run on into it ("702 555 0147 24/7")
    r"(?<=2)(?P<always>4[^\S\n]?/[^\S\n]?7)(?![-./]?\d)|"
    # ISO 2024-03-24 (also with / or .), the same separator twice
    r"\d\d\d(?P<iso>[-/.])\d\d?(?P=iso)\d\d?(?![-./]?\d)"
    # US or European 03/24/2024, 24.03.24, 3-24-2024: day and month in either order
    r"|\d?(?P<us>[-/.])\d\d?(?P=us)\d\d(?:\d\d)?(?![-./]?\d)"
    # a clock time 17:41, 9:05:30 (not 702:555:0147: at most two digits before the colon)
    r"|\d?(?P<time>:)[0-5]\d(?::[0-5]\d)?(?![:\d])"
    # a height 5'7, 5’ 7", 6 ft 3 (not 7'0'2'5...: no further separator and digit after it)
    r"|(?P<height>[^\S\n]?(?:['’]|ft\b|feet\b))[^\S\n]?\d\d?(?!\d)(?![^\S\n]?['’][^\S\n]?\d)"
    # a candidate: a run right after a letter or a sign that can end a month name or an id cue, or
    # at a line start ("1 January 2022" above the ad)
    r"|(?:(?<=[^\W\d_]\d)|(?<=[#:.;,]\d)|(?<=[^\W\d_][^\S\n]\d)|(?<=[#:.;,][^\S\n]\d)|(?<=^\d)|(?<=\n\d))\d*(?:-\d+)*"
    r")"
)
_INTS = re.compile(r"\d+")
# Month-name dates: "August 7, 2024", "Aug 7th", "7 March 2024". A day with no year may not run on
# into a digit group ("May 12 702 555 0147" is no date: a word, then a number).
_MONTH_BEFORE = re.compile(rf"(?<![^\W\d_])(?:{_MONTHS})\.?,?[^\S\n]+$", re.I)
_MONTH_DAY_TAIL = re.compile(
    r"(?:st|nd|rd|th)?(?:,?[^\S\n]+(?:19|20)\d\d(?!\d)|(?!\d)(?![^\S\n]*[-.(]?[^\S\n]*\d{3}))", re.I)
_MONTH_AFTER = re.compile(rf"(?:st|nd|rd|th)?[^\S\n]+(?:of[^\S\n]+|de[^\S\n]+)?(?:{_MONTHS})(?![^\W\d_])\.?"
                          r"(?:,?[^\S\n]+(?:de[^\S\n]+)?(?:19|20)\d\d(?!\d))?", re.I)
# A post, ad, listing or reference id: a cue word, then a label ("ID", "#", "No.", "number") or a
# colon, then the digits. A bare word ("my ad 702...") is no cue; neither is a platform's "ID"
# ("Line ID: 7025550147" may be a phone): a bare "ID" counts only at the start of a line or after a
# separator. Scraped text keeps "&nbsp;" and written-out "\n" escapes around chrome: a space, a line
# start.
_SP = r"(?:[^\S\n]|&nbsp;)"
_ID_BEFORE = re.compile(
    r"(?:(?P<cue>post(?:ing)?|ad|listing|ref(?:erence)?)"
    rf"(?:{_SP}*(?:id|#|no\.?|num(?:ber)?){_SP}*[:#.]?|{_SP}*[:#])|id{_SP}*[:#]){_SP}*$", re.I)
_LINE_START = re.compile(r"(?:^|[\n|•*~\-–—:,;>]|\\n)(?:[^\S\n]|&nbsp;)*$")


def _calendar(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def _numeric_ok(m: re.Match[str]) -> bool:
    if m.group("always"):
        return True
    n = [int(x) for x in _INTS.findall(m.group(0))]
    if m.group("iso"):
        return 1900 <= n[0] <= 2099 and _calendar(n[2], n[1])
    if m.group("us"):
        y = m.group(0)[-4:]
        return (not y.isdigit() or 1900 <= int(y) <= 2099) and (_calendar(n[1], n[0]) or _calendar(n[0], n[1]))
    if m.group("time"):
        return n[0] <= 24
    return 4 <= n[0] <= 7 and n[1] <= 11


def _word_start(text: str, start: int) -> bool:
    """No letter right before `start`, or a written-out "\\n" escape."""
    return start == 0 or not text[start - 1].isalpha() or text[max(0, start - 2):start] == "\\n"


def _candidate(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The stamp a candidate digit run belongs to: a month-name date around it, or a labelled id."""
    j = start  # the last character before the run that is no space (speed: most runs end here)
    while j and text[j - 1] in " \t\xa0":
        j -= 1
    if text.endswith("&nbsp;", 0, j):
        j -= 6
        while j and text[j - 1] in " \t":
            j -= 1
    last = text[j - 1] if j else ""
    if end - start <= 2 and 1 <= int(text[start:end]) <= 31:
        before = _MONTH_BEFORE.search(text, max(0, start - 12), start) if last.isalpha() or last in ".," else None
        if before and _word_start(text, before.start()):
            tail = _MONTH_DAY_TAIL.match(text, end)
            if tail:
                return before.start(), tail.end()
        after = _MONTH_AFTER.match(text, end)
        if after:
            return start, after.end()
    if not last or last not in "#:.dDoOrR":  # how every id cue ends
        return None
    cue = _ID_BEFORE.search(text, max(0, start - 30), start)
    if cue is None:
        return None
    if _word_start(text, cue.start()) if cue.group("cue") else _LINE_START.search(text, max(0, cue.start() - 12),
                                                                                   cue.start()):
        return start, end
    return None


def stamp_spans(text: str, run_starts: Iterable[int] | None = None) -> list[tuple[int, int]]:
    """Spans of `text` whose digits are a date, a clock time, a height or a labelled id, in text order.
    `run_starts`: where each run of digits of `text` starts (`\\d+`, in order), when the caller has
    them; the pattern is then tried only there (speed: no scan of the whole text)."""
    out: list[tuple[int, int]] = []
    for m in _DIGITS.finditer(text) if run_starts is None else _matches_at(text, run_starts):
        if m.lastindex is None:  # no form's group took part: a candidate
            span = _candidate(text, m.start(), m.end())
            if span is not None:
                out.append(span)
        elif _numeric_ok(m):
            out.append(m.span())
    return out


def _matches_at(text: str, run_starts: Iterable[int]) -> list[re.Match[str]]:
    """What `_DIGITS.finditer(text)` gives, trying the pattern only at the runs' starts: exact, as every
    match starts at a digit with no digit before it (its first step) and is never empty; each match
    is the leftmost one at or after the previous match's end."""
    out: list[re.Match[str]] = []
    pos = 0
    match = _DIGITS.match
    for s in run_starts:
        if s >= pos:
            m = match(text, s)
            if m is not None:
                out.append(m)
                pos = m.end()
    return out

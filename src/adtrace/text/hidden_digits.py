"""Digits hidden harder than the phone extractor's first pass reads: a second, slower reading.

The forms (published obfuscation patterns of escort and spam ads; examples here are made up):

- spelled digits glued after or before a word: "callmeseven0two...", "...zeroonefourseventext";
- digit words with digits for letters ("f0ur", "z3ro", "sev3n", "n1ne");
- "double five", "triple 7" for 55 and 777;
- separator words between groups: "702 dot 555 dash 0147";
- long runs of separators (". . . ", "- - -").

Each of these also turns ordinary prose into digits ("someone" ends in "one", "todos" in "dos",
"weight" in "eight"), so the phone extractor reads them only in an ad in which its first pass found
no number at all (most ads with a phone write it plainly somewhere), and a glued run counts only
when it is clearly a number: its first unit a digit word of three letters or more, and either two
or more units or a digit right after it.
"""

from __future__ import annotations

import itertools
import re

from adtrace.text.lowered import lowered
from adtrace.text.numbers import GLUED_UNITS, HOMOPHONES, SPELLED_UNITS, trie_pattern

# Leet forms of digit words: 0 for o, 3 for e, 1 for i (and l in "e1ght"), at least one letter left.
_LEET = {"o": "0", "e": "3", "i": "1"}


def _leet_forms(word: str) -> set[str]:
    slots = [(ch, _LEET[ch]) if ch in _LEET else (ch,) for ch in word]
    forms = {"".join(p) for p in itertools.product(*slots)}
    return {f for f in forms if f != word and any(ch.isalpha() for ch in f)}


LEET_UNITS: dict[str, str] = {
    form: digits for word, digits in SPELLED_UNITS.items() if len(word) >= 3 and word.isascii()
    for form in _leet_forms(word) if form not in GLUED_UNITS
}
_ALL_UNITS: dict[str, str] = {**GLUED_UNITS, **LEET_UNITS}
_ALT = trie_pattern([w for w in _ALL_UNITS if w not in HOMOPHONES])
_HOMO = trie_pattern(list(HOMOPHONES))
_WORD = re.compile(trie_pattern(list(_ALL_UNITS)), re.I)
# A run of units, anywhere (also inside a word: judged in Python), or a plain digit run. The spelled
# branch is tried first so that a leet word starting with a digit ("0ne") is one unit.
HIDDEN_UNIT = re.compile(
    rf"(?:{_HOMO})*(?:{_ALT})(?:{_ALT}|{_HOMO})*|(?<=\d)(?:{_HOMO})+|(?:{_HOMO})+(?=\d)|\d+", re.I)
_REPEAT = re.compile(r"(?<![^\W\d_])(double|dbl|triple|tripple)[ -]?(?=\S)", re.I)
_REPEATS = {"double": 2, "dbl": 2, "triple": 3, "tripple": 3}
# Between two units of a hidden number: separators (up to 12), a line break, or a separator word.
HIDDEN_GAP = re.compile(
    r"(?:[^\w\n]|_){1,12}|(?:[^\w\n]|_){0,3}\n\s*\n?(?:[^\w\n]|_){0,3}"
    r"|(?:[^\w\n]|_){0,3}(?<![^\W\d_])(?:dot|dash|hyphen|period|point|space|slash)(?![^\W\d_])(?:[^\w\n]|_){0,3}",
    re.I)
# The first pass already reads these alone; glued after a word they are prose ("alone", "photo").
_SHORT = frozenset(w for w in _ALL_UNITS if len(w) < 3) | frozenset(HOMOPHONES)


_HIDDEN_UNIT_LOWER = re.compile(HIDDEN_UNIT.pattern)
_DIGIT = re.compile(r"\d")
# Digit words of three letters or more, none holding another ("eigh" stands for "eight", "eighty"):
# counted as substrings, each digit word of a text is counted at least once.
_ALL_LONG = {w for w in SPELLED_UNITS if len(w) >= 3 and w.isascii()}
_LONG_WORDS = tuple(sorted(w for w in _ALL_LONG if not any(v != w and v in w for v in _ALL_LONG)))


_LONG_RUN = re.compile(r"[\W_]{7}")
_JOIN_WORDS = ("dot", "dash", "hyphen", "period", "point", "space", "slash", "double", "dbl", "trip")


def may_join_otherwise(text: str) -> bool:
    """Whether the hidden reading could join or repeat units otherwise than the first pass: a
    separator word, "double"/"triple", or a run of seven separators or more (an over-count, never an
    under-count: HIDDEN_GAP and `repeated` need one of these to differ from the first pass)."""
    low = text.lower()
    return any(w in low for w in _JOIN_WORDS) or _LONG_RUN.search(text) is not None


def hidden_units(text: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, digits, spelled) for every digit unit of `text` under the hidden reading."""
    return repeated(text, _read(text, 0, len(text)))


def hidden_words(text: str, min_units: int) -> list[tuple[int, int, list[tuple[int, int, str, bool]]]] | None:
    """None when `text` holds fewer than `min_units` digits, long digit words and "double"/"triple"
    (an over-count, never an under-count: a number that spells most of its digits with "o", "l" and
    "i" alone is not looked for). Else the words the hidden reading reads otherwise than the first
    pass: (start, end, units) for each word holding two or more digits and long digit words, one of
    them glued to other letters ("callmeseven0two", "textsevenzerotwo"), or a leet digit word ("f0ur").
    Speed: only these words are scanned (the first pass has the rest), found with str.find, in C."""
    low = text.lower()
    if len(low) != len(text):
        return [(0, len(text), hidden_units(text))]  # a character whose lower() is longer: read it all
    present = [w for w in _LONG_WORDS if w in low]
    n = len(_DIGIT.findall(text)) + low.count("double") + low.count("dbl") + 2 * low.count("trip")
    if n + sum(low.count(w) for w in present) < min_units:
        return None
    hits: list[int] = []  # starts of long digit words glued to a letter or digit on a side
    for w in present:
        k = low.find(w)
        while k >= 0:
            end = k + len(w)
            if (k and low[k - 1].isalnum()) or (end < len(low) and low[end].isalnum()):
                hits.append(k)
            k = low.find(w, end)
    hits.extend(m.start() for m in _LEET_DIGIT.finditer(low))
    out: list[tuple[int, int, list[tuple[int, int, str, bool]]]] = []
    last = -1
    for k in sorted(hits):
        if k < last:
            continue  # in a word already looked at
        a, b = k, k
        while a and text[a - 1].isalnum():
            a -= 1
        while b < len(text) and text[b].isalnum():
            b += 1
        last = b
        word = low[a:b]
        folded = word.translate(_UNLEET)
        n = sum(folded.count(w) for w in _LONG_WORDS)
        if n == 0 or (n + sum(ch.isdigit() for ch in word if ch not in "013") < 2 and folded == word):
            continue  # "someone", "weight", "1st": one digit word at most and no leet, the first reading stands
        out.append((a, b, _read(text, a, b)))
    return out


# A 0, 1 or 3 glued to a letter: a leet digit word ("f0ur", "z3ro", "0ne") may be there.
_LEET_DIGIT = re.compile(r"[013](?:(?<=[^\W\d_][013])|(?=[^\W\d_]))")
_UNLEET = str.maketrans({"0": "o", "3": "e", "1": "i"})


def _read(text: str, a: int, b: int) -> list[tuple[int, int, str, bool]]:
    """The units of text[a:b] (judged with the characters around it)."""
    out: list[tuple[int, int, str, bool]] = []
    low = lowered(text)  # the pattern without re.I over lowered text is exact and faster
    for m in HIDDEN_UNIT.finditer(text, a, b) if low is None else _HIDDEN_UNIT_LOWER.finditer(low, a, b):
        token = text[m.start():m.end()]
        if token.isdigit():
            out.append((m.start(), m.end(), token, False))
            continue
        units = [(m.start() + w.start(), m.start() + w.end(), _ALL_UNITS[w.group(0).lower()])
                 for w in _WORD.finditer(token) if w.group(0).lower() in _ALL_UNITS]
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if before.isalpha() and after.isalpha():
            continue  # inside a word ("someone", "honey")
        kept = _kept(text, units, before, after)
        if kept is None:
            continue
        out.extend((s, e, d, True) for s, e, d in kept)
    return out


def _kept(text: str, units: list[tuple[int, int, str]], before: str,
          after: str) -> list[tuple[int, int, str]] | None:
    """The units of one run that count, or None. A side glued to a word drops its short units and
    homophones ("alone", "tooth"); a free side drops its homophones unless a digit is there ("todos"
    is a word, "4tofour" 424). What is left after a drop is glued to a word: it counts when it is
    clearly a number, two or more units or a digit right beside it ("callmeseven0", "sevenzerocall")."""
    def word(k: int) -> str:
        return text[units[k][0]:units[k][1]].lower()

    glued_left, glued_right = before.isalpha(), after.isalpha()
    drop_left = _SHORT if glued_left else (frozenset() if before.isdigit() else HOMOPHONES.keys())
    while units and word(0) in drop_left:
        units.pop(0)
        glued_left = True
    drop_right = _SHORT if glued_right else (frozenset() if after.isdigit() else HOMOPHONES.keys())
    while units and word(-1) in drop_right:
        units.pop()
        glued_right = True
    if not units:
        return None
    if glued_left or glued_right:
        digit = (glued_left and after.isdigit()) or (glued_right and before.isdigit())
        return units if len(units) >= 2 or digit else None
    if len(units) == 1 and word(0) in ("l", "i") and not (before.isdigit() or after.isdigit()):
        return None  # "I" and "l" are words unless glued to a digit
    return units


def repeated(text: str, units: list[tuple[int, int, str, bool]]) -> list[tuple[int, int, str, bool]]:
    """`units` with "double five" -> 55, "triple 7" -> 777: the unit right after the word, repeated."""
    if not units or _REPEAT.search(text) is None:
        return units
    starts = {u[0]: k for k, u in enumerate(units)}
    for m in _REPEAT.finditer(text):
        k = starts.get(m.end())
        if k is None or len(units[k][2]) != 1:
            continue
        _, end, digit, _ = units[k]
        units[k] = (m.start(), end, digit * _REPEATS[m.group(1).lower()], True)
    return units

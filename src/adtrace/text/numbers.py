"""Number words in English and Spanish, with the misspellings ads use to dodge filters.

Two uses: single digits spelled out inside phone numbers ("7o2 fyve5five", "2ONE6"), and small
cardinals for ages ("nineteen", "twenty-one", "diecinueve").
"""

from __future__ import annotations

import re

# Spelled single digits, misspellings included. Deliberately absent: homophones that are ordinary
# words ("to", "too", "for", "won", "ate"), which would turn prose into digits.
DIGIT_WORDS: dict[str, str] = {
    "zero": "0", "zer0": "0", "oh": "0", "cero": "0", "o": "0",
    "one": "1", "wun": "1", "uno": "1", "un0": "1", "l": "1", "i": "1",
    "two": "2", "tw0": "2", "dos": "2",
    "three": "3", "thre": "3", "thr33": "3", "tres": "3", "tree": "3",
    "four": "4", "fuor": "4", "fore": "4", "cuatro": "4",
    "five": "5", "fyve": "5", "fiv": "5", "fivve": "5", "cinco": "5",
    "six": "6", "sixx": "6", "siks": "6", "seis": "6",
    "seven": "7", "sevn": "7", "sevin": "7", "sven": "7", "seveen": "7", "siete": "7",
    "eight": "8", "eigth": "8", "eigh": "8", "ocho": "8",
    "nine": "9", "nyne": "9", "nien": "9", "nin3": "9", "nueve": "9",
    "零": "0", "〇": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
    "八": "8", "九": "9",
}

# Tens, hundreds and thousands as ads write them inside numbers: "6twentysix" (626), "2thousand" (2000).
# A tens word stands for its digit when a spelled unit follows ("twentysix"), else for digit + "0".
TENS_WORDS: dict[str, str] = {
    "twenty": "2", "thirty": "3", "forty": "4", "fourty": "4", "fifty": "5", "sixty": "6", "seventy": "7",
    "eighty": "8", "ninety": "9",
}
ZEROS_WORDS: dict[str, str] = {"hundred": "00", "thousand": "000", "th0usand": "000", "grand": "000"}
SPELLED_UNITS: dict[str, str] = {**DIGIT_WORDS, **TENS_WORDS, **ZEROS_WORDS}
# Homophones and "ten" (written for 1-0: "55TEN"): ordinary words, so they count only glued to a
# digit or to a spelled digit ("4tofour", "fivefor3", "SIX1TWO.8FOUR4.55TEN"), never standing alone.
HOMOPHONES: dict[str, str] = {"to": "2", "too": "2", "for": "4", "won": "1", "ate": "8", "ten": "10"}
GLUED_UNITS: dict[str, str] = {**SPELLED_UNITS, **HOMOPHONES}


def trie_pattern(words: list[str]) -> str:
    """A regex alternation factored as a trie: Python's engine tries far fewer branches per position.

    Longer words win over their prefixes ("seven" over "sevn" is by letters; "oh" over "o" by order).
    """
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for w in words:
        node = trie
        for ch in w.lower():
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if optional else body

    return build(trie)


_ALTERNATION = trie_pattern(list(SPELLED_UNITS))
_HOMOPHONE = trie_pattern(list(HOMOPHONES))
# A run of spelled digits that is a whole word (or a run of them glued together: "sixtwo"); homophones
# inside a run with a spelled digit ("tofour"), or glued to a digit ("55ten", "for3").
DIGIT_WORD_RUN = re.compile(
    rf"(?:{_HOMOPHONE})*(?:{_ALTERNATION})(?:{_ALTERNATION}|{_HOMOPHONE})*|(?<=\d)(?:{_HOMOPHONE})+"
    rf"|(?:{_HOMOPHONE})+(?=\d)", re.I)
# One unit of a run: the trie over every word, longest first.
DIGIT_WORD = re.compile(trie_pattern(list(GLUED_UNITS)), re.I)

_CARDINALS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
    "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16,
    "dieciséis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20,
    "veintiuno": 21, "veintidos": 22, "veintidós": 22, "veintitres": 23, "veintitrés": 23,
    "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26, "veintiséis": 26, "veintisiete": 27,
    "veintiocho": 28, "veintinueve": 29,
}
_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "treinta": 30, "cuarenta": 40, "cincuenta": 50,
}
_UNITS = {k: v for k, v in _CARDINALS.items() if 1 <= v <= 9}

CARDINAL_PATTERN = (
    r"(?:(?:" + "|".join(sorted(_TENS, key=len, reverse=True)) + r")(?:[\s-]*(?:y\s+)?(?:"
    + "|".join(sorted(_UNITS, key=len, reverse=True)) + r"))?|"
    + "|".join(sorted(_CARDINALS, key=len, reverse=True)) + ")"
)


def cardinal_value(words: str) -> int | None:
    """Value of a spelled cardinal below 60 ("nineteen", "twenty-one", "treinta y dos"), else None."""
    w = re.sub(r"[\s-]+", " ", words.strip().lower())
    if w in _CARDINALS:
        return _CARDINALS[w]
    parts = [p for p in w.split(" ") if p != "y"]
    if parts and parts[0] in _TENS:
        tens = _TENS[parts[0]]
        if len(parts) == 1:
            return tens
        if len(parts) == 2 and parts[1] in _UNITS:
            return tens + _UNITS[parts[1]]
    return None

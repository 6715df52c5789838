"""General shape classes of an ad in which no phone was found (bench/phone_misses.py): counts only.

Each function looks at one ad (title + text and its normalised view) and says, in code, which general
obfuscation shape could hide a number there; nothing from the ad is returned but the class names. The
classes come from published obfuscation typologies of escort and spam ads (digits split by letters,
emoji or words, look-alike digits, digit words in other languages, a number split across title and
text, the country code in words, "number in the pictures"), not from any one ad.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from typing import Any

import phonenumbers

from adtrace.extractors.phones import _units
from adtrace.text import View
from adtrace.text.hidden_digits import hidden_units

# Digit words of languages other than English and Spanish (read by the extractor), standalone, from
# ordinary dictionaries; the ones shared with English/Spanish words ("six", "un", "tres") are left out.
_FOREIGN = (  # French, Portuguese, Italian, German, Tagalog, Vietnamese (unaccented), Russian, Korean, Japanese
    "zéro deux trois quatre cinq sept huit neuf um dois três tres quatro sete oito nove zero due tre quattro "
    "cinque sei sette otto null eins zwei drei vier fünf funf sechs sieben acht neun isa dalawa tatlo apat "
    "lima anim pito walo siyam khong mot hai bon nam sau bay tam chin один два три четыре пять шесть семь "
    "восемь девять ноль 공 일 이 삼 사 오 육 칠 팔 구 ゼロ いち に さん よん ご ろく なな はち きゅう")
FOREIGN_DIGIT_WORDS = frozenset(_FOREIGN.split()) - {
    "tres", "zero", "nam", "hai", "bay", "tam", "mot", "isa", "lima", "null", "sei", "um", "due", "sept", "chin",
    "bon"}  # also English, Spanish or place words
# A word that says a phone is meant: "call", "text", "txt", "cell", "phone", "number", "#", "dial".
_CUE = re.compile(r"\b(?:call|calls|text|txt|cell|phone|fone|number|numero|n[uú]mero|dial|hmu|contact|tel)\b|#",
                  re.I)
_OTHER_CONTACT = re.compile(r"@|\b(?:e-?mail|gmail|yahoo|hotmail|snap(?:chat)?|kik|insta(?:gram)?|twitter|"
                            r"whats ?app|telegram|line|wechat|reply|respond)\b", re.I)
_PICTURE = re.compile(r"\b(?:pics?|pictures?|photos?|images?|screen ?shot)\b", re.I)
_PLUS_WORD = re.compile(r"\b(?:plus|\+)\s*(?:one|uno|1)\b|\bcountry code\b", re.I)
_LETTER_DIGIT_TOKEN = re.compile(r"(?<![^\W_])(?=[\w]*\d)(?=[\w]*[OoIlSsBZzGgq])[\dOoIlSsBZzGgq]{3,}(?![^\W_])")
_WORD = re.compile(r"[^\W\d_]+")


def _numeric_non_ascii(view: str) -> int:
    """Characters left in the view that Unicode calls numbers (not ASCII digits): look-alike digits
    the fold does not know (Roman numerals, fractions, other numeric symbols)."""
    return sum(1 for ch in view if not ch.isascii() and unicodedata.numeric(ch, None) is not None)


def _foreign_words(view: str) -> int:
    return sum(1 for w in _WORD.findall(view.lower()) if w in FOREIGN_DIGIT_WORDS)


def _letter_digits(view: str) -> int:
    """Tokens of digits mixed with letters that look like digits (O for 0, l/I for 1, S for 5, B for 8,
    Z for 2, G/q for 6/9) where digits are at least half the token."""
    n = 0
    for m in _LETTER_DIGIT_TOKEN.finditer(view):
        tok = m.group(0)
        digits = sum(ch.isdigit() for ch in tok)
        if digits * 2 >= len(tok) and digits < len(tok):
            n += len(tok)
    return n


_SEPARATOR_WORDS = frozenset({"and", "or", "then", "x", "dash", "dot", "hyphen", "space", "slash", "period", "point",
                              "plus"})


def _gap_class(gap: str) -> str:
    """What stands between two digit units: the general separator shape."""
    words = _WORD.findall(gap)
    if not words:
        if gap.count("\n") >= 2:
            return "line_breaks_2plus"
        if any(unicodedata.category(ch) in ("So", "Sk", "Cs", "Co") for ch in gap):
            return "emoji_or_symbols"
        if not gap.strip():
            return "whitespace_run"
        return "separators_up_to_6" if len(gap) <= 6 else "separators_7_12" if len(gap) <= 12 else \
            "separators_13_plus"
    if len(words) == 1:
        w = words[0]
        if len(w) == 1:
            return "one_letter"
        if w.lower() in _SEPARATOR_WORDS:
            return "one_separator_word"
        return "one_capitalised_word" if w[0].isupper() and not w.isupper() else \
            "one_upper_word" if w.isupper() else "one_lower_word"
    return "two_words" if len(words) == 2 else "three_plus_words"


def _valid_us(digits: str) -> bool:
    digits = digits[1:] if len(digits) == 11 and digits[0] == "1" else digits
    if len(digits) != 10:
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(digits, "US"))
    except phonenumbers.NumberParseException:
        return False


def best_window(text: str) -> dict[str, Any] | None:
    """The shortest stretch of `text` whose digit units hold 10 digits exactly (a North American
    number), as counts: its length bucket, the separator shapes between its units, and whether the
    digits joined are a valid US number. None when no such stretch exists."""
    units = _units(text)
    best: tuple[int, int, int] | None = None  # (length, first unit, end unit)
    for i in range(len(units)):
        n = 0
        for j in range(i, len(units)):
            n += len(units[j][2])
            if n >= 10:
                if n == 10:
                    length = units[j][1] - units[i][0]
                    if best is None or length < best[0]:
                        best = (length, i, j + 1)
                break
    if best is None:
        return None
    length, i, j = best
    chosen = units[i:j]
    gaps = {_gap_class(text[a[1]:b[0]]) for a, b in itertools.pairwise(chosen)
            if b[0] > a[1] and not (text[a[1]:b[0]].strip(" -.()/") == "" and b[0] - a[1] <= 6)}
    bucket = next(f"<={k}" for k in (20, 40, 80, 160, 10**9) if length <= k)
    return {"length": bucket if bucket != f"<={10**9}" else ">160", "gaps": sorted(gaps) or ["plain"],
            "valid_us": _valid_us("".join(u[2] for u in chosen)),
            "spelled": any(u[3] for u in chosen)}


def widest_stretch(view: str, span: int = 80) -> int:
    """The most digits the hidden reading's units (digits, digit words glued into other words, leet
    digit words, homophones next to digits: adtrace.text.hidden_digits) hold within `span`
    characters of `view`, whatever stands between them: an over-count of what any joining rule on
    these units could make into one number."""
    units = hidden_units(view)
    best = 0
    j = 0
    total = 0
    for i in range(len(units)):  # two pointers over units sorted by start
        while j < len(units) and units[j][1] - units[i][0] <= span:
            total += len(units[j][2])
            j += 1
        best = max(best, total)
        if j > i:
            total -= len(units[i][2])
        else:
            j = i + 1
    return best


def shape_classes(title: str, text: str, view: View) -> list[str]:
    """Every general shape class that applies to one ad (multi-label)."""
    t = view.text
    out: list[str] = []
    digits = sum(ch.isdigit() for ch in t)
    out.append("digits_0" if digits == 0 else "digits_1_6" if digits < 7 else "digits_7_9" if digits < 10
               else "digits_10_plus")
    whole = widest_stretch(t, len(t))
    out.append("whole_ad_under_7" if whole < 7 else "whole_ad_7_9" if whole < 10 else "whole_ad_10_plus")
    widest = widest_stretch(t)
    out.append("stretch80_under_7" if widest < 7 else "stretch80_7_9" if widest < 10 else "stretch80_10_plus")
    if whole < 10:  # what the ads that cannot hold a North American number name instead
        out.extend(f"whole_ad_under_10_{c}" for c in ("cue", "pictures", "other_contact")
                   if {"cue": _CUE, "pictures": _PICTURE, "other_contact": _OTHER_CONTACT}[c].search(t))
    if _CUE.search(t):
        out.append("phone_cue_word")
    if _OTHER_CONTACT.search(t):
        out.append("other_contact_named")
    if _PICTURE.search(t):
        out.append("pictures_named")
    if _PLUS_WORD.search(t):
        out.append("country_code_in_words")
    if _numeric_non_ascii(t):
        out.append("unfolded_numeric_chars")
    if _foreign_words(t) >= 4:
        out.append("foreign_digit_words_4plus")
    if _letter_digits(t) >= 4:
        out.append("letters_for_digits")
    title_digits = sum(ch.isdigit() for ch in title)
    text_digits = sum(ch.isdigit() for ch in text)
    if title and 3 <= title_digits < 10 and 3 <= text_digits < 10 and title_digits + text_digits >= 10:
        out.append("split_title_text")
    return out

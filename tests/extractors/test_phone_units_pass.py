"""The word-list unit pass (adtrace.extractors.phoneunits.unit_matches) gives exactly the matches of
the full pattern scanned over the whole text: the same spans and the same tokens."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.extractors import phoneunits
from adtrace.text.lowered import lowered

# Pieces that stress every case of the pass: digits glued to letters and to spelled words, lone i/l
# between separators or at the end, words the memo has seen and not, letters and digits outside
# ASCII (Arabic-Indic digits, a CJK digit word, é, İ, Kelvin K), emoji, and separators of every kind.
_PIECES = [*"ab0129 -_.\n+()~*é", "İ", "\u212a", "\u0663", "二", "七", "🌹", "\ufe0f", "one", "oh", "o", "i", "l",
           "ll", "fyve", "twenty", "six", "seven", "thousand", "too", "to", "for", "ten", "zer0", "tw0", "1oo", "-i-",
           "*l*", "someone", "tonight", "online", "4to", "55ten", "I'll", "SEVEN"]


def _reference(text: str) -> list[tuple[tuple[int, int], str]]:
    low = lowered(text)
    matches = phoneunits.UNIT.finditer(text) if low is None else phoneunits.UNIT_LOWER.finditer(low)
    return [(m.span(), m.group(0)) for m in matches]


def _fast(text: str) -> list[tuple[tuple[int, int], str]]:
    return [(m.span(), m.group(0)) for m in phoneunits.unit_matches(text)]


@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
@settings(max_examples=1500, deadline=None, derandomize=True)
def test_same_matches_as_the_full_scan(text: str) -> None:
    assert _fast(text) == _reference(text)


@given(st.text(alphabet=st.characters(), max_size=120))
@settings(max_examples=500, deadline=None, derandomize=True)
def test_same_matches_on_any_unicode(text: str) -> None:
    assert _fast(text) == _reference(text)


def test_memo_gives_the_same_answer_the_second_time() -> None:
    text = "call seven 0 two 555 o1four7 or 7o2-i-5 and someone too"
    first = _fast(text)
    assert first == _fast(text) == _reference(text)
    assert any(not token.isdigit() for _span, token in first)  # spelled units were read


def test_lone_letter_between_separators_is_a_unit() -> None:
    assert ((4, 5), "i") in _fast("702-i-555")  # written "7 0 2 - i - 5 5 5": the i is a 1
    assert not any(token == "i" for _span, token in _fast("i am here, i promise"))


def test_digits_of_other_scripts_read_the_full_way() -> None:
    text = "call \u0667\u0660\u0662 five"
    assert _fast(text) == _reference(text)
    assert re.search(r"\d", _fast(text)[0][1])

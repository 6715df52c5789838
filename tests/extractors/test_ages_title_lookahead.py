"""The title-age pattern's leading lookahead (speed only) changes no match of `find_ages`' windows."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.extractors import ages

_PLAIN = re.compile(ages._TITLE_AGE.pattern.replace(ages.TITLE_AGE_AHEAD, "", 1), ages._TITLE_AGE.flags)
_PARTS = st.sampled_from(["Sweet", "new in town", " ", "  ", "\t", "\n", "-", " - ", "–", "—", "--", "21", "19", "7",
                          "555-0147", "2", "x", "🌹", "é", "\u00a0", "36DD", "I", "ages", ",", "\r"])


@given(st.lists(_PARTS, max_size=16).map("".join), st.integers(0, 20), st.integers(0, 80))
@settings(max_examples=600, deadline=None, derandomize=True)
def test_title_lookahead_changes_no_match(text: str, a: int, width: int) -> None:
    assert _PLAIN.pattern != ages._TITLE_AGE.pattern
    for pos, end in ((0, len(text)), (min(a, len(text)), min(len(text), a + width))):
        assert [(m.span(), m.groupdict()) for m in ages._TITLE_AGE.finditer(text, pos, end)] == \
            [(m.span(), m.groupdict()) for m in _PLAIN.finditer(text, pos, end)]


def test_title_ages_still_read() -> None:
    assert [v for v, _ in ages.find_ages("Sweet and new in town - 21\nCall me")] == [21]
    assert [v for v, _ in ages.find_ages("Candy 555-0147 - 23\nhi")] == [23]


_WORDS = st.sampled_from(["I'm", "i am", "IM", "soy", "SOY", "me llamo", "my name is", "call me", "this is", "it's",
                          "Sasha", "ANA", "here", "must be", "at least", "over", "Under", "older than", "men",
                          "Gentlemen", "gents", "guys", "clients", "you're", "you are", "customers", "between", "ages",
                          "mayores de", "minimum", "min.", "\u212a", "ſ", "İ", "ı", ",", "-", "–", " ", "\n", "x", "🌹"])


@given(st.lists(_WORDS, max_size=12).map(" ".join), st.lists(_WORDS, max_size=12).map("".join))
@settings(max_examples=600, deadline=None, derandomize=True)
def test_named_and_client_lookaheads_change_no_match(spaced: str, glued: str) -> None:
    for fast, ahead in ((ages._NAMED_BEFORE, ages.NAMED_FIRST), (ages._CLIENT_BEFORE, ages.CLIENT_FIRST)):
        plain = re.compile(fast.pattern.replace(ahead, "", 1), fast.flags)
        assert plain.pattern != fast.pattern
        for text in (spaced, glued):
            for end in (len(text), len(text) // 2):
                got = [m.span() for m in (fast.search(text, p, end) for p in range(0, end + 1, 3)) if m]
                assert got == [m.span() for m in (plain.search(text, p, end) for p in range(0, end + 1, 3)) if m]

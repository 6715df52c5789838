"""The speed paths of matching: required literals of a pattern, and the squeezed-space offset map."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.indicators.matcher import searchable
from adtrace.indicators.prefilter import may_match, required_literals
from adtrace.text import normalise


def test_literals_of_a_sequence_pick_the_rarest_part() -> None:
    lits = required_literals(r"\b(?:keep|hold)\s+(?:your\s+)?(?:passports?|id cards?)\b")
    assert lits is not None and "passport" in lits and "id card" in lits


def test_no_literals_when_a_branch_needs_none() -> None:
    assert required_literals(r"\d+|fee") is None
    assert required_literals(r"(?i)passport") is None
    assert required_literals(r"(?:abc)?") is None


def test_may_match_is_false_only_without_every_literal() -> None:
    lits = required_literals(r"\bcash\s+daily|daily\s+cash")
    assert may_match(lits, "paid daily in cash")
    assert not may_match(lits, "paid weekly")
    assert may_match(None, "anything")


_WORDS = st.sampled_from(["cash", "daily", "fee of", "1", "9", "passport", "id", "card", "ab", "  ", "\n", " ",
                          "every day", "x"])


@given(st.lists(_WORDS, max_size=12), st.sampled_from([
    r"\bcash\s+daily\b", r"\bfee of\s?\d", r"(?:passports?|id cards?)\s+kept", r"\b(?:ab|x)+\s*1",
    r"daily|every day", r"1[0-9]\s*(?:-|to)\s*2\d"]))
@settings(max_examples=300, deadline=None)
def test_a_skipped_pattern_never_had_a_match(words: list[str], pattern: str) -> None:
    text = " ".join(words)
    if re.search(pattern, text):
        assert may_match(required_literals(pattern), text)


@given(st.text(alphabet="ab \n\tC", max_size=40))
@settings(max_examples=300, deadline=None)
def test_squeezed_offsets_map_back_to_the_same_characters(text: str) -> None:
    s = searchable(normalise(text))
    assert "  " not in s.text
    for i, ch in enumerate(s.text):
        a, b = s.span(i, i + 1)
        assert b == a + 1
        original = text[a].lower()
        assert original == ch or (ch == " " and original.isspace())
    if s.text:
        a, b = s.span(0, len(s.text))
        assert text[a:b].lower().split() == s.text.split()

"""The search box reads identifiers with the extractors that read the ads (issue 19, item 3)."""

from __future__ import annotations

import pytest

from adtrace.app.pages.search import recognise


@pytest.mark.parametrize(("typed", "expected"), [
    ("+17025550143", ("phone", "+17025550143")),
    ("+1 702 555 0143", ("phone", "+17025550143")),
    ("(702) 555-0143", ("phone", "+17025550143")),
    ("702.555.0143", ("phone", "+17025550143")),
    ("call 7025550143", ("phone", "+17025550143")),
    ("seven oh two five five five oh one four three", ("phone", "+17025550143")),
    ("amber at gmail dot com", ("email", "amber@gmail.com")),
    ("Amber@Gmail.com", ("email", "amber@gmail.com")),
    ("IG @amber_x", ("handle", "amber_x")),
    ("@amber_x", ("handle", "amber_x")),
    ("$amberx", ("payment", "amberx")),
    ("cashapp $amberx", ("payment", "amberx")),
])
def test_an_identifier_in_any_form_is_recognised(typed: str, expected: tuple[str, str]) -> None:
    assert recognise(typed) == expected


@pytest.mark.parametrize("typed", ["new in town", "Phoenix", "call me 702 555 0143 tonight", '"702 555 0143"',
                                   "702-555-0143 and 702-555-0199", ""])
def test_words_stay_a_text_search(typed: str) -> None:
    assert recognise(typed) is None


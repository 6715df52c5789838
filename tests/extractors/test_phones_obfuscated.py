"""Obfuscations of real ads (issue 16), on synthetic numbers and texts written for these tests."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.documents import Document
from adtrace.pipeline import extract


def found(text: str) -> list[tuple[str, bool, str]]:
    rec = extract(Document.from_dict({"id": "t", "text": text}))
    return [(p["value"], p["obfuscated"], text[p["span"][0]:p["span"][1]]) for p in rec["phones"]]


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("call 7tofour 5six0 zerofour9one", "7tofour 5six0 zerofour9one"),  # "to" glued: 2
        ("SIX1TWO.8FOUR4.55TEN now", "SIX1TWO.8FOUR4.55TEN"),  # TEN glued: 1-0
        ("sixfor6 five5five 0one4seven", "sixfor6 five5five 0one4seven"),
        ("text 702 \\u2022 555 \\u2022 0147 now", "702 \\u2022 555 \\u2022 0147"),  # escapes written out
        ("text 702&#8226;555&#8226;0147 now", "702&#8226;555&#8226;0147"),
        ("text 7&#48;2 555 0147", "7&#48;2 555 0147"),  # an escaped digit is a digit
        ("text 702 */ 555 */ 0147", "702 */ 555 */ 0147"),
        ("text 702~555~0147", "702~555~0147"),
        ("text 702💋555🌹0147", "702💋555🌹0147"),
        ("call s e v e n 0 2 - 5 5 5 - 0 1 4 7", "s e v e n 0 2 - 5 5 5 - 0 1 4 7"),
        ("call f.i.v.e 0 2 555 0147", "f.i.v.e 0 2 555 0147"),
        ("Candy 7x0x2x5x5x5x0x1x4x7", "7x0x2x5x5x5x0x1x4x7"),  # a lone letter between digits
        ("text 702r5550147 anytime", "702r5550147"),
    ],
)
def test_obfuscated_numbers(text: str, evidence: str) -> None:
    got = found(text)
    want = {"call 7tofour": "+17245600491", "SIX1TWO.8FOU": "+16128445510", "sixfor6 five": "+16465550147",
            "call f.i.v.e": "+15025550147"}.get(text[:12], "+17025550147")
    assert got == [(want, True, evidence)]


@pytest.mark.parametrize(
    "text",
    [
        "I want to see you for two hours, ten to four",  # homophones standing alone are words
        "size 34x24x36, photos 1920x1080",
        "I a m here and ready",
        "call me at ten",
    ],
)
def test_words_and_measurements_are_not_numbers(text: str) -> None:
    assert found(text) == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("\\u20ab&#;x0123456789 .-~*/oteninfr"), max_size=60))
def test_escape_and_separator_noise_never_crashes(text: str) -> None:
    if not text.strip():
        return
    for _, _, evidence in found(text):
        assert evidence and evidence in text

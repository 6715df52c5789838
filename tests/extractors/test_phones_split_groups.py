"""A word between the groups of a number (adtrace.text.split_groups): made-up numbers and texts."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.documents import Document
from adtrace.extractors.phones import split_group_phones
from adtrace.pipeline import extract
from adtrace.text import normalise
from adtrace.text.split_groups import split_groups


def found(text: str) -> list[tuple[str, str]]:
    rec = extract(Document.from_dict({"id": "t", "text": text}))
    return [(p["value"], text[p["span"][0]:p["span"][1]]) for p in rec["phones"]]


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("sweet and new, call 702 Candy 555 0147 now", "702 Candy 555 0147"),  # a name between the groups
        ("text me 702 x 555 x 0147", "702 x 555 x 0147"),  # a spaced letter
        ("(702) ask 555-0147 xoxo", "(702) ask 555-0147"),
        ("hmu 702 KISSES 5550147", "702 KISSES 5550147"),  # three and seven
        ("txt 702555 babe 0147", "702555 babe 0147"),  # six and four
        ("call 1 702 Jade 555 0147", "1 702 Jade 555 0147"),
        ("702 - Candy - 555 - 0147", "702 - Candy - 555 - 0147"),
    ],
)
def test_word_between_groups(text: str, evidence: str) -> None:
    assert found(text) == [("+17025550147", evidence)]


def test_obfuscated_flag_and_span_round_trip() -> None:
    rec = extract(Document.from_dict({"id": "t", "text": "ｃall 702 Candy 555 0147"}))
    (phone,) = rec["phones"]
    assert phone["obfuscated"] is True
    assert tuple(phone["span"]) == (5, 23)  # the full-width "ｃ" is one character: offsets unchanged


@pytest.mark.parametrize(
    "text",
    [
        "rates 250 quickie 350 hourly 2000 vip",  # round amounts: a rate list
        "250 qv 350 hh 2147 overnight",  # duration words are no separators
        "$702 special 555 0147 deal",  # a price
        "702 Candy 555 0147 lbs",  # a unit after the last group
        "702 and 555 and 0147",  # "and" joins counts, not groups
        "702 Candy 555 01477",  # the last group runs on
        "702 Candy\n555 0147",  # a word and a line break: two lines of prose
        "702 Ocean Avenue 555 0147",  # two words
        "Posted 2024-03-24 17:41 x 555 0147",  # a date-time is no group
        "room 702 Candy 155 0147",  # no valid number: an exchange never starts with 1
    ],
)
def test_not_a_split_number(text: str) -> None:
    assert found(text) == []


def test_only_where_no_other_number_was_read() -> None:
    # A plain number elsewhere: the ad is read as written, no join across words is tried.
    assert found("call 213 555 0199 or 702 Candy 555 0147") == [("+12135550199", "213 555 0199")]


def test_only_north_american_regions() -> None:
    view = normalise("call 702 Candy 555 0147")
    assert split_group_phones(view, ("GB",), []) == []
    assert [p[0] for p in split_group_phones(view, ("GB", "US"), [])] == ["+17025550147"]


_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 9), st.integers(1, 99), st.integers(1, 99), st.integers(1, 9), _WORDS, _WORDS)
def test_round_amounts_are_never_a_number(a: int, b: int, c: int, d: int, w1: str, w2: str) -> None:
    # Three round amounts with any words between them (a rate list) are no number.
    text = f"{a}{b % 10}0 {w1} {b}0 {w2} {d}{c % 10}00"
    assert split_groups(text) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_spans_within_bounds(text: str) -> None:
    for start, end, digits in split_groups(text):
        assert 0 <= start < end <= len(text)
        assert len(digits) in (10, 11)

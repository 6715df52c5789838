"""Rate forms of real ads (issue 16), on synthetic texts written for these tests."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.extractors.prices import find_prices


def rates(text: str) -> list[tuple[float, str | None, int | None]]:
    return [(a, c, m) for a, c, m, _ in find_prices(text)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("60$qk 90$hh", [(60, "USD", 15), (90, "USD", 30)]),  # a currency glued to the unit
        ("70/qv 110/hh 180/h", [(70, None, 15), (110, None, 30), (180, None, 60)]),
        ("40ss 60hh", [(40, None, 15), (60, None, 30)]),  # "ss": short stay
        ("80'HH 120 hr", [(80, None, 30), (120, None, 60)]),
        ("hh one20 roses hr two5O roses", [(120, "rose", 30), (250, "rose", 60)]),  # number words
        ("100 donations hh 150 gifts hr", [(100, None, 30), (150, None, 60)]),  # money by another name
        ("special 80 gifts", [(80, None, None)]),
    ],
)
def test_first_rates_and_shorthand(text: str, want: list[tuple[float, str | None, int | None]]) -> None:
    assert rates(text) == want


@pytest.mark.parametrize("text", [
    "call 702-555-7731.20/hh",  # glued to another digit run: part of a phone, not 7731.2 or 20
    "I am 5'6 120lbs",
    "Pics 100% real, 24hr",
])
def test_not_rates(text: str) -> None:
    assert rates(text) == []


def test_number_word_amount_span_covers_the_words() -> None:
    text = "hh one20 roses"
    [(_, _, _, (start, end))] = find_prices(text)
    assert text[start:end] == "hh one20 roses"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 $'hrqvsnotwfiveO/.\n"), max_size=50))
def test_spelled_and_shorthand_noise_keeps_spans_inside(text: str) -> None:
    for amount, _currency, _minutes, (start, end) in find_prices(text):
        assert 0 <= start < end <= len(text)
        assert amount >= 10

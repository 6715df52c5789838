"""More rate forms (issue 16), on synthetic texts written for these tests: "fhr" (full hour) and a
rate word with a verb ("my donation is 200", "rates start at 150")."""

import pytest

from adtrace.extractors.prices import find_prices


def rates(text: str) -> list[tuple[float, int | None]]:
    return [(a, m) for a, _, m, _ in find_prices(text)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("hhr $120 fhr $200", [(120, 30), (200, 60)]),
        ("60 qk, 100 hhr, 160 fhr", [(60, 15), (100, 30), (160, 60)]),
        ("my donation is 200", [(200, None)]),
        ("rates start at 150", [(150, None)]),
        ("la tarifa es 120", [(120, None)]),
    ],
)
def test_more_rate_forms(text: str, want: list[tuple[float, int | None]]) -> None:
    assert rates(text) == want


@pytest.mark.parametrize("text", ["the price is right", "rates are 5 stars", "my donation is appreciated 24/7"])
def test_rate_word_with_a_verb_and_no_amount(text: str) -> None:
    assert rates(text) == []


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # units first, each item ended by "/ ": the amount before the slash is its own item's
        ("half hour 100/ hour 160/ outcall 200", [(100, 30), (160, 60), (200, None)]),
        ("qv 80/ hh 120/ h 180", [(80, 15), (120, 30), (180, 60)]),
        ("200/ hour", [(200, 60)]),  # amount first: the slash still reads "per"
        ("rates 120/ hh 200/ hr", [(120, 30), (200, 60)]),
    ],
)
def test_slash_ended_list_items(text: str, want: list[tuple[float, int | None]]) -> None:
    assert rates(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("$20 off your first visit, 150 hh", [(150, 30)]),
        ("save $50 today! 200/hr", [(200, 60)]),
        ("discount of $30 for vets, qv 80", [(80, 15)]),
    ],
)
def test_discounts_are_no_rates(text: str, want: list[tuple[float, int | None]]) -> None:
    assert rates(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("100r hh", [(100, 30)]),  # "r" glued to the amount: roses
        ("qv 80r hh 120r", [(80, 15), (120, 30)]),
        ("HH 100 roses / H 160 roses", [(100, 30), (160, 60)]),  # " / " ends an item of a units-first list
    ],
)
def test_roses_shorthand_and_spaced_slash(text: str, want: list[tuple[float, int | None]]) -> None:
    assert rates(text) == want


@pytest.mark.parametrize("text", ["100 r", "3r girls", "the 100rd time"])
def test_a_lone_r_is_no_currency(text: str) -> None:
    assert rates(text) == []

"""Rate forms of issue 16's second pass (synthetic texts written for these tests)."""

import pytest

from adtrace.documents import Document
from adtrace.pipeline import extract


def prices(text: str) -> list[tuple[float, int | None]]:
    rec = extract(Document.from_dict({"id": "t", "text": text}))
    return [(p["amount"], p["per_minutes"]) for p in rec["prices"]]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("rates qk 80 hh 150 h 250", [(80, 15), (150, 30), (250, 60)]),  # a bare "h" after "150 "
        ("100 for 15, 150 for 30, 250 for 60", [(100, 15), (150, 30), (250, 60)]),
        ("150 for 30 / 250 for 60", [(150, 30), (250, 60)]),
        ("two hundred roses for an hour", [(200, 60)]),
        ("One fifty hh, two fifty hr", [(150, 30), (250, 60)]),
        ("a hundred and twenty roses qv", [(120, 15)]),
        ("$1k overnight", [(1000, 480)]),
        ("1.5k overnight", [(1500, 480)]),
        ("150 hlf hr", [(150, 30)]),
        ("150 hafe hour", [(150, 30)]),
        ("Rates: qv: 90 ~ h: 200\nText me", [(90, 15), (200, 60)]),  # "h:" labels the amount after it
        ("HH 130 / 60 MIN 210 / 2 HRS 390\nok", [(130, 30), (210, 60), (390, 120)]),  # " / " separates items
        ("300/2hrs", [(300, 120)]),
    ],
)
def test_rate_forms(text: str, want: list[tuple[float, int | None]]) -> None:
    assert prices(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "see you at one forty five pm",  # a time spelled out
        "I ran a 5k today",
        "married for 30 years, 150 miles away",
        "one twenty lbs of fun",
        "my 2nd time here, 1st visit",
        "h: 5 stars from 3 girls",
    ],
)
def test_not_rates(text: str) -> None:
    assert prices(text) == []

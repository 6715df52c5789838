from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.documents import Document
from adtrace.extractors import Context
from adtrace.extractors.prices import OVERNIGHT_MINUTES, find_prices
from adtrace.extractors.registry import EXTRACTORS, ordered


def prices(text: str) -> list[dict[str, Any]]:
    ordered(["prices"])  # loads the built-ins
    ctx = Context(Document.from_dict({"text": text}))
    EXTRACTORS["prices"].run(ctx)
    return list(ctx.record["prices"])


def triples(text: str) -> list[tuple[float, str | None, int | None]]:
    return [(p["amount"], p["currency"], p["per_minutes"]) for p in prices(text)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("special 150hh tonight", [(150, None, 30)]),
        ("200/hr incall", [(200, None, 60)]),
        ("$200/hr", [(200, "USD", 60)]),
        ("200 an hour", [(200, None, 60)]),
        ("qv 80", [(80, None, 15)]),
        ("quick visit 90", [(90, None, 15)]),
        ("150 roses", [(150, "rose", None)]),
        ("$300 overnight", [(300, "USD", OVERNIGHT_MINUTES)]),
        ("half hour 120", [(120, None, 30)]),
        ("hhr 100", [(100, None, 30)]),
        ("hr 200", [(200, None, 60)]),
        ("1hr 200", [(200, None, 60)]),
        ("200 for 1 hr", [(200, None, 60)]),
        ("60 min 200", [(200, None, 60)]),
        ("30 min special 100", [(100, None, 30)]),
        ("2hrs 400", [(400, None, 120)]),
        ("1.5 hrs 300", [(300, None, 90)]),
        ("2 1/2 hrs 450", [(450, None, 150)]),
        ("100/30min", [(100, None, 30)]),
        ("250 USD", [(250, "USD", None)]),
        ("300 dollars", [(300, "USD", None)]),
        ("1500 pesos", [(1500, "MXN", None)]),
        ("£150 an hour", [(150, "GBP", 60)]),
        ("€120/h", [(120, "EUR", 60)]),
        ("AUD 300", [(300, "AUD", None)]),
        ("$1,000 overnight", [(1000, "USD", OVERNIGHT_MINUTES)]),
        ("$199.99", [(199.99, "USD", None)]),
        ("incall: 150", [(150, None, None)]),
        ("500 roses one night", [(500, "rose", OVERNIGHT_MINUTES)]),
    ],
)
def test_prices_found(text: str, want: list[tuple[float, str | None, int | None]]) -> None:
    assert triples(text) == want


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("qv 80 hh 120 hr 200", [15, 30, 60]),  # durations first
        ("80 qv 120 hh 200 hr", [15, 30, 60]),  # amounts first
        ("80qv 120hh 180hr", [15, 30, 60]),
        ("hh $150 hr $250", [30, 60]),
        ("$150 hh, $250 hr", [30, 60]),
        ("50 roses qv, 80 roses hh, 150 roses h", [15, 30, 60]),
        ("1h - 300 roses 350 roses", [60, 60]),  # incall and outcall rates for one duration
        ("QV 80\nHH 120\nHR 200", [15, 30, 60]),
    ],
)
def test_rate_lists_pair_each_amount_with_its_duration(text: str, minutes: list[int]) -> None:
    assert [p["per_minutes"] for p in prices(text)] == minutes


def test_amounts_in_source_order_with_duplicates() -> None:
    assert [p["amount"] for p in prices("hh 100 hr 150 / outcall hh 100")] == [100, 150, 100]


@pytest.mark.parametrize(
    "text",
    [
        "call 702-555-0147",
        "(702) 555 0147 hh",
        "I'm 19yo, 5'4, 120 lbs, 34C-24-36",
        "open 24/7, available 24 hrs",
        "open 10am-10pm",
        "zip 90210",
        "posted 12/25/2016",
        "100% real, 36DD",
        "I'm 22 years old",
        "see you at 11:30",
        "20 minutes from the airport",
        # weights: a number before a weight unit is no price ("pounds" alone is a weight, not money)
        "127 pounds",
        "~ 129 pounds ~ Text me",
        "125lbs",
        "52kg",
        "52 kgs, 165 cm",
        "60 kilos",
    ],
)
def test_not_prices(text: str) -> None:
    assert prices(text) == []


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("150 pounds for an hour", [(150, "GBP", 60)]),
        ("hh 90 pounds", [(90, "GBP", 30)]),
        ("rates: 120 pounds", [(120, "GBP", None)]),
        ("£150", [(150, "GBP", None)]),
    ],
)
def test_pounds_are_money_with_a_duration_or_a_rate_word(text: str, want: list[tuple[float, str, int | None]]) -> None:
    assert triples(text) == want


def test_span_covers_amount_currency_and_duration() -> None:
    text = "rates: $200/hr, call"
    (price,) = prices(text)
    assert text[slice(*price["span"])] == "$200/hr"


def test_span_indexes_the_original_when_the_view_differs() -> None:
    text = "💋 new 💋 ｈｈ １５０ roses"
    (price,) = prices(text)
    assert (price["amount"], price["currency"], price["per_minutes"]) == (150, "rose", 30)
    assert text[slice(*price["span"])] == "ｈｈ １５０ roses"


def test_empty_list_when_nothing_found() -> None:
    assert prices("no numbers here") == []


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_crashes_and_spans_are_inside(text: str) -> None:
    if not text.strip():
        return
    for price in prices(text):
        start, end = price["span"]
        assert 0 <= start < end <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 $hrqvmin/-:.,roses\n"), max_size=60))
def test_price_like_noise_never_crashes(text: str) -> None:
    for amount, _currency, minutes, (start, end) in find_prices(text):
        assert 0 <= start < end <= len(text)
        assert amount >= 10
        assert minutes is None or minutes > 0


_DURATION_PIECES = ["qv", "q.v.", "hh", "half hour", "1/2 hr", "media hora", "overnight", "all night", "one night",
                    "toda la noche", "una noche", "60 min", "90mins", "2 hrs", "1.5 hours", "an hour", "per hr",
                    "fh", "h", "150", "$200", " ", "/", "-", "x", "QV", "Hr", "ONE HOUR", "Full h", "1st hr", "é", "ss", "SS"]


@given(st.lists(st.sampled_from(_DURATION_PIECES), max_size=8).map("".join))
@settings(max_examples=400, deadline=None)
def test_the_first_character_guard_changes_no_duration_match(text: str) -> None:
    import re

    from adtrace.extractors import prices

    unguarded = re.compile(prices._DURATION.pattern.replace(r"(?=[\dqhmoafwntups])", ""), re.I)
    assert unguarded.pattern != prices._DURATION.pattern
    assert [m.span() for m in prices._DURATION.finditer(text)] == [m.span() for m in unguarded.finditer(text)]


def test_durations_in_non_ascii_text_match_as_in_ascii_text() -> None:
    # Emoji text is scanned lower-cased; a long "ſ" keeps the case-insensitive path.
    assert [(a, c, m) for a, c, m, _ in find_prices("🌹 QV 80 HH 120 🌹")] == [(80, None, 15), (120, None, 30)]
    assert [(a, c, m) for a, c, m, _ in find_prices("ſ QV 80 HH 120")] == [(80, None, 15), (120, None, 30)]
    assert [(a, m) for a, _, m, _ in find_prices("🌹 200 roſes 1 HOUR")] == [(200, 60)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 hHqQvVmMinotuafrls./-1/2é🌹", max_size=40))
def test_duration_gate_never_hides_a_duration(text: str) -> None:
    from adtrace.extractors import prices as p

    if p._DURATION.search(text):
        assert p._DURATION_GATE.search(text)
        low = text.lower()
        assert p._DURATION_LOWER.search(low) and p._DURATION_GATE_LOWER.search(low)


def test_currency_before_a_line_break_and_space() -> None:
    # "$" in _CURRENCY_BEFORE also matches before a final newline: "£ \n150" still has its currency.
    assert [(a, c) for a, c, _, _ in find_prices("£\u00a0\n150 hh")] == [(150, "GBP")]
    assert [(a, c) for a, c, _, _ in find_prices("usd 150 hh, x 80 hh")] == [(150, "USD"), (80, None)]

"""Two exact speed gates give what the extractors gave without them: prices skip the amounts of a text
with no duration, currency or rate word; ages skip the title pattern in a window where no two digits
end a line."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.extractors import ages, prices

_PRICE_PIECES = [*"0123456789 $£€-/:.,\n", "150", "200", "1.5k", "hh", "hr", "qv", "min", "roses", "Rose", "r", "100r",
                 "USD", "dollars", "bucks", "donation", "gifts", "pounds", "incall", "Rates", "special", "fee",
                 "cost", "precio", "night", "half hour", "one20", "two hundred", "for 30", "İ", "ſ", "\u212a", "🌹"]
_AGE_PIECES = [*"0123456789 -–—\n,.", "21", "19", " - ", "Sweet", "Candy", "Incall", "New", "in town", "555-0147",
               "36DD", "hh", "over", "I'm", "yo", "\r", "🌹"]


def _ungated_prices(text: str, monkeypatch: pytest.MonkeyPatch) -> object:
    with monkeypatch.context() as m:
        m.setattr(prices, "_may_be_money", lambda _text, _spelled: True)
        return prices.find_prices(text)


@given(st.lists(st.sampled_from(_PRICE_PIECES), max_size=30).map("".join))
@settings(max_examples=800, deadline=None, derandomize=True)
def test_money_gate_changes_no_price(text: str) -> None:
    with pytest.MonkeyPatch.context() as mp:
        assert prices.find_prices(text) == _ungated_prices(text, mp)


def test_money_gate_skips_a_text_without_money() -> None:
    def money(text: str) -> bool:
        return prices._may_be_money(text, text)

    assert not money("call 702 555 0147, 5'6 125 lbs, available now")
    assert money("Incall 150") and money("100R") and money("$80") and money("two hundred roses")


@given(st.lists(st.sampled_from(_AGE_PIECES), max_size=30).map("".join))
@settings(max_examples=800, deadline=None, derandomize=True)
def test_title_gate_changes_no_age(text: str) -> None:
    gated = ages.find_ages(text)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ages, "_TITLE_END", re.compile(""))  # matches everywhere: the pattern always runs
        assert ages.find_ages(text) == gated


def test_title_age_still_read() -> None:
    assert [a for a, _ in ages.find_ages("Sweet and new in town - 21\nCall me")] == [21]
    assert [a for a, _ in ages.find_ages("Candy 555-0147 - 23")] == [23]

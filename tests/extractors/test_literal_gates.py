"""The extractors' literal gates found in one pass (adtrace.extractors.literals) say what a search for
each gate's literals in the lower-cased text says."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.extractors import ages, handles, payments, phones, prices  # noqa: F401  (they declare their gates)
from adtrace.extractors.literals import _GATES, present

_PIECES = [*"abc 019$£€.-/\n?", "İ", "\u212a", "🌹", "Teen", "TWENTY", "veint", "Instagram.com/x", "t.me/", "fb.",
           "ROSES", "rate", "Incall", "in-call", "fee", "dol", "x.com/", "sixty", "quince", "Hundred", "fourty", "NINETY",
           "one ", "two-", "a "]


def _naive(text: str) -> frozenset[str]:
    low = text.lower()
    return frozenset(name for name, literals in _GATES.items() if any(lit in low for lit in literals))


@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
@settings(max_examples=600, deadline=None, derandomize=True)
def test_one_pass_finds_what_each_search_finds(text: str) -> None:
    assert present(text) == _naive(text)


def test_the_extractors_gates_are_declared() -> None:
    assert {"ages.spelled", "handles.url", "prices.money", "prices.hundreds"} <= set(_GATES)
    assert present("Sweet NINETEEN, snapchat.com/add/x, 150 roses") >= {"ages.spelled", "handles.url", "prices.money"}
    assert present("call 702 555 0147") == frozenset()


_URL_PIECES = [*"ab.-/@ \n", "http", "HTTPS://", "www", "WWW.", "com", ".Com", "co", "uk", "me", "site", "x", "ſ", "İ",
               "example", "/path", "@"]


@given(st.lists(st.sampled_from(_URL_PIECES), max_size=20).map("".join))
@settings(max_examples=600, deadline=None, derandomize=True)
def test_no_link_literal_no_link(text: str) -> None:
    from adtrace.text.links import find_urls
    from adtrace.text.lowered import lowered

    if lowered(text) is not None and "phones.links" not in present(text):
        assert find_urls(text) == []



@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
@settings(max_examples=600, deadline=None, derandomize=True)
def test_spelled_hundreds_behind_the_gate_as_with_it_open(text: str) -> None:
    gated = prices._spelled_hundreds(text)
    with pytest.MonkeyPatch.context() as mp:  # the reference: the pattern run on every text
        mp.setattr(prices, "present", lambda _text: frozenset({"prices.hundreds"}))
        assert gated == prices._spelled_hundreds(text)

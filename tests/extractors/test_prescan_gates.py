"""The extractors' gates in hyperscan's one pass (adtrace.text.prescan) are supersets of the Python
searches they stand in for: where a gate is absent, the search finds nothing (so skipping it is exact)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.extractors import emails, phones
from adtrace.text import prescan
from adtrace.text.lowered import lowered

pytestmark = pytest.mark.skipif(not prescan.available(), reason="hyperscan has no wheel for this platform")

_SPACES = [" ", "\t", "\n", "\x1c", "\xa0", "\u2003", "\u3000", "\x85"]
_EMAIL_PIECES = [*_SPACES, *"[](){}<>.-@", "at", "AT", "dot", "DOT", "candy", "x1", "gmail", "Yahoo", "live", "alive",
                 "é", "🌹", "İ", "com"]
_SPACED_PIECES = [*_SPACES, *" .*_~-", "s", "E", "v", "n", "a", "é", "Ж", "🌹", "_", "7", "K", "\u212a", "İ"]


def _gate(text: str, name: str) -> bool:
    prescan.scan.cache_clear()
    found = prescan.scan(text)
    assert found is not None
    return name in found.gates


@given(st.lists(st.sampled_from(_EMAIL_PIECES), max_size=30).map("".join))
@settings(max_examples=1500, deadline=None, derandomize=True)
def test_no_email_gate_no_spelled_hint(text: str) -> None:
    low = lowered(text)
    if low is not None and not _gate(text, "emails.spelled"):
        assert emails._SPELLED_HINT.search(low) is None


@given(st.lists(st.sampled_from(_SPACED_PIECES), max_size=40).map("".join))
@settings(max_examples=1500, deadline=None, derandomize=True)
def test_no_spaced_gate_no_letter_by_letter_word(text: str) -> None:
    if lowered(text) is not None and not _gate(text, "phones.spaced"):
        assert phones._SPACED_GATE.search(text) is None


def test_the_gates_fire_on_what_they_stand_for() -> None:
    assert _gate("mail me: candy at yahoo", "emails.spelled")
    assert _gate("candy [at] mail\u2003[dot] com", "emails.spelled")
    assert not _gate("meet me at your place", "emails.spelled")
    assert _gate("call s e v e n", "phones.spaced")
    assert not _gate("call seven", "phones.spaced")

"""The phone units found through hyperscan's candidates (adtrace.extractors.phoneunits, with
adtrace.text.prescan) are exactly the matches of the unit pattern's scan of the whole text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.extractors import phoneunits
from adtrace.extractors.phoneunits import PRESCAN_MIN, UNIT, UNIT_LOWER, unit_matches
from adtrace.text import prescan
from adtrace.text.lowered import lowered

# Spelled digits and homophones (glued, alone, in words), digits in words ("thr33", "zer0"), letters and
# separators of every class the patterns tell apart: non-ASCII letters and digits, emoji, a lone
# surrogate, "_", the four characters that stop the lowered path, a Chinese digit.
_PIECES = [*"0123456789 _-.*~/\n", "a", "i", "l", "o", "I", "L", "O", "seven", "SEVEN", "fyve", "oh", "to", "too", "for",
           "ten", "won", "ate", "two", "tw0", "thr33", "zer0", "nin3", "un0", "twenty", "thousand", "grand", "dos",
           "todos", "tofour", "someone", "alone", "é", "ñ", "٣", "²", "🌹", "\ud83d", "İ", "\u212a", "七", "x", "tree"]


def _reference(text: str) -> list[tuple[int, int, str]]:
    low = lowered(text)
    found = UNIT.finditer(text) if low is None else UNIT_LOWER.finditer(low)
    return [(m.start(), m.end(), m.group(0)) for m in found]


def _fast(text: str) -> list[tuple[int, int, str]]:
    prescan.scan.cache_clear()
    return [(m.start(), m.end(), m.group(0)) for m in unit_matches(text)]


@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
@settings(max_examples=1500, deadline=None, derandomize=True)
def test_candidate_scan_finds_what_the_whole_scan_finds(text: str) -> None:
    text = text.rjust(PRESCAN_MIN, " ")  # shorter texts take the whole scan anyway
    assert _fast(text) == _reference(text)


@pytest.mark.skipif(not prescan.available(), reason="hyperscan has no wheel for this platform")
def test_the_candidates_are_used() -> None:
    text = "Call me: seven oh two, 555 ... zer0147 or 702-555-0147, thr335 ~ " * 2
    assert len(text) >= PRESCAN_MIN
    found = prescan.scan(text)
    assert found is not None and found.spans["phones.spelled"]
    assert _fast(text) == _reference(text)
    assert "zer0" in [t for _, _, t in _fast(text)]


def test_without_hyperscan_the_whole_scan_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "seven oh two 555 0147 and a long enough tail of words to pass the length gate"
    expected = _reference(text)
    monkeypatch.setattr(prescan, "_hs", None)
    prescan.scan.cache_clear()
    assert prescan.scan(text) is None
    assert [(m.start(), m.end(), m.group(0)) for m in phoneunits.unit_matches(text)] == expected
    prescan.scan.cache_clear()

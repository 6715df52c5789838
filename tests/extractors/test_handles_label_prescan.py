"""The handles' label scan through hyperscan's one pass (adtrace.text.prescan) gives exactly the matches
of the whole-text scan it stands in for: the pass only says where a label may start, and the pattern
is tried there (`handles._label_matches`)."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.extractors import handles
from adtrace.text import prescan
from adtrace.text.lowered import lowered

pytestmark = pytest.mark.skipif(not prescan.available(), reason="hyperscan has no wheel for this platform")

_PIECES = [*handles._LABELS, "SNAP", "Kik", "IG", " ", "  ", "\t", "\n", "\xa0", "\u2003", ":", "=", "-", "@", "=>",
           "->", "➡️", "👉", " is ", " me ", " id", " name", " username", "candy", "x_1", "fun", "the", "_", "a",
           "7", "é", "Ж", "加", "号", "：", "🌹", "İ", "\u212a", "?", ".", "maxsnap", "sexy"]


def _reference(text: str) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    """The matches as before the pass: the whole scan, refused matches left out."""
    low = lowered(text)
    if low is None:
        found = list(handles._LABELLED.finditer(text))
    else:
        found = [m for m in handles._LABELLED_LOWER.finditer(low) if not (m.start() and handles._glued(text[m.start() - 1]))]
    return [(m.span(), m.groupdict()) for m in found]


def _fast(text: str) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    prescan.scan.cache_clear()
    return [(m.span(), m.groupdict()) for m in handles._labelled(text)]


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
@settings(max_examples=2000, deadline=None, derandomize=True)
def test_label_matches_equal_the_whole_scan(text: str) -> None:
    assert _fast(text) == _reference(text)


@given(st.text(alphabet=st.sampled_from("snapigkxoflwe :=-@_7é🌹\n"), max_size=60))
@settings(max_examples=1500, deadline=None, derandomize=True)
def test_label_matches_equal_the_whole_scan_on_letter_soup(text: str) -> None:
    assert _fast(text) == _reference(text)


def test_the_pass_is_used_and_finds_labels() -> None:
    assert handles._SUFFIX_FREE  # else the pass is not registered and every text takes the scan
    text = "new in town! snapchat: candy_22, ig @candy.x, the best of the best, maxsnap: no"
    prescan.scan.cache_clear()
    found = prescan.scan(text)
    assert found is not None and found.spans.get("handles.label")
    assert _fast(text) == _reference(text)
    assert [m.group("label") for m in handles._labelled(text)] == ["snapchat", "ig", "of"]
    assert [(p, h) for p, h, _ in handles.find_handles(text)] == [("snapchat", "candy_22"), ("instagram", "candy.x")]


def test_labels_beyond_latin1_take_the_whole_scan() -> None:
    text = "微信: candy88 👻: candy_x"
    assert _fast(text) == _reference(text)
    assert [p for p, _, _ in handles.find_handles(text)] == ["wechat", "snapchat"]


def test_no_label_ends_another_after_a_space() -> None:
    # What keeps one reported start per match end exact (see handles._SUFFIX_FREE).
    seconds = {lab.split(" ")[-1] for lab in handles._LABELS if " " in lab}
    assert not seconds & set(handles._LABELS)
    assert all(re.fullmatch(r"[a-z ]+", lab) for lab in handles._ENCODED_LABELS)

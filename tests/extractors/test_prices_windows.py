"""`prices._windows` (rewritten for speed without max()/min() calls) gives the windows of the plain form."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.extractors import prices


def _reference(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in prices._DIGIT_RUNS.finditer(text):
        a, b = max(0, m.start() - 40), min(len(text), m.end() + 40)
        if spans and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    return spans


@settings(max_examples=400, deadline=None, derandomize=True)
@given(parts=st.lists(st.one_of(st.from_regex(r"\d{1,5}", fullmatch=True), st.sampled_from(["1k", "1.5k", "k", "."]),
                                st.text(alphabet="ab \n", min_size=0, max_size=90)), max_size=12))
def test_windows_as_the_plain_form(parts: list[str]) -> None:
    text = "".join(parts)
    assert prices._windows(text) == _reference(text)


def test_windows_merge_and_clip_at_both_ends() -> None:
    text = "12" + "x" * 60 + "34" + "y" * 100 + "56"
    assert prices._windows(text) == _reference(text) == [(0, 104), (124, 166)]

"""fold_text's fast path (bytes table, then only the non-ASCII letters and digits one by one) must give
what translating every character through the fold tables gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.places.gazetteer import FOLD_CI, FOLD_CS, fold_text

_MIXED = st.text(alphabet=st.sampled_from(list("aZ?é É ß ẞ İ ı ſ K Ж ж 中文 ①ⓐ𝐀 ½ ² ٣ 😀 ️ \n\t.,-'ǅ ﬁ Å")), max_size=40)


def _reference(text: str) -> tuple[str, str]:
    cased = text.translate(FOLD_CS)
    return cased.translate(FOLD_CI), cased


@given(st.one_of(_MIXED, st.text(max_size=30)))
@settings(max_examples=500, deadline=None)
def test_fold_text_equals_the_per_character_tables(text: str) -> None:
    assert fold_text(text) == _reference(text)


def test_fold_text_keeps_one_character_per_character() -> None:
    text = "Visiting São Paulo 😀 ẞtraße, İzmir, 北京 ①"
    low, cased = fold_text(text)
    assert len(low) == len(cased) == len(text)
    assert cased.startswith("Visiting Sao Paulo   ") and low.startswith("visiting sao paulo   ")

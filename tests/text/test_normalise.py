from hypothesis import given
from hypothesis import strategies as st

from adtrace.text import normalise


def test_ascii_is_identity() -> None:
    v = normalise("call 702")
    assert v.identity and v.text == "call 702" and v.span(5, 8) == (5, 8)


def test_fullwidth_circled_keycap_and_math_digits() -> None:
    src = "７０２ ①②③ 4️⃣5️⃣ 𝟔𝟕"
    v = normalise(src)
    assert v.text == "702 123 45 67"
    start = v.text.index("45")
    a, b = v.span(start, start + 2)
    assert src[a:b] == "4️⃣5️⃣"


def test_homoglyphs_folded_only_in_mixed_words() -> None:
    v = normalise("7О2 саll привет")  # Cyrillic О in a number, Cyrillic с/а in a Latin word
    assert v.text.startswith("7O2 call ")  # Latin O, which the phone reader takes as 0
    assert v.text.endswith("привет")  # real Cyrillic prose untouched


def test_invisibles_dropped_with_offsets() -> None:
    src = "70\u200b2"
    v = normalise(src)
    assert v.text == "702"
    assert v.span(0, 3) == (0, 4)


@given(st.text())
def test_offsets_round_trip(text: str) -> None:
    v = normalise(text)
    assert len(v.text) >= 0
    for i in range(len(v.text)):
        a, b = v.span(i, i + 1)
        assert 0 <= a < b <= len(text)
    if v.text:
        a, b = v.span(0, len(v.text))
        assert 0 <= a <= b <= len(text)
    # Monotone: view order follows original order.
    if v.starts is not None:
        assert v.starts == sorted(v.starts)

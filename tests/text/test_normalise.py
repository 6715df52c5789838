from hypothesis import given
from hypothesis import strategies as st

from adtrace.text import normalise
from adtrace.text.confusables import HOMOGLYPHS


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


def test_named_html_entities_read_as_their_characters() -> None:
    """Job boards' exports keep "&amp;", "&nbsp;", "&rsquo;" in the text: read as the characters, each
    mapped to its whole entity; a name HTML does not define stays as written."""
    src = "R&amp;D team, don&rsquo;t pay&nbsp;fees &foo; here"
    v = normalise(src)
    assert v.text == "R&D team, don’t pay fees &foo; here"
    amp = v.text.index("&D")
    assert src[slice(*v.span(amp, amp + 1))] == "&amp;"
    tail = v.text.index("&foo;")
    assert src[slice(*v.span(tail, tail + 5))] == "&foo;"


def test_a_phone_written_with_no_break_space_entities() -> None:
    from adtrace.extractors.phones import find_phones

    src = "call 702&nbsp;555&nbsp;0147 now"
    [phone] = find_phones(normalise(src), ("US",))
    assert phone[0] == "+17025550147"
    assert src[slice(*phone[1])] == "702&nbsp;555&nbsp;0147"


@given(st.lists(st.sampled_from(["&", "amp;", "nbsp;", "rsquo;", "fjlig;", "foo;", "#48;", "a", "7", " ", "é",
                                  "\\u0037"]), max_size=20).map("".join))
def test_entity_soup_keeps_offsets(text: str) -> None:
    v = normalise(text)
    for i in range(len(v.text)):
        a, b = v.span(i, i + 1)
        assert 0 <= a < b <= len(text)


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


# Characters that fold (dropped marks, multi-character and digit forms, look-alikes) among plain ones.
_FOLDING = "ab7 \u200b\ufe0f\u20e3‼７⓪①𝟕саО😀é\u0301¼\xa0ℓ\u00ad"


def test_dropped_mark_extends_only_the_last_char_it_follows() -> None:
    src = "x‼\ufe0fy"  # "‼" folds to "!!"; the variation selector after it is dropped
    v = normalise(src)
    assert v.text == "x!!y"
    assert v.span(1, 2) == (1, 2)  # the first "!" is the "‼" alone
    assert v.span(2, 3) == (1, 3)  # the last one also covers the dropped mark
    assert v.span(3, 4) == (3, 4) and v.span(0, 4) == (0, 4)


def test_copied_stretches_keep_their_offsets_around_folds() -> None:
    src = "call 😀\ufe0f ７０２ now"
    v = normalise(src)
    assert v.text == "call 😀 702 now"
    i = v.text.index("702")
    assert src[slice(*v.span(i, i + 3))] == "７０２"
    j = v.text.index("now")
    assert src[slice(*v.span(j, j + 3))] == "now"
    assert not v.changed(j, j + 3) and v.changed(i, i + 3)


@given(st.text(alphabet=st.sampled_from(_FOLDING), max_size=20))
def test_each_view_char_comes_from_its_span(text: str) -> None:
    v = normalise(text)
    prev = 0
    for i in range(len(v.text)):
        a, b = v.span(i, i + 1)
        assert prev <= a < b <= len(text)  # monotone, never empty
        prev = a
        # the original characters of the span fold to a text holding this view character (a look-alike
        # folds only inside a mixed word: alone it stays, so its table says)
        alone = normalise(text[a:b]).text
        assert v.text[i] in alone or v.text[i] == HOMOGLYPHS.get(alone) or v.text[i] == "\u0301"

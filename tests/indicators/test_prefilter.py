"""The speed paths of matching: which patterns a text may match, and the squeezed-space offset map."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.indicators import registry
from adtrace.indicators.matcher import searchable
from adtrace.indicators.prefilter import Prefilter, without_lookarounds
from adtrace.text import normalise


def test_a_text_without_a_patterns_words_skips_it() -> None:
    f = Prefilter([r"\b(?:keep|hold)\s+(?:your\s+)?(?:passports?|id cards?)\b", r"\bcash\s+daily|daily\s+cash"])
    assert f.candidates("we keep your passport") == {0}
    assert f.candidates("paid daily in cash") == {1}
    assert f.candidates("paid weekly") == set()


def test_patterns_that_need_no_literal_or_that_re2_cannot_read_always_run() -> None:
    f = Prefilter([r"\d+|fee", r"(?:abc)?", r"(a)\1", "passport"])  # a backreference: not RE2 syntax
    assert f.candidates("nothing") == {0, 1, 2}


def test_lookarounds_are_cut_without_touching_escapes_or_classes() -> None:
    assert without_lookarounds(r"\bhigh school\b(?!\s*(?:diploma|grad\b))") == r"\bhigh school\b"
    assert without_lookarounds(r"a\(?!b)c[(?!)]d(?<=x)e") == r"a\(?!b)c[(?!)]de"
    assert Prefilter([r"\bprepa\b(?!\s+terminada)"]).candidates("no match here") == set()


_WORDS = st.sampled_from(["cash", "daily", "fee of", "1", "9", "passport", "id", "card", "ab", "  ", "\n", " ",
                          "every day", "x", "high school", "diploma", "(", "é"])
_PATTERNS = [r"\bcash\s+daily\b", r"\bfee of\s?\d", r"(?:passports?|id cards?)\s+kept", r"\b(?:ab|x)+\s*1",
             r"daily|every day", r"1[0-9]\s*(?:-|to)\s*2\d", r"\bhigh school\b(?!\s*diploma)", r"(?<!x)\(é"]


@given(st.lists(_WORDS, max_size=12))
@settings(max_examples=300, deadline=None)
def test_a_skipped_pattern_never_had_a_match(words: list[str]) -> None:
    text = " ".join(words)
    maybe = Prefilter(_PATTERNS).candidates(text)
    for i, pattern in enumerate(_PATTERNS):
        if re.search(pattern, text):
            assert i in maybe, pattern


def test_no_lexicon_pattern_is_skipped_on_its_own_examples() -> None:
    # Every indicator's examples, run through the lexicon patterns the registry compiled.
    m = registry.matcher()
    units = [unit for group in m._groups for unit in group.units]  # by alternative id
    patterns = [re.compile(unit) for unit in units]
    prefilter = Prefilter(units)  # the registry's matcher uses hyperscan where it runs (test_supersets)
    for ind in registry.all_indicators():
        for ex in (*ind.positive, *ind.negative):
            text = searchable(normalise(ex.text)).text
            maybe = prefilter.candidates(text)
            assert all(i in maybe for i, p in enumerate(patterns) if p.search(text)), (ind.id, ex.text)


@given(st.text(alphabet="ab \n\tC", max_size=40))
@settings(max_examples=300, deadline=None)
def test_squeezed_offsets_map_back_to_the_same_characters(text: str) -> None:
    s = searchable(normalise(text))
    assert "  " not in s.text
    for i, ch in enumerate(s.text):
        a, b = s.span(i, i + 1)
        assert b == a + 1
        original = text[a].lower()
        assert original == ch or (ch == " " and original.isspace())
    if s.text:
        a, b = s.span(0, len(s.text))
        assert text[a:b].lower().split() == s.text.split()

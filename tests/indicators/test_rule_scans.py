"""The rules' faster scans find what the former whole-text scans found.

`text_lacks` searches only the terms hyperscan's superset pass says can occur; `short_text` counts CJK
characters only in a text that holds one; `_BARE_AGE` tries its lookbehind after the "1". Each is
compared with the former code on texts built from the rules' own words and the characters around them.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.indicators import catalogue, supersets
from adtrace.indicators.base import Subject
from adtrace.indicators.rules import _BARE_AGE, _CJK, _any_of, short_text


def _terms() -> tuple[str, ...]:
    d = next(x for x in catalogue.catalogue()["indicators"] if x["id"] == "labor.vague_employer.v1")
    return tuple(str(t) for t in d["params"]["terms"])


def _whole(terms: tuple[str, ...]) -> re.Pattern[str]:
    """The former pattern: every term in one alternation, tried at every character (kept as the path
    without hyperscan)."""
    return _any_of(terms)._whole


_WORDS = sorted({w for t in _terms() for w in re.findall(r"[a-z'’-]+|[^\x00-\x7f]", t.removeprefix("re:"))}
                | {"is", "are", "a", "an", "the", "company", "firm", "startup", "1998", "2004", "since", "our"})
# Whole terms (and texts the two patterns match), cut short at random: most pieces are near-misses.
_PHRASES = [t.lower() for t in _terms() if not t.startswith("re:")] + [
    "since 1998", "since 2021", "is a company", "are the leading staffing agency", "is an award winning firm"]
_CUT = st.builds(lambda p, k: p[:k] if k else p, st.sampled_from(_PHRASES), st.one_of(st.just(0), st.integers(1, 12)))
_PIECES = st.one_of(_CUT, st.sampled_from(_WORDS), st.sampled_from([" ", "  ", "-", "'", "\u00a0", "x", "_", "1"]),
                    st.characters(codec="utf-8"))


@pytest.mark.skipif(not supersets.available(), reason="hyperscan runs on Linux x86-64 only")
@settings(max_examples=2000, deadline=None)
@given(st.lists(_PIECES, max_size=30))
def test_text_lacks_search_equals_the_whole_alternation(pieces: list[str]) -> None:
    terms = _terms()
    text = " ".join("".join(pieces).lower().split())
    assert _any_of(terms).search(text) == (_whole(terms).search(text) is not None)


@pytest.mark.skipif(not supersets.available(), reason="hyperscan runs on Linux x86-64 only")
def test_text_lacks_search_finds_each_term() -> None:
    terms = _terms()
    for phrase in ("we are a", "our mission", "since 1998", "acme is a small family company", "公司简介"):
        text = f"apply today, {phrase} and more"
        assert _whole(terms).search(text) is not None
        assert _any_of(terms).search(text)
    assert not _any_of(terms).search("work from home, earn weekly. apply now.")


def _former_words(text: str) -> float:
    return len(_CJK.sub(" ", text).split()) + len(_CJK.findall(text)) / 2.0


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["word", " ", "\n", "公司", "简", "\u00e9t\u00e9", "\U0001f600", "\u3000", "x"]),
                max_size=60))
def test_short_text_counts_as_before(pieces: list[str]) -> None:
    text = "".join(pieces)
    words = _former_words(text)
    for limit in range(int(words) - 1, int(words) + 3):  # thresholds around the count: a miscount shows
        fired = bool(short_text(Subject.of(text), {"max_words": limit, "cjk_chars_per_word": 2}))
        assert fired == (bool(text.strip()) and words < limit)


_FORMER_BARE_AGE = re.compile(r"(?<![\d$.,:/])(1[89])(?!\d|[:.,]\d|\s*(?:%|k\b|\$|usd|min|hr|h\b|hours?|/))")


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="1189 0$.,:/%kusdminhr\na_", max_size=16))
def test_bare_age_matches_as_before(text: str) -> None:
    assert [m.span(1) for m in _BARE_AGE.finditer(text)] == [m.span(1) for m in _FORMER_BARE_AGE.finditer(text)]


def test_hits_gate_as_any_non_empty_hits_of_the_terms() -> None:
    from adtrace.indicators.base import Hit
    from adtrace.indicators.rules import _hits_of_terms

    gate = _hits_of_terms({"terms_of": ["minor.youth_terms.v1", "minor.euphemisms.v1"]})
    subject = Subject.of("text")
    for hits, expect in [({}, False), ({"other.v1": [Hit(0, "x", (0, 1))]}, False),
                         ({"minor.euphemisms.v1": []}, False),  # an empty list is no hit, as before
                         ({"minor.euphemisms.v1": [Hit(0, "x", (0, 1))]}, True)]:
        subject.hits = hits
        assert gate(subject) is expect

"""The hyperscan superset pass of the indicator matcher never skips a pattern that matches.

`Gate.possible(text)` must hold every lexicon alternative Python's `re` finds a match for in `text`:
checked on texts built from the patterns' own words, digits, signs and the characters where a
rewrite could go wrong (Unicode spaces and digits, accented letters, CJK, emoji, "’"), on every
indicator's examples, and on realistic synthetic documents (with test_literal_gate.py, which
compares whole hits with every pattern run).
"""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.indicators import registry, supersets
from adtrace.indicators.matcher import searchable
from adtrace.text import normalise

pytestmark = pytest.mark.skipif(not supersets.available(), reason="hyperscan wheels are Linux x86-64 only")


def _units() -> list[str]:
    return [unit for group in registry.matcher()._groups for unit in group.units]


def _words() -> list[str]:
    return sorted({w for unit in _units() for w in re.findall(r"[^\W\d_]+", unit)})


_ODD = ["\u00a0", "\u2003", "\u3000", "\x1c", "\x85", "\u0663", "\uff15", "é", "ñ", "’", "–", "—", "高中", "位",
        "小姐", "岁", "🔥", "💋", "$", "%", "@", ".", ",", "-", "/", ":", "'", "1", "18", "2", "25", "100", "500",
        "1,000", "gmail.com", " ", "\n"]


@pytest.fixture(scope="module")
def gate() -> supersets.Gate:
    return supersets.Gate(_units())


def test_every_lexicon_pattern_is_rewritten(gate: supersets.Gate) -> None:
    # None is left to run always (an Unsupported construct would show here first).
    assert gate.always == set()


def test_spaces_are_exactly_python_whitespace() -> None:
    listed = set()
    for part in re.findall(r"\\x\{([0-9a-f]+)\}(?:-\\x\{([0-9a-f]+)\})?|\\([tnr])|( )", supersets.SPACES):
        lo, hi, esc, space = part
        if esc:
            listed.add({"t": 9, "n": 10, "r": 13}[esc])
        elif space:
            listed.add(32)
        else:
            listed.update(range(int(lo, 16), int(hi or lo, 16) + 1))
    assert listed == {c for c in range(sys.maxunicode + 1) if chr(c).isspace()}


@given(st.lists(st.one_of(st.sampled_from(_words()), st.sampled_from(_ODD)), max_size=16),
       st.lists(st.sampled_from([" ", "", "  "]), min_size=16, max_size=16))
@settings(max_examples=400, deadline=None)
def test_a_skipped_pattern_never_had_a_match(words: list[str], gaps: list[str]) -> None:
    text = searchable(normalise("".join(w + g for w, g in zip(words, gaps, strict=False)))).text
    assert _GATE is not None
    maybe = _GATE.possible(text)
    for k, pattern in enumerate(_COMPILED):
        if pattern.search(text):
            assert k in maybe, _UNITS[k]


def test_no_pattern_is_skipped_on_the_indicators_examples(gate: supersets.Gate) -> None:
    compiled = [re.compile(u) for u in _units()]
    matched = 0
    for ind in registry.all_indicators():
        for ex in (*ind.positive, *ind.negative):
            text = searchable(normalise(ex.text)).text
            maybe = gate.possible(text)
            for k, p in enumerate(compiled):
                if p.search(text):
                    matched += 1
                    assert k in maybe, (ind.id, ex.text)
    assert matched > 10  # the examples do exercise the patterns


def test_a_text_utf8_cannot_encode_runs_every_pattern(gate: supersets.Gate) -> None:
    assert gate.possible("your bank account \ud800") == set(range(gate.count))


@pytest.mark.parametrize("pattern", [r"(a)\1", r"^abc", r"abc$", r"(?i)abc", r"(?P<x>a)", r"a{,3}", r"a++"])
def test_constructs_the_rewrite_does_not_know_are_refused(pattern: str) -> None:
    with pytest.raises(supersets.Unsupported):
        supersets.superset(pattern)
    assert supersets.Gate([pattern, "abc"]).always == {0}


def test_rewrites_are_supersets_on_hand_written_cases() -> None:
    cases = {r"\bfee of \$?\s?\d": ["fee of $\u00a05", "fee of \u0665"],
             r"[^。，,.!！]{0,2}保管": ["证件x保管", "\u2003保管"],
             r"(?:护照|证件)[^,.]{0,3}(?:扣押)": ["护照🔥🔥扣押"],
             r"\bage\s*:?\s*1[6-9]\s*(?:-|–)\s*2\d\b": ["age:18–25", "age 16\u3000-\u300029"],
             r"[\w.+-]+@(?:gmail)\.[a-z.]{2,6}\b": ["é.x@gmail.com"]}
    for pattern, texts in cases.items():
        gate = supersets.Gate([pattern])
        for text in texts:
            assert re.search(pattern, text), (pattern, text)
            assert gate.possible(text) == {0}, (pattern, text)
        assert gate.possible("nothing here at all") == set()


_UNITS = _units() if supersets.available() else []
_COMPILED = [re.compile(u) for u in _UNITS]
_GATE = supersets.Gate(_UNITS) if supersets.available() else None


def test_the_compiled_database_is_cached_and_a_bad_cache_is_recompiled(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    patterns = [r"\bfree\s+(?:visa|housing)\b", r"\bkeep\s+your\s+passports?\b"]
    first = supersets.Gate(patterns)
    cached = list((tmp_path / "adtrace" / "hyperscan").glob("*.hsdb"))
    assert len(cached) == 1
    assert supersets.Gate(patterns).possible("we keep your passport") == first.possible("we keep your passport") == {1}
    cached[0].write_bytes(b"not a database")
    assert supersets.Gate(patterns).possible("free  housing") == {0}

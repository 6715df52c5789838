"""The prefilter gate of the indicator matcher (speed) must not change a single hit.

The matcher runs an alternative of a lexicon group's patterns only when hyperscan's superset pass
(or, without hyperscan, RE2's prefilter) says it may match. The reference here runs every alternative on every
text; both must give the same hits, on realistic synthetic ads and job posts and on texts built from
the patterns' literals themselves.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.documents import Document
from adtrace.indicators.matcher import Matcher
from adtrace.indicators.registry import matcher
from adtrace.synth import generate
from adtrace.text import normalise


class _Everything:
    def __init__(self, n: int) -> None:
        self.n = n

    def candidates(self, text: str) -> set[int]:
        return set(range(self.n))


def _ungated(m: Matcher) -> Matcher:
    ref = Matcher.__new__(Matcher)
    ref.__dict__.update(m.__dict__)
    ref._gate = None  # neither hyperscan's superset pass nor RE2's atoms:
    ref._prefilter = _Everything(m.alternatives)  # every alternative runs, whatever the text holds
    return ref


def test_gate_changes_no_hit_on_realistic_synthetic_documents() -> None:
    m = matcher()
    ref = _ungated(m)
    docs = [Document.from_dict(d) for d, _ in generate(400, seed=3, profile="realistic")
            if d.get("type", "document") == "document"]
    assert any(d.kind == "job" for d in docs)
    hits = 0
    for doc in docs:
        view = normalise(doc.full_text)
        got = m.find(view)
        assert got == ref.find(view)
        hits += sum(map(len, got.values()))
    assert hits > 0


def _literals() -> list[str]:
    """Letter runs written in the patterns (the strings the prefilter looks for, and their near misses)."""
    return sorted({w for group in matcher()._groups for unit in group.units for w in re.findall(r"[^\W\d_]{2,}", unit)})


@given(st.lists(st.one_of(st.sampled_from(_literals()),
                          st.sampled_from([" ", "\n", "$", "1", "18", "25", "500", " per ", "week", "your", " us "])),
                max_size=14))
@settings(max_examples=300, deadline=None)
def test_gate_changes_no_hit_on_texts_made_of_literals(parts: list[str]) -> None:
    m = matcher()
    view = normalise(" ".join(parts))
    assert m.find(view) == _ungated(m).find(view)

"""The one-pass literal gate of the indicator matcher (speed) must not change a single hit.

The matcher runs an alternative of a lexicon group's patterns only when the automaton pass saw one of
its required literals. The reference here runs every alternative on every text; both must give the
same hits, on
realistic synthetic ads and job posts and on texts built from the literals themselves.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.documents import Document
from adtrace.indicators.matcher import Matcher
from adtrace.indicators.registry import matcher
from adtrace.synth import generate
from adtrace.text import normalise


def _ungated(m: Matcher) -> Matcher:
    ref = Matcher.__new__(Matcher)
    ref.__dict__.update(m.__dict__)
    ref._always = frozenset(range(m.alternatives))  # every alternative runs, whatever the text holds
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
    return sorted({lit for group in matcher()._groups for lits in group.literals() for lit in lits or ()})


@given(st.lists(st.one_of(st.sampled_from(_literals()),
                          st.sampled_from([" ", "\n", "$", "1", "18", "25", "500", " per ", "week", "your", " us "])),
                max_size=14))
@settings(max_examples=300, deadline=None)
def test_gate_changes_no_hit_on_texts_made_of_literals(parts: list[str]) -> None:
    m = matcher()
    view = normalise(" ".join(parts))
    assert m.find(view) == _ungated(m).find(view)

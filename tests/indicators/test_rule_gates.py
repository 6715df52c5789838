"""The speed gates of `indicate` must not change one fired indicator.

`indicate` skips a rule whose `can_fire` test says it finds nothing, walks only the indicators that
apply to the document's kind, and asks a lexicon-only indicator only when the matcher found hits for
it. The reference below walks every active indicator and calls every `detect`, as before the gates.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.documents import Document
from adtrace.indicators import registry
from adtrace.indicators.base import Subject, evidence
from adtrace.pipeline import Pipeline
from adtrace.pipeline.process import RECORD_FIELDS
from adtrace.synth import generate


def _reference(text: str, record: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    m = registry.matcher()
    subject = Subject.of(text, record, kind)
    subject.hits = m.find(subject.view)
    out = []
    for ind in registry.active_indicators():
        spans = ind.detect(subject)
        if spans:
            out.append({"id": ind.id, "category": ind.category, "weight": ind.weight,
                        "evidence": evidence(text, spans)})
    return out


def _records(n: int, seed: int) -> list[tuple[str, dict[str, Any], str]]:
    pipe = Pipeline()
    out = []
    for d, truth in generate(n, seed=seed):
        if truth.get("type", "document") != "document":
            continue
        doc = Document.from_dict(d)
        rec = pipe.extract(doc)
        out.append((doc.full_text, {f: rec.get(f, []) for f in RECORD_FIELDS}, doc.kind))
    return out


def test_indicate_fires_as_the_full_walk_on_synthetic_documents() -> None:
    docs = _records(300, seed=23)
    fired = 0
    for text, record, kind in docs:
        got = registry.indicate(text, record, kind)
        assert got == _reference(text, record, kind)
        fired += len(got)
    assert fired > 50  # the corpus makes indicators fire, so the comparison is not vacuous


def test_indicate_fires_as_the_full_walk_for_every_kind_on_the_other_kinds_texts() -> None:
    # A job indicator on an ad and an ad indicator on a job post: the kind plan must skip exactly those.
    for text, record, _kind in _records(60, seed=29):
        for kind in ("ad", "job", "other"):
            assert registry.indicate(text, record, kind) == _reference(text, record, kind)


_AGES = st.lists(st.fixed_dictionaries({"value": st.integers(8, 40), "span": st.just([0, 2])}), max_size=4)
_PRICES = st.lists(st.fixed_dictionaries({"amount": st.integers(5, 400), "currency": st.sampled_from(["USD", None]),
                                          "per_minutes": st.sampled_from([15, 30, 60, None]),
                                          "span": st.just([0, 3])}), max_size=3)
_PHONES = st.lists(st.fixed_dictionaries({"value": st.just("+17025550147"), "obfuscated": st.booleans(),
                                          "span": st.just([0, 4])}), max_size=2)
_NAMES = st.lists(st.fixed_dictionaries({"value": st.sampled_from(["Ana", "Mia", "Jade", "Lu"]),
                                         "span": st.just([0, 3])}), max_size=4)
_WORDS = ["young", "fresh", "barely legal", "petite", "schoolgirl", "new in town", "18", "19", "🍭", "🎀", "teen",
          "hh", "$80", "call", "ana", "mia"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(words=st.lists(st.sampled_from(_WORDS), max_size=8), ages=_AGES, prices=_PRICES, phones=_PHONES,
       names=_NAMES, empty=st.sets(st.sampled_from(["ages", "prices", "phones", "names"])))
def test_a_gate_says_no_only_where_its_rule_finds_nothing(words: list[str], ages: list[Any], prices: list[Any],
                                                          phones: list[Any], names: list[Any],
                                                          empty: set[str]) -> None:
    text = "Title here\n" + " ".join(words)
    record: dict[str, Any] = {"ages": ages, "prices": prices, "phones": phones, "names": names}
    for f in empty:
        del record[f]  # a Record without the field at all
    subject = Subject.of(text, record, "ad")
    subject.hits = registry.matcher().find(subject.view)
    gated = [ind for ind in registry.active_indicators() if ind.can_fire is not None]
    assert len(gated) >= 6  # every built-in rule on Record fields or on other indicators' hits has one
    for ind in gated:
        if not ind.can_fire(subject):
            assert ind.detect(subject) == [], ind.id


def test_gates_skip_most_rules_on_a_plain_ad() -> None:
    subject = Subject.of("Nice place\nopen late, ask at the desk", {"ages": [], "prices": [], "phones": []}, "ad")
    subject.hits = registry.matcher().find(subject.view)
    gated = [ind for ind in registry.active_indicators() if ind.can_fire is not None]
    assert gated and not any(ind.can_fire(subject) for ind in gated)

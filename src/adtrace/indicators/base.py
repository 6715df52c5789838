"""What an indicator is: a named, versioned test over one document that returns evidence spans.

An indicator never says who did what; it says "this wording or this entity is present here", with
the spans an analyst can check against the original text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from adtrace.text import View, normalise

Span = tuple[int, int]
MAX_EVIDENCE = 5  # enough to show a pattern; more only makes the reason harder to read


class Hit(NamedTuple):
    """One lexicon match: which term group it satisfied, the matched term, its original span.

    A named tuple, not a frozen dataclass: made for every phrase hit of every document, and a frozen
    dataclass's `__init__` (three `object.__setattr__` calls) cost about three times more."""

    group: int
    term: str
    span: Span


@dataclass
class Subject:
    """One document as indicators see it: original text, normalised view, Record, lexicon hits."""

    text: str
    view: View
    record: Mapping[str, Any]
    kind: str = "ad"
    hits: dict[str, list[Hit]] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, record: Mapping[str, Any] | None = None, kind: str = "ad",
           view: View | None = None) -> Subject:
        """`view` lets the pipeline pass the normalised text extraction already made."""
        return cls(text=text, view=view if view is not None and view.original == text else normalise(text),
                   record=record or {}, kind=kind)


@dataclass(frozen=True)
class Example:
    """A case the indicator must (positive) or must not (negative) fire on; run at registration."""

    text: str
    record: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "ad"


@dataclass(frozen=True)
class Lexicon:
    """Phrases and patterns (prefixed 're:') in groups; the indicator fires when every group matches.

    `min_distinct` asks for that many different matched terms (e.g. two different youth emoji).
    `negatable` suppresses a match preceded by a negation cue ("no recruitment fee").
    """

    groups: tuple[tuple[str, ...], ...]
    min_distinct: int = 1
    negatable: bool = False


Rule = Callable[[Subject], list[Span]]

EVIDENCE_STATUSES = ("supported", "contested", "untested")


@dataclass(frozen=True)
class Evidence:
    """How far the published research backs an indicator, so an analyst can weigh it.

    `supported`: an outcome-based study, a legal definition or an authoritative indicator list backs it;
    `contested`: an outcome-based study found it not predictive, or pointing the other way;
    `untested`: it comes from practitioner typologies but has not been tested against outcomes.
    `source` is a key of the catalogue's sources; `finding` is one line on what that source found.
    """

    status: str
    source: str
    finding: str


@dataclass(frozen=True)
class Indicator:
    id: str
    category: str
    weight: float
    description: str
    sources: tuple[str, ...]
    positive: tuple[Example, ...]
    negative: tuple[Example, ...]
    lexicon: Lexicon | None = None
    rule: Rule | None = None
    uses: tuple[str, ...] = ()  # other indicators whose lexicon hits the rule reads
    reads: tuple[str, ...] = ()  # Record fields the rule reads
    params: Mapping[str, Any] = field(default_factory=dict)
    evidence: Evidence | None = None
    # A retired version stays registered so stored scores and old cases keep their explanation, but it
    # no longer fires on new documents; `replaced_by` names its successor.
    retired: bool = False
    replaced_by: str | None = None
    ilo: tuple[str, ...] = ()  # ILO indicator codes (catalogue `ilo_codes`) a labour indicator maps to
    types: tuple[str, ...] = ()  # Polaris typology types (catalogue `polaris_types`) it points to
    kinds: tuple[str, ...] = ()  # document kinds it applies to (empty: every kind)
    # A cheap test that is False only where `rule` certainly finds nothing (its own first test, e.g.
    # "the Record has no ages"): `indicate` then skips the call (speed; None: always call the rule).
    can_fire: Callable[[Subject], bool] | None = None

    def detect(self, subject: Subject) -> list[Span]:
        """Original spans of the evidence; empty when the indicator does not fire."""
        if self.kinds and subject.kind not in self.kinds:
            return []
        if self.rule is not None:
            spans = self.rule(subject)
            return _dedupe(spans) if spans else []  # most rules find nothing on most ads
        if self.lexicon is None:
            return []
        hits = subject.hits.get(self.id, [])
        if not hits:
            return []
        groups = {h.group for h in hits}
        if len(groups) < len(self.lexicon.groups):
            return []
        if len({h.term for h in hits}) < self.lexicon.min_distinct:
            return []
        return _dedupe([h.span for h in hits])


def _dedupe(spans: list[Span]) -> list[Span]:
    return sorted(set(spans))


def evidence(text: str, spans: list[Span]) -> list[dict[str, Any]]:
    return [{"span": [a, b], "text": text[a:b]} for a, b in spans[:MAX_EVIDENCE]]

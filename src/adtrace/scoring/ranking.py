"""The review queue's order: the rule score and the learned model's probability combined, with a visible
slice of the documents the model is least sure about.

Membership of the queue is the rule level's alone (a document at `elevated` or `high` waits until an
analyst decides); the model only changes the order, so no document leaves the queue by the model.
The combined score is the plain mean of the two on one 0-100 scale, so an analyst can redo it by hand:
rules carry the published evidence, the model what the analysts' own decisions taught it. Ordering by
that alone would only ever show the model what it already believes; every `every`-th place goes to
the document whose probability is nearest 0.5 instead (uncertainty sampling), so decisions keep
teaching the model where it is weakest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

UNCERTAIN_EVERY = 10  # one place in ten: five on a queue page of fifty


@dataclass(frozen=True)
class Ranked:
    id: str
    rule_score: float
    probability: float | None  # None: no model yet, or the model could not score it
    combined: float
    uncertain: bool = False  # placed by uncertainty, not by its combined score


def combined(rule_score: float, probability: float | None) -> float:
    """Mean of the rule score and 100 x the model probability; the rule score alone without a model."""
    return rule_score if probability is None else (rule_score + 100.0 * probability) / 2.0


def order(items: Sequence[tuple[str, float]], probabilities: Mapping[str, float],
          every: int = UNCERTAIN_EVERY) -> list[Ranked]:
    """`items`: (document id, rule score) of every waiting document; highest combined score first, with
    the least certain documents at places every, 2 x every, ... (1-based). Ties keep the ids' order."""
    ranked = sorted((Ranked(i, s, probabilities.get(i), combined(s, probabilities.get(i))) for i, s in items),
                    key=lambda r: -r.combined)
    if every < 2 or not probabilities:
        return ranked
    slots = len(ranked) // every
    place_of = {r.id: n for n, r in enumerate(ranked)}
    scored = [r for r in ranked if r.probability is not None]
    # the least certain, but never a document that its combined score already puts inside the first slots
    pool = sorted(scored, key=lambda r: abs(float(r.probability or 0.0) - 0.5))
    picked: list[Ranked] = []
    for r in pool:
        if len(picked) >= slots:
            break
        if place_of[r.id] >= every - 1:
            picked.append(r)
    chosen = {r.id for r in picked}
    rest = iter(r for r in ranked if r.id not in chosen)
    out: list[Ranked] = []
    unsure = iter(picked)
    for place in range(1, len(ranked) + 1):
        nxt = next(unsure, None) if place % every == 0 else None
        if nxt is not None:
            out.append(Ranked(nxt.id, nxt.rule_score, nxt.probability, nxt.combined, uncertain=True))
        else:
            out.append(next(rest))
    return out

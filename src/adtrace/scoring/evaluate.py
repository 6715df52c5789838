"""Cross-validated quality of the learned model and of the rule levels on analyst labels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adtrace.scoring import model as learned
from adtrace.scoring.ranking import combined
from adtrace.scoring.rules import LEVELS, to_score


def level_table(levels: Sequence[str], labels: Sequence[int]) -> dict[str, dict[str, float | int]]:
    """For each level: precision, recall and false-positive rate of 'at or above this level'."""
    rank = {name: i for i, name in enumerate(LEVELS)}
    pos = sum(labels)
    neg = len(labels) - pos
    out: dict[str, dict[str, float | int]] = {}
    for name in LEVELS[1:]:
        flagged = [rank[lv] >= rank[name] for lv in levels]
        tp = sum(1 for f, y in zip(flagged, labels, strict=True) if f and y)
        fp = sum(1 for f, y in zip(flagged, labels, strict=True) if f and not y)
        out[name] = {"flagged": tp + fp, "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
                     "recall": round(tp / pos, 4) if pos else 0.0,
                     "false_positive_rate": round(fp / neg, 4) if neg else 0.0}
    return out


def _ranking(scores: Sequence[float], labels: Sequence[int]) -> dict[str, float | None]:
    from sklearn.metrics import average_precision_score, roc_auc_score

    if len(set(labels)) < 2:
        return {"pr_auc": None, "roc_auc": None}
    return {"pr_auc": round(float(average_precision_score(labels, scores)), 4),
            "roc_auc": round(float(roc_auc_score(labels, scores)), 4)}


def cross_validate(texts: Sequence[str], rule_logits: Sequence[float], rule_levels: Sequence[str],
                   labels: Sequence[int], folds: int = 5, seed: int = 0,
                   groups: Sequence[str] | None = None) -> dict[str, Any]:
    """Out-of-fold probabilities of the combined model; the rule score needs no training.

    `groups` (e.g. a near-duplicate group per document) keeps each group inside one fold: a copy of a
    training document in the test fold would measure memory, not generalisation.
    """
    learned._need_sklearn()
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    pos = sum(labels)
    k = min(folds, pos, len(labels) - pos)
    result: dict[str, Any] = {"documents": len(labels), "positives": pos, "folds": k, "grouped": groups is not None,
                              "rules": {**_ranking(rule_logits, labels), "levels": level_table(rule_levels, labels)}}
    if k < 2:
        result["model"] = None
        result["note"] = "need at least 2 positive and 2 negative labels for cross-validation"
        return result
    oof = [0.0] * len(labels)
    if groups is not None:
        splits = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed).split(list(texts), labels, list(groups))
    else:
        splits = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(list(texts), labels)
    for train, test in splits:
        m = learned.fit([texts[i] for i in train], [rule_logits[i] for i in train], [labels[i] for i in train])
        for i, p in zip(test, m.probability([texts[i] for i in test], [rule_logits[i] for i in test]),
                        strict=True):
            oof[i] = p
    tp = sum(1 for p, y in zip(oof, labels, strict=True) if p >= 0.5 and y)
    fp = sum(1 for p, y in zip(oof, labels, strict=True) if p >= 0.5 and not y)
    result["model"] = {"threshold": 0.5, "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
                       "recall": round(tp / pos, 4), **_ranking(oof, labels)}
    # The app's queue order: (rule score + 100 x out-of-fold probability) / 2 (adtrace.scoring.ranking).
    result["combined"] = _ranking([combined(to_score(r), p) for r, p in zip(rule_logits, oof, strict=True)], labels)
    return result

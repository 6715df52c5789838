"""A network score: a cluster's own level from its cluster indicators and its member ads.

The highest ad score says how alarming the worst single ad is; the network score says how much the
cluster as a whole shows: what only a cluster can show (one phone across many names, one template in
many cities ...) plus the evidence of its *typical* member (the median ad), so one alarming ad does
not make the whole network `high` on its own and many unremarkable ads do not dilute a network signal.
Both are shown side by side. The sum is transparent like the ad score:

    logit = bias + sum of distinct cluster-indicator weights + max(0, median member evidence)

where a member's evidence is its ad logit minus the bias (the weights of its fired indicators).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from adtrace.i18n import format_number, gettext
from adtrace.scoring.rules import config, level_of, logit, to_score


def _member_evidence(record: Mapping[str, Any]) -> float:
    return logit(record.get("indicators") or []) - float(config()["bias"])


def _distinct(cluster_indicators: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    distinct: dict[str, Mapping[str, Any]] = {}
    for ind in cluster_indicators:
        distinct.setdefault(str(ind["id"]), ind)
    return distinct


def network_value(cluster_indicators: Iterable[Mapping[str, Any]],
                  members: Sequence[Mapping[str, Any]]) -> tuple[int, float]:
    """(network score 0-100, median member evidence): the number alone, which linking stores with each
    cluster's summary so the cluster list can order by it (`network_score` gives the reasons too)."""
    cluster_part = sum(float(i["weight"]) for i in _distinct(cluster_indicators).values())
    evidence = [_member_evidence(m) for m in members]
    median = statistics.median(evidence) if evidence else 0.0
    return to_score(float(config()["bias"]) + cluster_part + max(0.0, median)), median


def network_score(cluster_indicators: Iterable[Mapping[str, Any]], members: Sequence[Mapping[str, Any]],
                  thresholds: Mapping[str, float] | None = None) -> dict[str, Any]:
    """`{score, level, reasons, reason_ids, members, median_member_evidence, highest_ad_score, highest_ad_level}`.

    `cluster_indicators`: `[{id, weight, description?, evidence?}]` as linking produces them;
    `members`: the member Records (with `indicators`, and `risk` when scored). `thresholds` are the
    level minimums in force (the saved settings); the package defaults when None.
    """
    distinct = _distinct(cluster_indicators)
    value, median = network_value(distinct.values(), members)
    ad_scores = [float(m["risk"]["score"]) for m in members
                 if isinstance(m.get("risk"), Mapping) and isinstance(m["risk"].get("score"), int | float)]
    # In the reader's language (adtrace.i18n): cluster descriptions are stored English and translated here.
    # Reasons are words to read; `reason_ids` names, for machines and tooltips, the indicator behind each
    # (None for the typical-member sentence).
    ordered = sorted(distinct.values(), key=lambda i: -float(i["weight"]))
    reasons = [gettext(str(i.get("description") or "")) or str(i["id"]) for i in ordered]
    reason_ids: list[str | None] = [str(i["id"]) for i in ordered]
    if median > 0:
        reasons.append(gettext("The typical member ad shows indicators (median evidence %(median)s across "
                               "%(n)s ads)") % {"median": format_number(round(median, 1)), "n": len(members)})
        reason_ids.append(None)
    highest = max(ad_scores) if ad_scores else None
    return {"score": value, "level": level_of(value, thresholds), "reasons": reasons, "reason_ids": reason_ids,
            "members": len(members),
            "median_member_evidence": round(median, 3), "highest_ad_score": highest,
            "highest_ad_level": level_of(highest, thresholds) if highest is not None else None}

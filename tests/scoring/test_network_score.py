"""The network score: a cluster's own level, separate from its highest ad score."""

from __future__ import annotations

from typing import Any

from adtrace.scoring.network import network_score
from adtrace.scoring.rules import score


def _ad(*weights: float) -> dict[str, Any]:
    rec: dict[str, Any] = {"indicators": [{"id": f"test.w{i}.v1", "weight": w} for i, w in enumerate(weights)]}
    rec["risk"] = score(rec)
    return rec


CLUSTER = [{"id": "cluster.many_names_one_phone.v1", "weight": 1.5, "description": "One phone, many names"},
           {"id": "cluster.template_many_cities.v1", "weight": 1.0, "description": "One template, many cities"}]


def test_one_alarming_ad_does_not_make_the_network_high() -> None:
    members = [_ad(5.0)] + [_ad() for _ in range(9)]
    net = network_score([], members)
    assert net["highest_ad_level"] == "high" and net["highest_ad_score"] == 88
    assert net["level"] == "low" and net["score"] == 5


def test_cluster_indicators_and_typical_members_raise_the_network_level() -> None:
    members = [_ad(1.0, 0.8) for _ in range(6)]
    alone = network_score([], members)
    linked = network_score(CLUSTER, members)
    # bias -3.0 + 1.5 + 1.0 + median 1.8 = 1.3 -> 79 (elevated); the highest ad alone is 23 (low).
    assert linked["score"] == 79 and linked["level"] == "elevated"
    assert linked["highest_ad_level"] == "low" and alone["score"] < linked["score"]
    assert linked["reasons"][0] == "One phone, many names"
    assert any("typical member" in r for r in linked["reasons"])


def test_reasons_read_as_words_and_name_their_indicator_apart() -> None:
    """The reasons (shown by the app, returned by the API) ended in the indicator's id in brackets
    ("... [cluster.minor_indicator.v1]"): jargon in the words people read. The ids are a field of their own,
    one per reason (None for the typical-member sentence), for machines and tooltips."""
    members = [_ad(1.0, 0.8) for _ in range(6)]
    net = network_score(CLUSTER, members)
    assert not any("[" in r or "cluster." in r for r in net["reasons"]), net["reasons"]
    assert net["reason_ids"] == ["cluster.many_names_one_phone.v1", "cluster.template_many_cities.v1", None]
    assert len(net["reason_ids"]) == len(net["reasons"])


def test_a_cluster_indicator_counts_once_and_thresholds_can_be_overridden() -> None:
    members = [_ad(1.0, 0.8) for _ in range(6)]
    twice = network_score(CLUSTER + CLUSTER, members)
    assert twice["score"] == network_score(CLUSTER, members)["score"]
    assert network_score(CLUSTER, members, thresholds={"high": 75})["level"] == "high"


def test_an_empty_cluster_scores_the_bias() -> None:
    net = network_score([], [])
    assert net["score"] == 5 and net["highest_ad_score"] is None and net["members"] == 0

"""Cluster summaries and the indicators only a cluster can show, fed back into each member's score.

Cluster indicators use the scoring package's context hook (`score(record, context_indicators)`); their
reasons read "In a cluster that ..." so an analyst sees the score came from the network, not the ad.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adtrace.i18n import N_
from adtrace.linking.keys import VIA_IMAGE, contact_keys, reason
from adtrace.linking.signals import kind_of, of_key
from adtrace.places import movement as mv
from adtrace.scoring.network import network_value

# id -> (weight, description); ids are versioned: behaviour never changes under an old id.
# Descriptions are stored English with the summary and translated where shown (adtrace.i18n).
CLUSTER_INDICATORS: dict[str, tuple[float, str]] = {
    "cluster.many_names_one_phone.v1": (1.5, N_("In a cluster that advertises several names under one phone")),
    "cluster.many_ages_one_phone.v1": (1.0, N_("In a cluster that gives inconsistent ages under one phone")),
    "cluster.template_many_cities.v1": (1.0, N_("In a cluster that posts one text template in several cities")),
    "cluster.fast_movement.v1": (1.5, N_("In a cluster that moves quickly from city to city")),
    "cluster.circuit.v1": (1.0, N_("In a cluster that repeats a circuit of cities")),
    "cluster.minor_indicator.v1": (2.0, N_("In a cluster where some ad shows a possible-minor indicator")),
}
MANY_NAMES = 3
AGE_SPREAD = 3
MANY_CITIES = 3
FAST_MOVES = 3  # at least this many moves ...
FAST_DAYS = 14.0  # ... with a median stay of at most this many days


@dataclass
class Member:
    doc_id: str
    posted_at: str | None
    record: Mapping[str, Any]


def _city(rec: Mapping[str, Any]) -> str | None:
    p = mv.place_of(rec)
    return f"{p['name']}, {p.get('admin') or p.get('country') or ''}".rstrip(", ") if p else None


def summarize(cluster_id: str, members: Sequence[Member],
              template_keys: Mapping[str, Sequence[str]] | None = None) -> dict[str, Any]:
    """Counts, time span, risk and movement of one cluster. `template_keys`: doc id -> its tpl keys."""
    phones, emails, handles, names, ages, cities = Counter[str](), Counter[str](), Counter[str](), \
        Counter[str](), Counter[int](), Counter[str]()
    risks, indicators, times = [], Counter[str](), []
    sightings = []
    for m in members:
        rec = m.record
        for k in contact_keys(rec):
            kind, _, value = k.partition(":")
            {"phone": phones, "email": emails}.get(kind, handles)[value] += 1
        # dict.fromkeys, not a set: ties in most_common keep first-seen order, not the process's str hash
        names.update(list(dict.fromkeys(str(n["value"]) for n in rec.get("names") or ())))
        ages.update(list(dict.fromkeys(int(a["value"]) for a in rec.get("ages") or ())))
        if city := _city(rec):
            cities[city] += 1
        risk = rec.get("risk") or {}
        if isinstance(risk.get("score"), int | float):
            risks.append(float(risk["score"]))
        indicators.update(list(dict.fromkeys(str(i["id"]) for i in rec.get("indicators") or ())))
        if t := mv.parse_time(m.posted_at):
            times.append(t)
        if s := mv.sighting(m.doc_id, m.posted_at, rec):
            sightings.append(s)
    first, last = (min(times), max(times)) if times else (None, None)
    days = (last - first).total_seconds() / 86400 if first and last else 0.0
    move = mv.movement(sightings)
    out: dict[str, Any] = {
        "cluster": cluster_id, "documents": len(members),
        "phones": dict(phones.most_common()), "emails": dict(emails.most_common()),
        "handles": dict(handles.most_common()), "names": dict(names.most_common()),
        "ages": {str(a): n for a, n in sorted(ages.items())}, "cities": dict(cities.most_common()),
        "first_seen": first.isoformat() if first else None, "last_seen": last.isoformat() if last else None,
        "posts_per_week": round(len(times) / max(days / 7, 1 / 7), 2) if times else None,
        "risk_max": max(risks) if risks else None,
        "risk_median": statistics.median(risks) if risks else None,
        "indicators_seen": dict(indicators.most_common()),
        "movement": move,
    }
    out["cluster_indicators"] = cluster_indicators(members, move, template_keys or {})
    # The cluster's own score (adtrace.scoring.network), kept beside risk_max so the list can order by it.
    out["network_score"], median = network_value(out["cluster_indicators"], [m.record for m in members])
    out["median_member_evidence"] = round(median, 3)
    return out


def _ind(ind_id: str, evidence: list[str]) -> dict[str, Any]:
    weight, description = CLUSTER_INDICATORS[ind_id]
    return {"id": ind_id, "category": "cluster", "weight": weight, "description": description,
            "evidence": [{"text": e} for e in evidence[:5]]}


def cluster_indicators(members: Sequence[Member], move: Mapping[str, Any],
                       template_keys: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    names_by_phone: dict[str, set[str]] = defaultdict(set)
    ages_by_phone: dict[str, set[int]] = defaultdict(set)
    cities_by_template: dict[str, set[str]] = defaultdict(set)
    minor: list[str] = []
    for m in members:
        rec = m.record
        phones = [k for k in contact_keys(rec) if k.startswith("phone:")]
        for p in phones:
            names_by_phone[p].update(str(n["value"]) for n in rec.get("names") or ())
            ages_by_phone[p].update(int(a["value"]) for a in rec.get("ages") or ())
        city = _city(rec)
        for t in template_keys.get(m.doc_id, ()):
            if city:
                cities_by_template[t].add(city)
        hits = [str(i["id"]) for i in rec.get("indicators") or () if str(i["id"]).startswith("minor.")]
        if hits or any(int(a["value"]) < 18 for a in rec.get("ages") or ()):
            minor.append(f"{m.doc_id}: {', '.join(hits) or 'stated age under 18'}")
    many = [f"{p[6:]}: {', '.join(sorted(n))}" for p, n in names_by_phone.items() if len(n) >= MANY_NAMES]
    if many:
        out.append(_ind("cluster.many_names_one_phone.v1", many))
    spread = [f"{p[6:]}: ages {min(a)}-{max(a)}" for p, a in ages_by_phone.items() if a and max(a) - min(a) >= AGE_SPREAD]
    if spread:
        out.append(_ind("cluster.many_ages_one_phone.v1", spread))
    wide = [f"{t}: {', '.join(sorted(c))}" for t, c in cities_by_template.items() if len(c) >= MANY_CITIES]
    if wide:
        out.append(_ind("cluster.template_many_cities.v1", wide))
    legs = move.get("legs") or []
    stay = move.get("median_stay_days")
    if len(legs) >= FAST_MOVES and stay is not None and stay <= FAST_DAYS:
        route = " → ".join(s["city"] for s in (move.get("stops") or [])[:6])
        out.append(_ind("cluster.fast_movement.v1", [f"{len(legs)} moves, median stay {stay} days: {route}"]))
    if circ := move.get("circuit"):
        out.append(_ind("cluster.circuit.v1", [" → ".join(circ["cities"]) + f" every ~{circ['days_per_loop']} days"]))
    if minor:
        out.append(_ind("cluster.minor_indicator.v1", minor))
    return out


def rescore(record: Mapping[str, Any], context: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The member's risk with the cluster's indicators added (the scoring package's context hook)."""
    from adtrace.scoring import score

    return score(record, context)


def risk_of(record: Mapping[str, Any], context: Sequence[Mapping[str, Any]]) -> tuple[int, str]:
    """`rescore`'s score and level, without the reasons: a cluster's member rows keep only those two."""
    from adtrace.scoring.rules import score_and_level

    return score_and_level(record, context)


def edge_list(by_key: Mapping[str, Sequence[tuple[str, int | None]]], hubs: Iterable[str],
              founders: Mapping[str, str]) -> list[dict[str, Any]]:
    """Edges of a cluster: key name -> [(member doc id, detail)], for keys two or more members hold.

    `founders`: template/photo key -> its founder document. Shared by the in-memory linker and the
    incremental run over the tables, so both explain a cluster the same way."""
    hub_set = set(hubs)
    out = []
    for name, held in by_key.items():
        if len(held) < 2:
            continue
        kind = kind_of(name)
        edge: dict[str, Any] = {"key": name, "kind": kind, "hub": name in hub_set, "docs": [d for d, _v in held]}
        signal = of_key(name)
        if signal is not None and signal.detail is not None:  # matched against a founder (photo, template)
            edge["founder"] = founders[name]
            edge[signal.detail] = {d: signal.detail_default if v is None else v for d, v in held}
        elif any(v == VIA_IMAGE for _d, v in held):  # some hold it only in a photo (OCR)
            explain = signal.explain if signal is not None else (lambda k, v: reason(k, v == VIA_IMAGE))
            edge["via"] = {d: "image" for d, v in held if v == VIA_IMAGE}
            edge["reasons"] = {d: explain(kind, v) for d, v in held}
        out.append(edge)
    out.sort(key=lambda e: (e["hub"], -len(e["docs"]), e["key"]))
    return out

"""Routes, circuits, speed and map data from a cluster's sightings; cluster indicators and rescoring."""

from __future__ import annotations

from datetime import datetime, timedelta

from adtrace.linking.summary import Member, summarize
from adtrace.places.movement import Sighting, circuit, geojson, legs, movement, route, sighting

CITIES = {"Las Vegas": (36.17, -115.14), "Phoenix": (33.45, -112.07), "San Diego": (32.72, -117.16),
          "Denver": (39.74, -104.99)}


def s(day: float, city: str, doc: str = "") -> Sighting:
    lat, lon = CITIES[city]
    return Sighting(datetime(2024, 1, 1) + timedelta(days=day), city, None, "US", lat, lon, doc)


def test_route_groups_consecutive_postings_and_orders_by_time() -> None:
    stops = route([s(3, "Phoenix"), s(0, "Las Vegas"), s(1, "Las Vegas"), s(4, "Phoenix"), s(9, "Las Vegas")])
    assert [(x.city, len(x.docs)) for x in stops] == [("Las Vegas", 2), ("Phoenix", 2), ("Las Vegas", 1)]


def test_circuit_every_ten_days() -> None:
    loop = ["Las Vegas", "Phoenix", "San Diego"]
    sightings = [s(10 * i + 3 * j, c) for i in range(4) for j, c in enumerate(loop)]
    found = circuit(route(sightings))
    assert found is not None
    assert found["cities"] == loop and found["period_stops"] == 3 and found["days_per_loop"] == 10.0


def test_no_circuit_for_a_one_way_trip() -> None:
    assert circuit(route([s(0, "Las Vegas"), s(5, "Phoenix"), s(9, "San Diego"), s(15, "Denver")])) is None


def test_legs_give_distance_and_speed() -> None:
    (leg,) = legs(route([s(0, "Las Vegas"), s(0.5, "Phoenix")]))
    assert 400 < leg["km"] < 460  # about 410 km as the crow flies
    assert leg["hours"] == 12.0 and 30 < leg["km_per_hour"] < 40


def test_geojson_has_a_line_and_a_point_per_stop() -> None:
    stops = route([s(0, "Las Vegas"), s(3, "Phoenix"), s(6, "San Diego")])
    fc = geojson(stops)
    kinds = [f["geometry"]["type"] for f in fc["features"]]
    assert kinds == ["LineString", "Point", "Point", "Point"]
    assert fc["features"][0]["geometry"]["coordinates"][0] == [-115.14, 36.17]
    assert movement([])["stops"] == [] and geojson([])["features"] == []


def _member(i: int, day: int, city: str, name: str, age: int, indicators: list[str] | None = None) -> Member:
    lat, lon = CITIES[city]
    record = {"phones": [{"value": "+17025550100", "span": [0, 1]}], "names": [{"value": name, "span": [0, 1]}],
              "ages": [{"value": age, "span": [0, 1]}],
              "places": [{"name": city, "admin": "NV", "country": "US", "lat": lat, "lon": lon, "via": "field"}],
              "indicators": [{"id": x, "category": "minor", "weight": 2.0, "evidence": []} for x in indicators or []],
              "risk": {"score": 20, "level": "low", "reasons": []}}
    return Member(f"d{i}", (datetime(2024, 1, 1) + timedelta(days=day)).isoformat(), record)


def test_cluster_indicators_need_the_cluster() -> None:
    loop = ["Las Vegas", "Phoenix", "San Diego"]
    names = ["Ann", "Bea", "Cat"]
    members = [_member(3 * i + j, 10 * i + 3 * j, c, names[j], 19 + 2 * j,
                       ["minor.youth_terms.v1"] if (i, j) == (2, 1) else None)
               for i in range(3) for j, c in enumerate(loop)]
    summ = summarize("d0", members)
    ids = {x["id"] for x in summ["cluster_indicators"]}
    assert ids == {"cluster.many_names_one_phone.v1", "cluster.many_ages_one_phone.v1", "cluster.fast_movement.v1",
                   "cluster.circuit.v1", "cluster.minor_indicator.v1"}
    assert summ["documents"] == 9 and summ["phones"] == {"+17025550100": 9}
    single = summarize("d0", members[:1])
    assert single["cluster_indicators"] == []


def test_rescore_adds_cluster_reasons() -> None:
    from adtrace.linking.summary import rescore

    m = _member(0, 0, "Las Vegas", "Ann", 21)
    context = summarize("d0", [m, _member(1, 1, "Las Vegas", "Bea", 21), _member(2, 2, "Las Vegas", "Cat", 21)])
    risk = rescore(m.record, context["cluster_indicators"])
    assert any("In a cluster that advertises several names under one phone" in r for r in risk["reasons"])
    assert risk["score"] > rescore(m.record, [])["score"]


def test_risk_of_is_rescore_without_its_reasons() -> None:
    """A rebuild writes each member's score and level from `risk_of`: the same two as `rescore` gives."""
    from adtrace.linking.summary import rescore, risk_of

    members = [_member(i, i, city, name, age, found) for i, (city, name, age, found) in enumerate(
        [("Las Vegas", "Ann", 21, None), ("Las Vegas", "Bea", 17, None), ("Phoenix", "Cat", 25, ["minor.youth_terms.v1"]),
         ("San Diego", "Ann", 30, None)])]
    contexts = [summarize("d0", members[:n])["cluster_indicators"] for n in (1, 3, 4)]
    assert any(contexts) and not all(contexts)
    for context in contexts:
        for m in members:
            risk = rescore(m.record, context)
            assert risk_of(m.record, context) == (risk["score"], risk["level"])


def test_sightings_with_and_without_a_zone_route_together_in_utc() -> None:
    """A site's pages may write dates with a zone ("...Z", "+02:00") or without one ("2024-11-05 06:31");
    one case or cluster can hold both. They order as UTC, as the store's posted_at column does (a case
    export of such a case failed: naive and aware datetimes do not compare)."""
    record = {"places": [{"name": "Phoenix", "lat": 33.45, "lon": -112.07, "via": "field", "kind": "city"}]}
    dated = [("a", "2024-03-20T11:49:00Z"), ("b", "2024-03-20 12:30"), ("c", "2024-03-20T14:00:00+02:00")]
    sightings = [x for d, when in dated if (x := sighting(d, when, record))]
    (stop,) = route(sightings)
    assert stop.docs == ["a", "c", "b"]  # 11:49, 12:00 and 12:30 UTC
    assert movement(sightings)["stops"][0]["first_seen"] == "2024-03-20T11:49:00"

"""Movement: a cluster's places over time as a route, its circuits, its speed, and map data.

A stop is a run of consecutive postings (ordered by time) in one city. A circuit is a sequence of
cities the route repeats (Las Vegas -> Phoenix -> San Diego -> Las Vegas -> ...): the shortest
period p >= 2 such that most stops equal the stop p places earlier, seen at least twice over.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

EARTH_KM = 6371.0088
MIN_PERIODIC = 0.8  # share of stops that must repeat the stop one period earlier


@dataclass
class Sighting:
    when: datetime
    city: str
    admin: str | None
    country: str | None
    lat: float
    lon: float
    doc_id: str = ""


@dataclass
class Stop:
    city: str
    admin: str | None
    country: str | None
    lat: float
    lon: float
    first_seen: datetime
    last_seen: datetime
    docs: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"city": self.city, "admin": self.admin, "country": self.country, "lat": self.lat, "lon": self.lon,
                "first_seen": self.first_seen.isoformat(), "last_seen": self.last_seen.isoformat(),
                "documents": len(self.docs)}


def parse_time(value: str | None) -> datetime | None:
    """A posting time as naive UTC, as the store's posted_at column keeps it: pages write dates with a
    zone or without, and one cluster or case can hold both (aware and naive datetimes do not compare)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def place_of(record: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The document's city: the site's own location field first, else the first city in the text."""
    cities: list[Mapping[str, Any]] = [p for p in record.get("places") or ()
                                       if p.get("lat") is not None and p.get("kind", "city") == "city"]
    for p in cities:
        if p.get("via") == "field":
            return p
    for p in cities:
        if p.get("via") == "text":
            return p
    return None


def sighting(doc_id: str, posted_at: str | None, record: Mapping[str, Any]) -> Sighting | None:
    when = parse_time(posted_at)
    place = place_of(record)
    if when is None or place is None:
        return None
    return Sighting(when, str(place["name"]), place.get("admin"), place.get("country"), float(place["lat"]),
                    float(place["lon"]), doc_id)


def _same(a: Stop | Sighting, b: Sighting) -> bool:
    return (a.city, a.admin, a.country) == (b.city, b.admin, b.country)


def route(sightings: Iterable[Sighting]) -> list[Stop]:
    stops: list[Stop] = []
    for s in sorted(sightings, key=lambda s: (s.when, s.doc_id)):
        if stops and _same(stops[-1], s):
            stops[-1].last_seen = s.when
            stops[-1].docs.append(s.doc_id)
        else:
            stops.append(Stop(s.city, s.admin, s.country, s.lat, s.lon, s.when, s.when, [s.doc_id]))
    return stops


def km_between(a: Stop, b: Stop) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def legs(stops: list[Stop]) -> list[dict[str, Any]]:
    """Each move: distance, time from the last posting in one city to the first in the next, speed."""
    out = []
    for a, b in itertools.pairwise(stops):
        km = km_between(a, b)
        hours = max((b.first_seen - a.last_seen).total_seconds() / 3600.0, 0.0)
        out.append({"from": a.city, "to": b.city, "km": round(km, 1), "hours": round(hours, 1),
                    "km_per_hour": round(km / hours, 1) if hours > 0 else None})
    return out


def circuit(stops: list[Stop]) -> dict[str, Any] | None:
    """The shortest repeating city sequence (period >= 2 stops, seen at least twice), or None."""
    seq = [(s.city, s.admin, s.country) for s in stops]
    n = len(seq)
    for p in range(2, n // 2 + 1):
        if len(set(seq[:p])) < p:
            continue  # one loop visits each city once
        matches = sum(1 for i in range(p, n) if seq[i] == seq[i - p])
        if matches / (n - p) >= MIN_PERIODIC:
            loops = [(stops[i + p].first_seen - stops[i].first_seen).total_seconds() / 86400
                     for i in range(n - p) if seq[i] == seq[i + p]]
            return {"cities": [c[0] for c in seq[:p]], "period_stops": p, "repeats": round(n / p, 1),
                    "days_per_loop": round(statistics.median(loops), 1) if loops else None}
    return None


def movement(sightings: Iterable[Sighting]) -> dict[str, Any]:
    stops = route(sightings)
    moves = legs(stops)
    stays = [(s.last_seen - s.first_seen).total_seconds() / 86400 for s in stops]
    return {"stops": [s.to_dict() for s in stops], "legs": moves, "circuit": circuit(stops),
            "distinct_cities": len({(s.city, s.admin, s.country) for s in stops}),
            "median_stay_days": round(statistics.median(stays), 1) if stays else None,
            "max_km_per_hour": max((m["km_per_hour"] for m in moves if m["km_per_hour"] is not None), default=None)}


def geojson(stops: list[Stop], properties: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A FeatureCollection a map can draw: the route as one LineString, each stop as a Point."""
    features: list[dict[str, Any]] = []
    if len(stops) >= 2:
        features.append({"type": "Feature", "geometry": {"type": "LineString",
                                                         "coordinates": [[s.lon, s.lat] for s in stops]},
                         "properties": {"kind": "route", **(properties or {})}})
    for i, s in enumerate(stops):
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
                         "properties": {"kind": "stop", "order": i, **s.to_dict(), **(properties or {})}})
    return {"type": "FeatureCollection", "features": features}

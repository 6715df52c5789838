"""The "places" extractor: places named in the text and in the document's own location field.

Runs before phones, which read the countries found here as region hints (`Context.regions()`).
Record entries: {name, admin, country, lat, lon, via: "text"|"field", span, kind, geonameid}; a
"field" entry also has `field: "location"` and its span indexes the location string. One entry per
place: a place found in the text is not repeated from the location field.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from adtrace.extractors.base import Context, Extractor
from adtrace.extractors.registry import register
from adtrace.places.matcher import Hints, Match, find
from adtrace.text import normalise

# Private Record key (dropped from the output): index in `places` -> other readings of an ambiguous
# name, so the area-code step can re-decide it.
AMBIGUOUS = "_places_ambiguous"


@lru_cache(maxsize=4096)
def _field_matches(location: str, region: str) -> tuple[Match, ...]:
    # Speed: a site's location field takes a few hundred distinct values ("Chicago, IL"), and the
    # result depends on the string and the deployment's region alone. Callers only read the Matches.
    return tuple(find(normalise(location), field_mode=True, hints=Hints(default_country=region)))


def _run(ctx: Context) -> None:
    places = ctx.record.setdefault("places", [])
    seen = {p.get("geonameid") for p in places}
    field_matches: Sequence[Match] = ()
    hints = Hints(home_country=ctx.default_region)
    if ctx.doc.location and ctx.doc.location.strip():
        field_matches = _field_matches(ctx.doc.location, ctx.default_region)
        for m in field_matches:
            if not m.alternatives:  # an ambiguous field ("Portland") is no evidence for the text
                hints.add(m.place)
    ambiguous = ctx.record.setdefault(AMBIGUOUS, {})
    text_matches: Sequence[Match] = find(ctx.view, hints=hints)
    for via, matches in (("text", text_matches), ("field", field_matches)):
        for m in matches:
            if m.place.id in seen:
                continue
            seen.add(m.place.id)
            extra = {"field": "location"} if via == "field" else {}
            places.append(m.place.to_record(via, m.span, **extra))
            if m.alternatives:
                ambiguous[len(places) - 1] = m.alternatives


register(Extractor("places", _run, assigns=("places",)))

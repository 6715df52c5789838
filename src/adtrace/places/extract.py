"""The "places" extractor: places named in the text and in the document's own location field.

Runs before phones, which read the countries found here as region hints (`Context.regions()`).
Record entries: {name, admin, country, lat, lon, via: "text"|"field", span, kind, geonameid}; a
"field" entry also has `field: "location"` and its span indexes the location string. One entry per
place: a place found in the text is not repeated from the location field.
"""

from __future__ import annotations

from adtrace.extractors.base import Context, Extractor
from adtrace.extractors.registry import register
from adtrace.places.matcher import Hints, Match, find
from adtrace.text import normalise

# Private Record key (dropped from the output): index in `places` -> other readings of an ambiguous
# name, so the area-code step can re-decide it.
AMBIGUOUS = "_places_ambiguous"


def _run(ctx: Context) -> None:
    places = ctx.record.setdefault("places", [])
    seen = {p.get("geonameid") for p in places}
    field_matches: list[Match] = []
    hints: Hints | None = None
    if ctx.doc.location and ctx.doc.location.strip():
        field_matches = find(normalise(ctx.doc.location), field_mode=True)
        hints = Hints()
        for m in field_matches:
            if not m.alternatives:  # an ambiguous field ("Portland") is no evidence for the text
                hints.add(m.place)
    ambiguous = ctx.record.setdefault(AMBIGUOUS, {})
    for via, matches in (("text", find(ctx.view, hints=hints)), ("field", field_matches)):
        for m in matches:
            if m.place.id in seen:
                continue
            seen.add(m.place.id)
            extra = {"field": "location"} if via == "field" else {}
            places.append(m.place.to_record(via, m.span, **extra))
            if m.alternatives:
                ambiguous[len(places) - 1] = m.alternatives


register(Extractor("places", _run, assigns=("places",)))

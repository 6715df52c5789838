"""Places: the gazetteer, phone area codes, and resolving place names in text to coordinates.

Typed API for later stages (linking, movement, the map):
    lookup(name, admin=None, country=None) -> Place | None
    resolve(text) -> list[Place]
    find(view) -> list[Match]  (places with spans and, when ambiguous, alternatives)
Nothing is built at import; the gazetteer is built on first use, once per process.
"""

from adtrace.places.gazetteer import Place, get_gazetteer, lookup
from adtrace.places.matcher import Hints, Match, find, resolve

__all__ = ["Hints", "Match", "Place", "find", "get_gazetteer", "lookup", "resolve"]

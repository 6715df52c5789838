"""Extractor registry. Built-ins register exactly as a plugin would; order is checked, not assumed."""

from __future__ import annotations

import importlib
from importlib import metadata

from adtrace import errors
from adtrace.extractors.base import Extractor

EXTRACTORS: dict[str, Extractor] = {}
BUILTINS: tuple[str, ...] = (
    "adtrace.places.extract",
    "adtrace.extractors.phones",
    "adtrace.places.areacodes",
    "adtrace.extractors.emails",
    "adtrace.extractors.urls",
    "adtrace.extractors.handles",
    "adtrace.extractors.payments",
    "adtrace.extractors.ages",
    "adtrace.extractors.prices",
    "adtrace.extractors.names",
)
_loaded = False


def register(extractor: Extractor) -> Extractor:
    if extractor.name in EXTRACTORS:
        raise errors.RegistryError(message=f"an extractor named '{extractor.name}' is already registered",
                                   detail={"name": extractor.name})
    EXTRACTORS[extractor.name] = extractor
    return extractor


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    # Built-ins register on import, exactly as a plugin does; plugins come after.
    for module in BUILTINS:
        importlib.import_module(module)
    for ep in metadata.entry_points(group="adtrace.extractors"):
        plugin = ep.load()
        if isinstance(plugin, Extractor):
            register(plugin)


def ordered(names: list[str] | None = None) -> list[Extractor]:
    """Extractors in an order where each runs after every extractor that assigns what it requires."""
    _load()
    chosen = [EXTRACTORS[n] for n in names] if names else list(EXTRACTORS.values())
    result: list[Extractor] = []
    assigned: set[str] = set()
    pending = list(chosen)
    while pending:
        progress = False
        for ex in list(pending):
            providers = {f for other in pending if other is not ex for f in other.assigns}
            if all(req in assigned or req not in providers for req in ex.requires):
                result.append(ex)
                assigned.update(ex.assigns)
                pending.remove(ex)
                progress = True
        if not progress:
            raise errors.RegistryError(
                message="extractor requirements form a cycle: " + ", ".join(e.name for e in pending),
                detail={"pending": [e.name for e in pending]})
    return result

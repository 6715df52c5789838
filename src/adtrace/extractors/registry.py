"""Extractor registry. Built-ins register exactly as a plugin would; order is checked, not assumed."""

from __future__ import annotations

from typing import Any

from adtrace import errors
from adtrace.extractors.base import Extractor
from adtrace.registry import Registry


def _adopt(name: str, plugin: Any) -> list[tuple[str, Extractor]]:
    return [(plugin.name, plugin)] if isinstance(plugin, Extractor) else []


# Built-ins register on import, exactly as a plugin does; plugins ("adtrace.extractors") come after.
EXTRACTORS: Registry[Extractor] = Registry("extractor", "adtrace.extractors", adopt=_adopt, modules=(
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
))


def register(extractor: Extractor) -> Extractor:
    return EXTRACTORS.register(extractor.name, extractor)


def assigned() -> set[str]:
    """Every Record field some registered extractor fills."""
    return {f for ex in EXTRACTORS.load().values() for f in ex.assigns}


def ordered(names: list[str] | None = None) -> list[Extractor]:
    """Extractors in an order where each runs after every extractor that assigns what it requires.

    Asking for some by name pulls in what they require: `ordered(["phones"])` runs places first, since
    phones read the places' countries as region hints. A requirement no registered extractor assigns
    is an error (AT151), never a step silently left out.
    """
    EXTRACTORS.load()
    chosen = _with_requirements([EXTRACTORS.provider(n) for n in names] if names else list(EXTRACTORS.values()))
    result: list[Extractor] = []
    done: set[str] = set()
    pending = list(chosen)
    while pending:
        progress = False
        for ex in list(pending):
            providers = {f for other in pending if other is not ex for f in other.assigns}
            if all(req in done or req not in providers for req in ex.requires):
                result.append(ex)
                done.update(ex.assigns)
                pending.remove(ex)
                progress = True
        if not progress:
            raise errors.RegistryError(
                message="extractor requirements form a cycle: " + ", ".join(e.name for e in pending),
                detail={"pending": [e.name for e in pending]})
    return result


def _with_requirements(chosen: list[Extractor]) -> list[Extractor]:
    out = list(chosen)
    for ex in out:  # grows while it is walked: requirements of what was pulled in are pulled in too
        for req in ex.requires:
            if any(req in o.assigns for o in out):
                continue
            providers = [o for o in EXTRACTORS.values() if req in o.assigns]
            if not providers:
                raise errors.RegistryError(
                    message=f"extractor '{ex.name}' requires '{req}', which no registered extractor assigns; "
                            "install the plugin that provides it or remove the extractor",
                    detail={"extractor": ex.name, "requires": req}, code=errors.UNMET_REQUIREMENT)
            out.extend(providers)
    return out

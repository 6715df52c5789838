"""The transparent rule score: a log-odds sum of indicator weights, mapped to 0-100 and a level."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

import yaml

from adtrace.indicators import get

LEVELS = ("low", "elevated", "high")


@cache
def config() -> dict[str, Any]:
    raw = resources.files("adtrace.scoring").joinpath("levels.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(raw)
    return data


def thresholds() -> dict[str, float]:
    return {str(k): float(v) for k, v in config()["levels"].items()}


def to_score(logit: float) -> int:
    return round(100.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logit)))))


def level_of(score: float, minimums: Mapping[str, float] | None = None) -> str:
    """The level a score reaches; `minimums` (e.g. an admin's saved thresholds) override levels.yaml."""
    t = {**thresholds(), **(minimums or {})}
    if score >= t["high"]:
        return "high"
    if score >= t["elevated"]:
        return "elevated"
    return "low"


def logit(indicators: Iterable[Mapping[str, Any]]) -> float:
    """Bias plus each distinct indicator's weight (an indicator firing twice still counts once)."""
    seen: dict[str, float] = {}
    for ind in indicators:
        seen.setdefault(str(ind["id"]), float(ind["weight"]))
    return float(config()["bias"]) + sum(seen.values())


def reason(ind: Mapping[str, Any]) -> str:
    """One plain sentence: what was found and the words that show it."""
    try:
        description = get(str(ind["id"])).description.rstrip(".")
    except Exception:  # a context indicator from linking or a plugin that is not loaded here
        description = str(ind.get("description") or ind["id"])
    quoted = ", ".join(f"“{e['text']}”" for e in ind.get("evidence", [])[:3] if e.get("text"))
    return f"{description}: {quoted} [{ind['id']}]" if quoted else f"{description} [{ind['id']}]"


def score(record: Mapping[str, Any], context_indicators: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """`risk = {score, level, reasons}` from the record's indicators.

    `context_indicators` is the hook for indicators that need more than one document (one phone
    across many names or cities, found by linking): same shape as the Record's `indicators`, added
    to the sum and listed in the reasons like any other.
    """
    fired = list(record.get("indicators") or []) + list(context_indicators)
    value = to_score(logit(fired))
    ordered = sorted({str(i["id"]): i for i in fired}.values(), key=lambda i: -float(i["weight"]))
    return {"score": value, "level": level_of(value), "reasons": [reason(i) for i in ordered]}

"""The transparent rule score: a log-odds sum of indicator weights, mapped to 0-100 and a level."""

from __future__ import annotations

import math
import re
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


_REASON = re.compile(r"^(?P<head>.*?)(?P<quoted>: “.*”)? \[(?P<id>[\w.\-]+)\]$", re.S)
_LEVEL = re.compile(r"^risk level (?P<level>\w+)(?P<score> \(\d+/100\))?"
                    r"(?: after the thresholds changed \(elevated (?P<elevated>[\d.]+), high (?P<high>[\d.]+)\))?$")
_WATCH = re.compile(r"^(?P<kind>\w+) on watchlist '(?P<name>.*)'$", re.S)


def localise_reason(text: str) -> str:
    """A stored reason (always English: `reason()` above, alerts, watchlists) in the current language, as
    pages show it: the indicator's description is translated, the quoted evidence and the id are kept.
    A sentence of another shape is returned as it is."""
    from adtrace.i18n import gettext

    if m := _REASON.match(text):
        ind_id, head = m["id"], m["head"]
        try:
            english = get(ind_id).description
        except Exception:  # a cluster or plugin indicator: the stored description is itself the message
            english = head
        said = gettext(english).rstrip(".。") if head == english.rstrip(".") else gettext(head)
        return f"{said}{m['quoted'] or ''} [{ind_id}]"
    if m := _LEVEL.match(text):
        said = gettext("risk level %(level)s") % {"level": gettext(m["level"])} + (m["score"] or "")
        if m["high"]:  # raised by a threshold change (adtrace.cases.alerts.raise_for_new_levels)
            said += " " + gettext("after the thresholds changed (elevated %(elevated)s, high %(high)s)") % {
                "elevated": m["elevated"], "high": m["high"]}
        return said
    if m := _WATCH.match(text):
        return gettext("%(kind)s on watchlist '%(name)s'") % {"kind": gettext(m["kind"]), "name": m["name"]}
    return gettext(text)


def score(record: Mapping[str, Any], context_indicators: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """`risk = {score, level, reasons}` from the record's indicators.

    `context_indicators` is the hook for indicators that need more than one document (one phone
    across many names or cities, found by linking): same shape as the Record's `indicators`, added
    to the sum and listed in the reasons like any other.
    """
    fired = list(record.get("indicators") or []) + list(context_indicators)
    value, level = _valued(fired)
    ordered = sorted({str(i["id"]): i for i in fired}.values(), key=lambda i: -float(i["weight"]))
    return {"score": value, "level": level, "reasons": [reason(i) for i in ordered]}


def score_and_level(record: Mapping[str, Any], context_indicators: Iterable[Mapping[str, Any]] = ()) -> tuple[int, str]:
    """`score`'s score and level without its reasons (for callers that keep only those two: writing the reason
    sentences was about a sixth of summarising a linked cluster)."""
    return _valued([*(record.get("indicators") or ()), *context_indicators])


def _valued(fired: Iterable[Mapping[str, Any]]) -> tuple[int, str]:
    value = to_score(logit(fired))
    return value, level_of(value)

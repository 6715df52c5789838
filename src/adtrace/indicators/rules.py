"""Indicators that read Record entities (ages, prices, names, phones) rather than wording alone.

Each rule is `f(subject, params) -> spans`; params come from catalogue.yaml, so a rule's thresholds
are data an analyst can read. Changing a threshold means a new indicator version.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from adtrace.indicators import supersets
from adtrace.indicators.base import Span, Subject
from adtrace.indicators.matcher import Group
from adtrace.registry import Registry

RuleFn = Callable[[Subject, Mapping[str, Any]], list[Span]]
# catalogue.yaml names a rule; plugins add theirs through the "adtrace.indicator_rules" entry points. A
# second rule under a taken name is refused: it would change what a published indicator id means.
RULES: Registry[RuleFn] = Registry("indicator rule", "adtrace.indicator_rules")


# Per built-in rule: from its params, a test that is False only where the rule certainly returns no
# span (exactly the rule's own first check). The registry's `indicate` runs it before the rule (speed:
# most rules find nothing on most ads, and the call through the indicator costs more than the test).
# Tests in tests/indicators/test_rule_gates.py check each against its rule.
GateFn = Callable[[Subject], bool]
RULE_GATES: dict[str, Callable[[Mapping[str, Any]], GateFn]] = {}


def rule(name: str, gate: Callable[[Mapping[str, Any]], GateFn] | None = None) -> Callable[[RuleFn], RuleFn]:
    """Register a rule under `name`; `gate`, when given, makes its cheap first test (RULE_GATES)."""
    def wrap(fn: RuleFn) -> RuleFn:
        if gate is not None:
            RULE_GATES[name] = gate
        return RULES.register(name, fn)

    return wrap


def _record_has(field_name: str) -> Callable[[Mapping[str, Any]], GateFn]:
    def make(_params: Mapping[str, Any]) -> GateFn:
        return lambda subject: bool(subject.record.get(field_name))
    return make


def _hits_of_terms(params: Mapping[str, Any]) -> GateFn:
    terms = tuple(str(ind) for ind in params.get("terms_of", []))

    def gate(subject: Subject) -> bool:
        hits = subject.hits
        # Speed: most ads hold hits of none of these indicators (one C call); else, as before, one with hits.
        return not hits.keys().isdisjoint(terms) and any(hits.get(t) for t in terms)
    return gate


def _at_least(params: Mapping[str, Any]) -> GateFn:
    field_name, least = str(params.get("field", "names")), int(params.get("min", 3))

    def gate(subject: Subject) -> bool:
        items = subject.record.get(field_name) or []
        return not (isinstance(items, list) and len(items) < least)
    return gate


def _mapping(item: object) -> bool:
    # Speed: Records hold plain dicts; the ABC check (`isinstance(x, Mapping)`) costs ~10 times more.
    return type(item) is dict or isinstance(item, Mapping)


def _span(item: Mapping[str, Any]) -> Span | None:
    span = item.get("span")
    if isinstance(span, list | tuple) and len(span) == 2:
        start, end = span
        if isinstance(start, int) and isinstance(end, int):
            return int(start), int(end)
    return None


def _ages(subject: Subject) -> list[tuple[int, Span | None]]:
    out = []
    for a in subject.record.get("ages") or []:
        value = a.get("value") if _mapping(a) else None
        if isinstance(value, int | float):
            out.append((int(value), _span(a)))
    return out


def _age_in_range(params: Mapping[str, Any]) -> GateFn:
    low, high = int(params.get("min", 10)), int(params.get("max", 17))

    def gate(subject: Subject) -> bool:
        # Most ads state an age, nearly always an adult one: the rule's spans are read only for an age
        # in range (a superset of the rule: its span check comes after).
        for a in subject.record.get("ages") or ():
            value = a.get("value") if _mapping(a) else None
            if isinstance(value, int | float) and low <= int(value) <= high:
                return True
        return False
    return gate


@rule("stated_age_under", gate=_age_in_range)
def stated_age_under(subject: Subject, params: Mapping[str, Any]) -> list[Span]:
    """An age stated in the ad below the limit (the Record's `ages`, found by the ages extractor)."""
    if not subject.record.get("ages"):
        return []  # no age stated (most ads)
    low, high = int(params.get("min", 10)), int(params.get("max", 17))
    return [s for v, s in _ages(subject) if low <= v <= high and s is not None]


# The lookbehind sits after the "1" (checking the character before it), so the engine can skip to each "1"
# instead of trying the lookbehind at every character (speed: ~8 -> ~1 µs per ad; same matches).
_BARE_AGE = re.compile(r"(1(?<![\d$.,:/]1)[89])(?!\d|[:.,]\d|\s*(?:%|k\b|\$|usd|min|hr|h\b|hours?|/))")


@rule("young_adult_age_near_youth_terms", gate=_hits_of_terms)
def young_adult_age_near_youth_terms(subject: Subject, params: Mapping[str, Any]) -> list[Span]:
    """'18' or '19' within a window of a youth term: the age claim sits next to a youth framing."""
    window = int(params.get("window", 60))
    ages = set(params.get("ages", [18, 19]))
    near = [h.span for ind in params.get("terms_of", []) for h in subject.hits.get(str(ind), [])]
    if not near:
        return []
    spots = [s for v, s in _ages(subject) if v in ages and s is not None]
    if not spots:
        # Without an ages extractor, a bare 18/19 token still counts; prices and times are excluded.
        spots = [subject.view.span(m.start(1), m.end(1)) for m in _BARE_AGE.finditer(subject.view.text)
                 if int(m.group(1)) in ages]
    out: list[Span] = []
    for a in spots:
        close = [t for t in near if t[0] - window <= a[1] and a[0] <= t[1] + window]
        if close:
            out.append(a)
            out.extend(close)
    return out


@rule("youth_wording_with_emoji", gate=_hits_of_terms)
def youth_wording_with_emoji(subject: Subject, params: Mapping[str, Any]) -> list[Span]:
    """Youth wording anywhere in the ad paired with at least one youth emoji."""
    wording = [h.span for ind in params.get("terms_of", []) for h in subject.hits.get(str(ind), [])]
    if not wording:
        return []
    text = subject.view.text
    emoji: list[Span] = []
    for e in params.get("emoji", []):
        i = text.find(str(e))
        if i >= 0:
            emoji.append(subject.view.span(i, i + len(str(e))))
    return wording + emoji if emoji else []


@rule("many_distinct", gate=_at_least)
def many_distinct(subject: Subject, params: Mapping[str, Any]) -> list[Span]:
    """At least `min` different values of one Record field: several people offered in one ad."""
    field_name, least = str(params.get("field", "names")), int(params.get("min", 3))
    items = subject.record.get(field_name) or []
    if isinstance(items, list) and len(items) < least:
        return []  # fewer items than distinct values asked for (most ads)
    values: dict[str, Span] = {}
    for item in items:
        if _mapping(item) and (span := _span(item)) is not None:
            values.setdefault(str(item.get("value")).casefold(), span)
    return list(values.values()) if len(values) >= least else []


@rule("low_hourly_price", gate=_record_has("prices"))
def low_hourly_price(subject: Subject, params: Mapping[str, Any]) -> list[Span]:
    """A price per hour far below the typical market for its currency (thresholds in catalogue.yaml)."""
    limits: Mapping[str, Any] = params.get("per_hour_below", {})
    default_currency = str(params.get("default_currency", "USD"))
    floor = float(params.get("ignore_below", 10))
    out: list[Span] = []
    for p in subject.record.get("prices") or []:
        if not _mapping(p):
            continue
        amount, minutes, span = p.get("amount"), p.get("per_minutes"), _span(p)
        if not isinstance(amount, int | float) or not isinstance(minutes, int | float) or minutes <= 0:
            continue
        limit = limits.get(str(p.get("currency") or default_currency).upper())
        hourly = float(amount) * 60.0 / float(minutes)
        if limit is not None and span is not None and floor <= hourly < float(limit):
            out.append(span)
    return out


def _any_obfuscated(_params: Mapping[str, Any]) -> GateFn:
    return lambda subject: any(_mapping(p) and p.get("obfuscated") for p in subject.record.get("phones") or ())


@rule("obfuscated_phone", gate=_any_obfuscated)
def obfuscated_phone(subject: Subject, params: Mapping[str, Any]) -> list[Span]:
    """A phone number written to dodge filters (spelled-out digits, look-alikes, spacing)."""
    return [s for p in subject.record.get("phones") or []
            if _mapping(p) and p.get("obfuscated") and p.get("field") is None
            and (s := _span(p)) is not None]


def _first_line(subject: Subject) -> list[Span]:
    """Evidence for an absence: the ad's first non-empty line (its title), so the reason points somewhere."""
    text = subject.text
    start = len(text) - len(text.lstrip())
    if start >= len(text):
        return []
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return [(start, min(end, start + 80))]


class _AnyOf:
    """Whether any of `terms` occurs: phrases (whole words in Latin script) and 're:' patterns, on
    lower-cased text with whitespace squeezed.

    Speed: one alternation of ~60 terms tried at every character cost ~340 µs per emscad-dev posting;
    where hyperscan runs, its superset pass (adtrace.indicators.supersets) says which terms can occur
    at all, and only those are searched (none, on a posting that lacks them all: the one that fires).
    Exact: a term whose superset does not match cannot match, and an alternation matches somewhere
    exactly when one of its terms does.
    """

    def __init__(self, terms: tuple[str, ...]) -> None:
        parts = []
        for t in terms:
            if t.startswith("re:"):
                parts.append(f"(?:{t[3:]})")
            elif t[:1].isascii():
                parts.append(rf"\b{re.escape(t.lower())}\b")
            else:
                parts.append(re.escape(t))
        self._whole = re.compile("|".join(parts))  # without hyperscan, as before
        self._group = Group("text_lacks", 0, parts, 0)
        self._gate = supersets.Gate(self._group.units) if supersets.available() else None

    def search(self, text: str) -> bool:
        if self._gate is None:
            return self._whole.search(text) is not None
        pattern = self._group.pattern(self._gate.possible(text))
        return pattern is not None and pattern.search(text) is not None


@lru_cache(maxsize=32)
def _any_of(terms: tuple[str, ...]) -> _AnyOf:
    return _AnyOf(terms)


@rule("text_lacks")
def text_lacks(subject: Subject, params: Mapping[str, Any]) -> list[Span]:
    """Fires when none of `terms` occurs: an ad silent about something an honest one states."""
    if _any_of(tuple(str(t) for t in params.get("terms", ()))).search(" ".join(subject.view.text.lower().split())):
        return []
    return _first_line(subject)


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@rule("short_text")
def short_text(subject: Subject, params: Mapping[str, Any]) -> list[Span]:
    """Fires when the text has fewer than `max_words` words (CJK characters count as 1/`cjk_chars_per_word`)."""
    text = subject.view.text
    if _CJK.search(text) is None:  # no CJK to count (speed: most postings; one scan, not two and a copy)
        words = float(len(text.split()))
    else:
        cjk = len(_CJK.findall(text))
        words = len(_CJK.sub(" ", text).split()) + cjk / float(params.get("cjk_chars_per_word", 2))
    return _first_line(subject) if words < int(params.get("max_words", 100)) else []

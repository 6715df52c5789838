"""The indicator registry: built-ins from catalogue.yaml + lexicons, plugins from entry points.

`register()` refuses a duplicate id, a malformed id, and an indicator whose own examples fail: a
rule that cannot pass its stated cases never reaches an analyst.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from adtrace import errors
from adtrace.indicators.base import Indicator, Span, Subject, evidence
from adtrace.indicators.catalogue import NEGATIONS, load_builtins
from adtrace.indicators.matcher import Matcher
from adtrace.registry import Registry
from adtrace.text import View

ID_FORMAT = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9_]+\.v[0-9]+$")


def _adopt(name: str, plugin: Any) -> list[tuple[str, Indicator]]:
    """An "adtrace.indicators" entry point gives one Indicator or a list; each passes `register`'s checks."""
    items = [i for i in (plugin if isinstance(plugin, list | tuple) else [plugin]) if isinstance(i, Indicator)]
    return [(register(i).id, i) for i in items]


INDICATORS: Registry[Indicator] = Registry("indicator", "adtrace.indicators", adopt=_adopt)
_matcher: Matcher | None = None
# What `indicate` walks, built with the matcher: each active indicator, and whether it fires only
# through its own lexicon hits (then an indicator without hits is skipped without a call).
_active: tuple[tuple[Indicator, bool], ...] = ()
# The same per document kind (built on first use of a kind, dropped with the matcher): the indicators
# that always run, as (position in `_active`, indicator); and the lexicon-only ones by id, run only when
# the matcher found hits for them (speed: the walk over ~45 indicators per ad cost more than the few
# that can fire). An indicator whose `kinds` leave this kind out is in neither: it finds nothing.
_plans: dict[str, tuple[tuple[tuple[int, Indicator], ...], dict[str, tuple[int, Indicator]]]] = {}
_loaded = False


def _fail(message: str, *, cli_hint: str = "", **detail: Any) -> errors.RegistryError:
    return errors.RegistryError(message=message, detail=detail, cli_hint=cli_hint)


def register(indicator: Indicator) -> Indicator:
    """Add an indicator after checking its id and running its examples."""
    global _matcher
    if not ID_FORMAT.match(indicator.id):
        raise _fail(f"indicator id '{indicator.id}' must look like 'category.name.v1'", id=indicator.id)
    if indicator.id in INDICATORS:
        raise _fail(f"an indicator with id '{indicator.id}' is already registered; publish a new version "
                    "(.v2) instead of replacing it", id=indicator.id)
    if (indicator.lexicon is None) == (indicator.rule is None):
        raise _fail(f"indicator '{indicator.id}' needs exactly one of a lexicon or a rule", id=indicator.id)
    missing = [u for u in indicator.uses if u not in INDICATORS]
    if missing:
        raise _fail(f"indicator '{indicator.id}' uses unregistered indicators: {', '.join(missing)}",
                    id=indicator.id, missing=missing)
    check_examples(indicator)
    INDICATORS[indicator.id] = indicator
    _matcher = None
    return indicator


def check_examples(indicator: Indicator) -> None:
    """Every positive example fires with valid spans; no negative example fires."""
    if not indicator.positive or not indicator.negative:
        raise _fail(f"indicator '{indicator.id}' needs at least one positive and one negative example",
                    id=indicator.id)
    lexicons = {u: lex for u in indicator.uses if (lex := INDICATORS[u].lexicon) is not None}
    if indicator.lexicon is not None:
        lexicons[indicator.id] = indicator.lexicon
    matcher = Matcher(lexicons, NEGATIONS, complete=indicator.uses)
    for expect, examples in ((True, indicator.positive), (False, indicator.negative)):
        for ex in examples:
            subject = Subject.of(ex.text, ex.record, ex.kind)
            subject.hits = matcher.find(subject.view)
            spans = indicator.detect(subject)
            bad = [s for s in spans if not 0 <= s[0] < s[1] <= len(ex.text)]
            if bool(spans) != expect or bad:
                what = "does not fire on its positive" if expect else "fires on its negative"
                if bad:
                    what = f"returns spans outside the text {bad} on"
                raise _fail(f"indicator '{indicator.id}' {what} example {ex.text!r}; fix the rule or "
                            "the example before registering it", id=indicator.id, example=ex.text)


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    try:
        for indicator in load_builtins():
            register(indicator)
        INDICATORS.load()  # plugins ("adtrace.indicators" entry points)
        check_reads(INDICATORS.values())
    except Exception:
        # A half-loaded registry would score silently with some indicators missing: fail every time.
        INDICATORS.clear()
        _loaded = False
        raise


def check_reads(indicators: Iterable[Indicator]) -> None:
    """Every `reads:` field is one some registered extractor assigns: a typo would leave a rule blind."""
    from adtrace.extractors import assigned

    fields = assigned()
    for ind in indicators:
        missing = [f for f in ind.reads if f not in fields]
        if missing:
            raise errors.RegistryError(
                message=f"indicator '{ind.id}' reads {', '.join(missing)}, which no registered extractor "
                        "assigns; fix `reads:` in catalogue.yaml or install the extractor",
                detail={"id": ind.id, "reads": missing}, code=errors.UNMET_REQUIREMENT)


def all_indicators() -> list[Indicator]:
    """Every registered indicator, retired versions included (they explain stored scores)."""
    _load()
    return list(INDICATORS.values())


def active_indicators() -> list[Indicator]:
    """The indicators that fire on new documents."""
    _load()
    return [i for i in INDICATORS.values() if not i.retired]


def get(indicator_id: str) -> Indicator:
    _load()
    try:
        return INDICATORS[indicator_id]
    except KeyError:
        raise _fail(f"no indicator '{indicator_id}' in this installation (adtrace and its plugins)",
                    id=indicator_id) from None


def matcher() -> Matcher:
    global _matcher, _active
    _load()
    if _matcher is None:
        _plans.clear()
        active = [i for i in INDICATORS.values() if not i.retired]
        used = {u for i in active for u in i.uses}
        _matcher = Matcher({k: i.lexicon for k, i in INDICATORS.items()
                            if i.lexicon is not None and (not i.retired or k in used)}, NEGATIONS, complete=used,
                           gate=True)
        _active = tuple((i, i.rule is None and type(i) is Indicator) for i in active)
    return _matcher


def _plan(kind: str) -> tuple[tuple[tuple[int, Indicator], ...], dict[str, tuple[int, Indicator]]]:
    plan = _plans.get(kind)
    if plan is None:
        # A plain Indicator's `detect` returns nothing for a kind its `kinds` leave out; a subclass may
        # override `detect`, so it always runs.
        applies = [(k, ind, lexicon_only) for k, (ind, lexicon_only) in enumerate(_active)
                   if type(ind) is not Indicator or not ind.kinds or kind in ind.kinds]
        plan = _plans[kind] = (tuple((k, ind) for k, ind, lexicon_only in applies if not lexicon_only),
                               {ind.id: (k, ind) for k, ind, lexicon_only in applies if lexicon_only})
    return plan


def indicate(text: str, record: Mapping[str, Any], kind: str = "ad", view: View | None = None) -> list[dict[str, Any]]:
    """Fired indicators for one document: `[{id, category, weight, evidence: [{span, text}]}]`."""
    m = matcher()
    subject = Subject.of(text, record, kind, view)
    subject.hits = hits = m.find(subject.view)
    always, by_hits = _plan(kind)
    todo: list[tuple[int, Indicator]] = list(always)
    # A lexicon indicator without hits does not fire (speed: most of them, on most ads): only those
    # with hits join, and the walk keeps the registry's order (the order of the output).
    with_hits = [entry for ind_id in hits if (entry := by_hits.get(ind_id)) is not None]
    if with_hits:
        todo = sorted(todo + with_hits, key=_position)
    out: list[dict[str, Any]] = []
    for _, ind in todo:
        if ind.can_fire is not None and not ind.can_fire(subject):
            continue  # the rule's own first test would return nothing (speed: most rules, on most ads)
        spans: list[Span] = ind.detect(subject)
        if spans:
            out.append({"id": ind.id, "category": ind.category, "weight": ind.weight,
                        "evidence": evidence(text, spans)})
    return out


def _position(entry: tuple[int, Indicator]) -> int:
    return entry[0]


def describe(indicator_id: str) -> dict[str, Any]:
    """What an analyst, a page or a case report shows about one indicator: meaning, weight, evidence
    status with its citation and finding, ILO codes and Polaris types (labels included)."""
    from adtrace.indicators.catalogue import ilo_codes, polaris_types, sources

    ind = get(indicator_id)
    cite, codes, types = sources(), ilo_codes(), polaris_types()
    ev = ind.evidence
    return {"id": ind.id, "category": ind.category, "weight": ind.weight, "description": ind.description,
            "evidence": {"status": ev.status, "source": ev.source, "citation": cite.get(ev.source, ev.source),
                         "finding": ev.finding} if ev else None,
            "ilo": [{"code": c, "label": codes[c]} for c in ind.ilo],
            "types": [types[t] for t in ind.types], "retired": ind.retired, "replaced_by": ind.replaced_by}


def polaris_types_of(fired: Iterable[Mapping[str, Any]]) -> list[str]:
    """The Polaris typology types the fired indicators point to, for a type facet (first-seen order)."""
    from adtrace.indicators.catalogue import polaris_types

    names = polaris_types()
    out: dict[str, None] = {}
    for f in fired:
        ind = INDICATORS.get(str(f.get("id")))
        for t in ind.types if ind else ():
            out.setdefault(names[t], None)
    return list(out)

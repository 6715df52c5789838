"""Build the built-in indicators from catalogue.yaml and the per-language lexicons."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from adtrace import errors
from adtrace.indicators.base import EVIDENCE_STATUSES, Evidence, Example, Indicator, Lexicon, Subject
from adtrace.indicators.rules import RULE_GATES, RULES

LANGUAGES = ("en", "es", "zh")


def _yaml(name: str) -> dict[str, Any]:
    raw = resources.files("adtrace.indicators").joinpath(name).read_text(encoding="utf-8")
    data = yaml.safe_load(raw)
    if not isinstance(data, dict):
        raise errors.ConfigError(message=f"indicators/{name} must hold a mapping; reinstall adtrace")
    return data


@cache
def catalogue() -> dict[str, Any]:
    return _yaml("catalogue.yaml")


@cache
def lexicons() -> dict[str, dict[str, Any]]:
    """Per language: the parsed lexicon file."""
    return {lang: _yaml(f"lexicons/{lang}.yaml") for lang in LANGUAGES}


def _negations() -> tuple[str, ...]:
    return tuple(str(c) for lex in lexicons().values() for c in lex.get("negation", []))


NEGATIONS = _negations()


def sources() -> dict[str, str]:
    return {str(k): str(v) for k, v in catalogue()["sources"].items()}


def ilo_codes() -> dict[str, str]:
    return {str(k): str(v) for k, v in (catalogue().get("ilo_codes") or {}).items()}


def polaris_types() -> dict[str, str]:
    return {str(k): str(v) for k, v in (catalogue().get("polaris_types") or {}).items()}


def _evidence(ind_id: str, raw: Any, known_sources: set[str]) -> Evidence:
    """Every built-in says how far research backs it; the loader refuses one that does not."""
    if not isinstance(raw, dict):
        raise errors.RegistryError(message=f"indicator '{ind_id}' has no evidence; add evidence: {{status, source, "
                                   f"finding}} to catalogue.yaml (status one of {', '.join(EVIDENCE_STATUSES)})")
    status, source, finding = str(raw.get("status", "")), str(raw.get("source", "")), str(raw.get("finding", ""))
    if status not in EVIDENCE_STATUSES:
        raise errors.RegistryError(message=f"indicator '{ind_id}' has evidence status {status!r}; use one of "
                                   f"{', '.join(EVIDENCE_STATUSES)}")
    if source not in known_sources:
        raise errors.RegistryError(message=f"indicator '{ind_id}' cites unknown evidence source {source!r}")
    if not finding.strip():
        raise errors.RegistryError(message=f"indicator '{ind_id}' needs a one-line evidence finding")
    return Evidence(status, source, finding.strip())


def _codes(ind_id: str, field: str, values: Any, known: dict[str, str]) -> tuple[str, ...]:
    codes = tuple(str(v) for v in values or ())
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise errors.RegistryError(message=f"indicator '{ind_id}' lists unknown {field} {unknown}; "
                                   f"define them in catalogue.yaml")
    return codes


def _examples(items: list[Any] | None) -> tuple[Example, ...]:
    out = []
    for item in items or []:
        if isinstance(item, str):
            out.append(Example(item))
        else:
            out.append(Example(str(item["text"]), dict(item.get("record") or {}), str(item.get("kind", "ad"))))
    return tuple(out)


def _lexicon_parts(ind_id: str) -> tuple[list[list[str]], list[Any], list[Any], list[str]]:
    """Term groups, positive and negative examples of one indicator, merged over all languages."""
    groups: list[list[str]] = []
    pos: list[Any] = []
    neg: list[Any] = []
    langs: list[str] = []
    for lang, lex in lexicons().items():
        entry = (lex.get("indicators") or {}).get(ind_id)
        if not entry:
            continue
        langs.append(lang)
        these = entry["all"] if "all" in entry else [entry["terms"]]
        for i, terms in enumerate(these):
            if len(groups) <= i:
                groups.append([])
            groups[i].extend(str(t) for t in terms)
        pos.extend(entry.get("positive", []))
        neg.extend(entry.get("negative", []))
    return groups, pos, neg, langs


def load_builtins() -> list[Indicator]:
    cat = catalogue()
    known_sources = set(cat["sources"])
    defined = {str(d["id"]) for d in cat["indicators"]}
    for lang, lex in lexicons().items():
        stray = set(lex.get("indicators") or {}) - defined
        if stray:
            raise errors.RegistryError(message=f"lexicons/{lang}.yaml has terms for unknown indicators: "
                                       f"{', '.join(sorted(stray))}; add them to catalogue.yaml")
    out: list[Indicator] = []
    for d in cat["indicators"]:
        ind_id = str(d["id"])
        unknown = [s for s in d.get("sources", []) if s not in known_sources]
        if unknown:
            raise errors.RegistryError(message=f"indicator '{ind_id}' cites unknown sources {unknown}")
        examples = d.get("examples") or {}
        common: dict[str, Any] = {
            "id": ind_id, "category": str(d["category"]), "weight": float(d["weight"]),
            "description": str(d["description"]), "sources": tuple(d.get("sources", [])),
            "uses": tuple(d.get("uses", [])), "reads": tuple(d.get("reads", [])),
            "params": dict(d.get("params") or {}),
            "evidence": _evidence(ind_id, d.get("evidence"), known_sources),
            "retired": bool(d.get("retired", False)), "replaced_by": d.get("replaced_by"),
            "ilo": _codes(ind_id, "ilo codes", d.get("ilo"), ilo_codes()),
            "types": _codes(ind_id, "Polaris types", d.get("types"), polaris_types()),
            "kinds": tuple(str(k) for k in d.get("kinds") or ()),
        }
        if "rule" in d:
            fn = RULES.provider(str(d["rule"]))
            params = common["params"]

            def run(subject: Subject, fn: Any = fn, params: Any = params) -> list[tuple[int, int]]:
                result: list[tuple[int, int]] = fn(subject, params)
                return result

            can_fire = gate(params) if (gate := RULE_GATES.get(str(d["rule"]))) is not None else None
            out.append(Indicator(**common, rule=run, positive=_examples(examples.get("positive")),
                                 negative=_examples(examples.get("negative")), can_fire=can_fire))
            continue
        groups, pos, neg, langs = _lexicon_parts(ind_id)
        if not groups:
            raise errors.RegistryError(message=f"indicator '{ind_id}' has no terms in any lexicon")
        opts = d.get("lexicon") or {}
        lexicon = Lexicon(tuple(tuple(g) for g in groups), int(opts.get("min_distinct", 1)),
                          bool(opts.get("negatable", False)))
        common["params"] = {**common["params"], "languages": langs}
        out.append(Indicator(**common, lexicon=lexicon, positive=_examples(pos + examples.get("positive", [])),
                             negative=_examples(neg + examples.get("negative", []))))
    return out

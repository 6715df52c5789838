"""Search: parse the query language once, then build SQL for either backend.

Query language: words (all must appear), "quoted phrases", prefixes ending in `*` (`escor*`).
Words are split the way both full-text indexes split them (letters and digits, no stemming), so one
query finds the same documents on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from adtrace.storage.base import BAD_QUERY, ENTITY_KINDS, FACETS, Query, storage_error
from adtrace.storage.prepare import normalise_date, normalise_lookup

_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")
FACET_LIMIT = 20


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # more than one: a phrase
    prefix: bool = False


def parse(text: str) -> list[Term]:
    terms: list[Term] = []
    for m in _TOKEN.finditer(text):
        phrase, word = m.group(1), m.group(2)
        raw = phrase if phrase is not None else word
        prefix = phrase is None and raw.endswith("*")
        words = tuple(w.lower() for w in _WORD.findall(raw))
        if words:
            terms.append(Term(words, prefix))
    return terms


def fts5_query(terms: list[Term]) -> str:
    parts = []
    for t in terms:
        quoted = '"' + " ".join(t.words) + '"'
        parts.append(quoted + ("*" if t.prefix else ""))
    return " AND ".join(parts)


def tsquery(terms: list[Term]) -> str:
    parts = []
    for t in terms:
        words = [w.replace("'", "") for w in t.words]
        if t.prefix:
            words[-1] += ":*"
        parts.append("(" + " <-> ".join(words) + ")" if len(words) > 1 else words[0])
    return " & ".join(parts)


@dataclass
class Plan:
    """The FROM/WHERE shared by the count, the hits and every facet."""

    from_sql: str
    where: list[str]
    params: dict[str, Any]
    order: str

    @property
    def base(self) -> str:
        where = " AND ".join(self.where) if self.where else "1=1"
        return f"{self.from_sql} LEFT JOIN records r ON r.doc_id = d.id WHERE {where}"


def filters(q: Query, region: str = "US") -> tuple[list[str], dict[str, Any]]:
    """WHERE conditions for everything but the free text."""
    where: list[str] = []
    params: dict[str, Any] = {}
    for kind in ENTITY_KINDS:
        value = getattr(q, kind)
        if value:
            where.append(f"d.id IN (SELECT doc_id FROM entities WHERE kind = :k_{kind} AND value = :v_{kind})")
            params[f"k_{kind}"], params[f"v_{kind}"] = kind, normalise_lookup(kind, value, region)
    for name in ("source", "kind"):
        if getattr(q, name):
            where.append(f"d.{name} = :{name}")
            params[name] = getattr(q, name)
    if q.risk_level:
        where.append("r.risk_level = :risk_level")
        params["risk_level"] = q.risk_level
    if q.indicator:
        where.append("d.id IN (SELECT doc_id FROM indicator_hits WHERE indicator_id = :indicator)")
        params["indicator"] = q.indicator
    if q.date_from:
        where.append("d.posted_at >= :date_from")
        params["date_from"] = _date(q.date_from, "date_from")
    if q.date_to:
        if len(q.date_to) == 10:  # a bare date includes the whole day
            where.append("d.posted_at < :date_to")
            params["date_to"] = (date.fromisoformat(_date(q.date_to, "date_to")[:10]) + timedelta(days=1)).isoformat()
        else:
            where.append("d.posted_at <= :date_to")
            params["date_to"] = _date(q.date_to, "date_to")
    for facet in q.facets:
        if facet not in FACETS:
            raise storage_error(BAD_QUERY, f"unknown facet {facet!r}; use one of: {', '.join(FACETS)}")
    if q.limit < 0 or q.offset < 0:
        raise storage_error(BAD_QUERY, "limit and offset must be zero or more")
    return where, params


def _date(value: str, name: str) -> str:
    out = normalise_date(value)
    if out is None:
        raise storage_error(BAD_QUERY, f"{name} is not an ISO 8601 date: {value!r}. Write e.g. 2024-05-01")
    return out


def facet_sql(plan: Plan, facet: str) -> str:
    """One GROUP BY per facet over the matching documents, biggest first."""
    tail = f"GROUP BY v ORDER BY n DESC, v LIMIT {FACET_LIMIT}"
    if facet in ("source", "kind"):
        return f"SELECT d.{facet} AS v, count(*) AS n FROM {plan.base} {tail}"
    if facet == "risk_level":
        return f"SELECT r.risk_level AS v, count(*) AS n FROM {plan.base} AND r.risk_level IS NOT NULL {tail}"
    if facet == "indicator":
        return (f"SELECT h.indicator_id AS v, count(*) AS n FROM indicator_hits h "
                f"WHERE h.doc_id IN (SELECT d.id FROM {plan.base}) {tail}")
    return (f"SELECT e.value AS v, count(*) AS n FROM entities e WHERE e.kind = 'city' "
            f"AND e.doc_id IN (SELECT d.id FROM {plan.base}) {tail}")


def snippet(text: str, terms: list[Term], width: int = 160) -> str:
    """A piece of the text around the first query word, or its start."""
    lower = text.lower()
    pos = -1
    for t in terms:
        pos = lower.find(t.words[0])
        if pos >= 0:
            break
    start = max(0, pos - width // 3) if pos >= 0 else 0
    piece = " ".join(text[start:start + width].split())
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")

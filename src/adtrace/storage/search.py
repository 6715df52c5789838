"""Search: parse the query language once, then build SQL for either backend.

Query language: words (all must appear), "quoted phrases", prefixes ending in `*` (`escor*`).
Words are split the way both full-text indexes split them (letters and digits, no stemming), so one
query finds the same documents on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from adtrace.storage import cjk
from adtrace.storage.base import BAD_QUERY, ENTITY_KINDS, FACETS, SORTS, Query, storage_error
from adtrace.storage.prepare import city_value, normalise_date, normalise_lookup

PLACE_FACETS = ("city", "state", "phone_area")

_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")
FACET_LIMIT = 20


def _accents() -> tuple[str, str]:
    """Accented Latin letters (U+00C0-U+024F) and their base letters, as SQLite's FTS5 folds them
    (unicode61, remove_diacritics 2). PostgreSQL's index text folds the same (migration 0014 writes
    these strings into `adtrace_search_text()`; changing them needs a migration rebuilding `search_docs` and `search_positions`)."""
    src, dst = [], []
    for code in range(0xC0, 0x250):
        ch = chr(code)
        base = unicodedata.normalize("NFKD", ch)[0]
        if base != ch and base.isascii() and base.isalpha():
            src.append(ch)
            dst.append(base)
    return "".join(src), "".join(dst)


ACCENTS_FROM, ACCENTS_TO = _accents()
_FOLD = str.maketrans(ACCENTS_FROM + string.punctuation, ACCENTS_TO + " " * len(string.punctuation))
_ACCENT_FOLD = str.maketrans(ACCENTS_FROM, ACCENTS_TO)


def fold(text: str) -> str:
    """`text` lowercased with its accents folded as the index folds them ("Café" -> "cafe"), one character for
    one, so a match found in the folded text has the same offsets in the text: snippets are cut and highlights
    marked where the index matched, not only where the characters are the same. A character whose lowercase is
    longer ("İ" alone, after folding) stays as it is."""
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text.translate(_ACCENT_FOLD))


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


def split_cjk(terms: list[Term]) -> tuple[list[Term], list[str]]:
    """(terms for the word index, CJK runs for the bigram side index; see adtrace/storage/cjk.py).

    A word holding CJK characters is looked up by its runs alone (any Latin letters glued to it are
    dropped: the runs already narrow the match to the documents that hold them).
    """
    plain: list[Term] = []
    runs: list[str] = []
    for t in terms:
        words: list[str] = []
        last_kept = True
        for w in t.words:
            found = cjk.query_runs(w)
            runs += found
            last_kept = not found
            if not found:
                words.append(w)
        if words:
            plain.append(Term(tuple(words), t.prefix and last_kept))
    return plain, runs


def fts5_query(terms: list[Term]) -> str:
    parts = []
    for t in terms:
        quoted = '"' + " ".join(t.words) + '"'
        parts.append(quoted + ("*" if t.prefix else ""))
    return " AND ".join(parts)


def tsquery(terms: list[Term]) -> str:
    parts = []
    for t in terms:
        words = [w.translate(_FOLD).replace(" ", "") for w in t.words]
        if t.prefix:
            words[-1] += ":*"
        parts.append("(" + " <-> ".join(words) + ")" if len(words) > 1 else words[0])
    return " & ".join(parts)


# Relevance ranks the newest RANK_WINDOW matches (every match when fewer match), on both backends: bm25
# (SQLite) and ts_rank (PostgreSQL) cost per ranked document, and ranking every match of a broad query was
# the largest part of its time (SQLite, 1M realistic ads: CPU p50 87 ms of a search's ~150). Read at plan
# time, so tests may lower it. Totals and facets always count every match.
RANK_WINDOW = 2000

COUNT_CAP = 10_000  # suggested Query.count_cap for interactive pages: "10,000+" beyond it
FACET_CAP = 5_000  # suggested Query.facet_cap: facets over the 5,000 newest matches beyond it


@dataclass
class Plan:
    """How a backend finds the matching documents, as integer `seq`s, and orders the hits.

    Counting and faceting read only `matches` and the narrow `facet_values` table, never the wide
    `documents` rows; only the page of hits joins `documents`.
    """

    matches: str  # SELECT seq (one column) of every matching document
    newest: str  # `matches` ordered newest first (for a capped facet sample)
    hits: str  # SELECT seq, sort key columns ... ORDER BY ... LIMIT :limit OFFSET :offset
    order: str  # ORDER BY over the hits' columns (h.*, d.*) after the join
    params: dict[str, Any]
    narrow: str | None = None  # PostgreSQL: "search_docs x WHERE ..." (count and facets in one pass)
    setup: str | None = None  # a statement to run first in each read transaction (PostgreSQL: SET LOCAL)


def filters(q: Query, col: str, region: str = "US") -> tuple[list[str], dict[str, Any]]:
    """WHERE conditions on the integer document key `col` for everything but the free text."""
    sets, params = filter_sets(q, region)
    return [f"{col} IN ({sub})" for sub in sets], params


def filter_sets(q: Query, region: str = "US") -> tuple[list[str], dict[str, Any]]:
    """One SELECT per filter, each giving the `seq` of every document it keeps, once (all must keep one)."""
    where: list[str] = []
    params: dict[str, Any] = {}
    for kind in ENTITY_KINDS:
        value = getattr(q, kind)
        if kind == "city":
            continue  # a facet since migration 0015 (below), no longer any place the entity index links
        if value:
            where.append(f"SELECT d.seq FROM entities e JOIN documents d ON d.id = e.doc_id "
                         f"WHERE e.kind = :k_{kind} AND e.value = :v_{kind}")
            params[f"k_{kind}"], params[f"v_{kind}"] = kind, normalise_lookup(kind, value, region)
    for name in ("source", "kind", "risk_level", "indicator", "city", "state", "phone_area"):
        if getattr(q, name):
            where.append(f"SELECT seq FROM facet_values WHERE facet = '{name}' AND value = :{name}")
            value = getattr(q, name)
            params[name] = city_value(value) if name in PLACE_FACETS else value
    dates: list[str] = []
    if q.date_from:
        dates.append("posted_at >= :date_from")
        params["date_from"] = _date(q.date_from, "date_from")
    if q.date_to:
        if len(q.date_to) == 10:  # a bare date includes the whole day
            dates.append("posted_at < :date_to")
            params["date_to"] = (date.fromisoformat(_date(q.date_to, "date_to")[:10]) + timedelta(days=1)).isoformat()
        else:
            dates.append("posted_at <= :date_to")
            params["date_to"] = _date(q.date_to, "date_to")
    if dates:
        where.append(f"SELECT seq FROM documents WHERE {' AND '.join(dates)}")
    if q.sort not in SORTS:
        raise storage_error(BAD_QUERY, f"unknown sort {q.sort!r}; use one of: {', '.join(SORTS)}")
    for facet in q.facets:
        if facet not in FACETS:
            raise storage_error(BAD_QUERY, f"unknown facet {facet!r}; use one of: {', '.join(FACETS)}")
    if q.limit < 0 or q.offset < 0:
        raise storage_error(BAD_QUERY, "limit and offset must be zero or more")
    for cap in (q.count_cap, q.facet_cap):
        if cap is not None and cap < 1:
            raise storage_error(BAD_QUERY, "count_cap and facet_cap must be 1 or more (or None: exact)")
    return where, params


def browse_plan(q: Query) -> Plan:
    """No free text: filters only (or everything), newest first, undated last; the same on both backends.

    The first filter's own set drives (e.g. a phone's entity rows): counting then reads only narrow
    index entries, never a wide `documents` row per match (SQLite, 200k realistic ads, the 30 busiest
    phones: the count's CPU max 10.4 -> 1.1 ms on a cold cache).
    """
    sets, params = filter_sets(q)
    if sets:
        rest = "".join(f" AND m.seq IN ({sub})" for sub in sets[1:])
        matches = f"SELECT m.seq FROM ({sets[0]}) m WHERE 1=1{rest}"
        plan = Plan(matches, f"{matches} ORDER BY m.seq DESC", "", "", params)
    else:
        matches = "SELECT d.seq FROM documents d"
        plan = Plan(matches, f"{matches} ORDER BY d.seq DESC", "", "", params)
    return sorted_plan(plan, "score" if q.sort == "score" else "newest")


# The orders other than relevance, over the documents (and their records) of the matches.
_ORDERS = {"newest": ("", "d.posted_at DESC NULLS LAST, d.id"),
           "score": ("LEFT JOIN records r ON r.doc_id = d.id", "r.risk_score DESC NULLS LAST, d.posted_at DESC "
                     "NULLS LAST, d.id")}


def sorted_plan(plan: Plan, sort: str) -> Plan:
    """The plan with its page of hits ordered newest first or by risk score, highest first."""
    join, order = _ORDERS[sort]
    hits = (f"SELECT d.seq FROM documents d {join} WHERE d.seq IN ({plan.matches}) "
            f"ORDER BY {order} LIMIT :limit OFFSET :offset")
    return Plan(plan.matches, plan.newest, hits, order, plan.params, plan.narrow, plan.setup)


def _date(value: str, name: str) -> str:
    out = normalise_date(value)
    if out is None:
        raise storage_error(BAD_QUERY, f"{name} is not an ISO 8601 date: {value!r}. Write e.g. 2024-05-01")
    return out


def facets_sql(plan: Plan, facets: Sequence[str], cap: int | None) -> str:
    """Every requested facet in one GROUP BY over the matches (or the `cap` newest of them).

    One pass builds the candidate set once; the caller keeps the FACET_LIMIT biggest values per facet.
    """
    names = ", ".join(f"'{f}'" for f in facets if f in FACETS)  # validated names, never user text
    sample = plan.matches if cap is None else f"{plan.newest} LIMIT {int(cap)}"
    # CROSS JOIN: SQLite must read each candidate's few rows by primary key, not scan a whole facet.
    return (f"SELECT v.facet, v.value, count(*) AS n FROM ({sample}) m CROSS JOIN facet_values v "
            f"WHERE v.seq = m.seq AND v.facet IN ({names}) GROUP BY v.facet, v.value")


def top_values(rows: Iterable[tuple[str, str, int]], facets: Sequence[str]) -> dict[str, dict[str, int]]:
    """The FACET_LIMIT biggest values of each facet, biggest first, ties by value."""
    out: dict[str, list[tuple[int, str]]] = {f: [] for f in facets}
    for facet, value, n in rows:
        out[facet].append((-int(n), str(value)))
    return {f: {v: -n for n, v in sorted(pairs)[:FACET_LIMIT]} for f, pairs in out.items()}


def snippet(text: str, terms: list[Term], width: int = 160) -> str:
    """A piece of the text around the first query word (accents folded, as the index matched it), or its start."""
    lower = fold(text)
    pos = -1
    for t in terms:
        pos = lower.find(fold(t.words[0]))
        if pos >= 0:
            break
    start = max(0, pos - width // 3) if pos >= 0 else 0
    piece = " ".join(text[start:start + width].split())
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")

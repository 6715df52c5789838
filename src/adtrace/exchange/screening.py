"""Screening at posting time: a platform sends an ad, gets entities, indicators with evidence, the risk
level and any matches against watchlists and partner signals. Stateless mode stores nothing at all.

Used by `POST /api/v1/screen` and `adtrace screen`; both print the same JSON per document.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from adtrace import errors
from adtrace.documents import Document
from adtrace.exchange import match as xm
from adtrace.exchange import store as xs
from adtrace.pipeline import Pipeline
from adtrace.pipeline.process import RECORD_FIELDS
from adtrace.scoring import level_of
from adtrace.storage import corpus
from adtrace.storage.db import read, write

MAX_BATCH = 1000
MAX_IDENTIFIERS = 50  # per document (configurable: ADTRACE_SCREEN_MAX_IDENTIFIERS)
FREE_IDENTIFIERS = 5  # per document; each one past this costs one more token of the caller's rate limit


@dataclass(frozen=True)
class Partner:
    """A partner organisation's caller (role `partner`): what it stores lives in its own namespace, and it
    learns at most that a watchlist matched (when `watchlist_hint` allows), never which one or whose."""

    name: str
    watchlist_hint: bool = False

    @property
    def source(self) -> str:
        return f"partner-{self.name}"

    def adopt(self, doc: Document) -> Document:
        """The document as this partner's: id derived from the partner's name and the id (or source+url or
        content) it sent, source forced to the partner's. An analyst's document can never be addressed."""
        digest = hashlib.sha256(f"{self.name}\x00{doc.id}".encode("utf-8", "surrogatepass")).hexdigest()[:24]
        sent = {"id": doc.id[:200], "source": doc.source[:200]}
        return dataclasses.replace(doc, id=f"{self.source}-{digest}", source=self.source,
                                   meta={**doc.meta, "partner": {"name": self.name, **sent}})


@dataclass
class Screened:
    """One screening call: the results, and what the caller's view hid (the audit log keeps it)."""

    results: list[dict[str, Any]]
    hidden_watch: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)  # (doc id, matches)
    outcomes: list[Any] = field(default_factory=list)  # storage outcomes, store mode only


class RateLimited(errors.AdtraceError):
    """The caller's bucket is empty: the API answers 429 with Retry-After."""

    def __init__(self, wait: float) -> None:
        super().__init__(message="too many documents or identifiers screened; wait and retry", code=errors.RATE_LIMITED,
                         http_status=429, detail={"retry_after": math.ceil(wait)})


def identifier_count(record: dict[str, Any]) -> int:
    """Phones, e-mails, handles, payment handles and photos a Record names (before de-duplication)."""
    return sum(len(record.get(k) or ()) for k in ("phones", "emails", "handles", "payments", "images"))


@dataclass
class Screener:
    """One per process: the pipeline, the consortium key, and a cached index of partner signals."""

    engine: sa.Engine | None = None
    key: bytes | None = None  # no key: partner matching is off (said in every result)
    pipeline: Pipeline = field(default_factory=Pipeline)
    refresh_seconds: float = 5.0  # how stale the signal cache may get before we ask the database
    # A real ad names a handful of identifiers; thousands in one "ad" is someone testing guesses
    # against partner signals (issue 20), so a document past this is refused before any matching.
    # None (the local `adtrace screen` CLI): no limit; the API sets it from its Limits.
    max_identifiers: int | None = None
    _index: xm.SignalIndex = field(default_factory=xm.SignalIndex)
    _version: tuple[int, int, int] | None = None
    _checked: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def index(self) -> xm.SignalIndex:
        if self.engine is None or self.key is None:
            return self._index
        t = time.monotonic()
        if t - self._checked < self.refresh_seconds:
            return self._index
        with self._lock:
            if t - self._checked >= self.refresh_seconds:
                version = xs.signals_version(self.engine)
                if version != self._version:
                    self._index, self._version = xm.SignalIndex.load(self.engine), version
                self._checked = time.monotonic()
        return self._index

    def refresh(self) -> None:
        self._checked = float("-inf")

    def screen(self, docs: Sequence[Document], store: Any = None) -> list[dict[str, Any]]:
        """Screen documents; with a `store`, keep them and their partner matches as leads."""
        return self.run(docs, store).results

    def run(self, docs: Sequence[Document], store: Any = None, *, partner: Partner | None = None,
            charge: Callable[[int], float] | None = None) -> Screened:
        """Screen as `partner` (None: an analyst, who sees everything). `charge(extra)` takes the identifiers
        past FREE_IDENTIFIERS per document from the caller's rate limit; a wait raises RateLimited."""
        if partner is not None:
            docs = [partner.adopt(d) for d in docs]
        records: list[dict[str, Any]] = []
        for i, record in enumerate(self.pipeline.process_many(docs)):
            if isinstance(record, Exception):
                raise record  # as before batching: the request fails with the server's own error
            records.append(record)
            n = identifier_count(record)
            if self.max_identifiers is not None and n > self.max_identifiers:
                raise errors.InputError(
                    message=f"document {i} names {n} identifiers (phones, e-mails, handles, payment handles, "
                    f"photos); screening takes at most {self.max_identifiers} per document. Split it",
                    code=errors.TOO_MANY_IDENTIFIERS, detail={"document": i, "identifiers": n,
                                                              "limit": self.max_identifiers})
        if charge is not None:  # before any matching: a refused request learns nothing
            extra = sum(max(0, identifier_count(r) - FREE_IDENTIFIERS) for r in records)
            if extra and (wait := charge(extra)):
                raise RateLimited(wait)
        if self.engine is not None:  # the admin's saved thresholds decide the level, as for stored documents
            minimums = _thresholds(self.engine)
            for record in records:
                if isinstance(record.get("risk"), dict):
                    record["risk"]["level"] = level_of(float(record["risk"].get("score") or 0), minimums)
        index = self.index()
        out = Screened([])
        kept: list[tuple[Document, dict[str, Any], list[xm.Match]]] = []
        for doc, record in zip(docs, records, strict=True):
            matches = xm.match_record(index, self.key, record) if self.key is not None else []
            watch: list[dict[str, Any]] = []
            if self.engine is not None:  # watchlists live in the store (adtrace.cases.watchlists)
                watch = [m.reason() for m in _watchlists(self.engine).match(record, doc.full_text)]
            if partner is not None and watch:
                out.hidden_watch.append((doc.id, watch))
                watch = [dict(WATCH_HINT)] if partner.watchlist_hint else []
            elif partner is not None:
                watch = []
            kept.append((doc, record, matches))
            out.results.append(result(record, matches, watch, partner_matching=self.key is not None))
        if store is not None:
            out.outcomes = _keep(store, kept, out.results, partner)
        return out


# All a partner may learn, and only where policy allows it (ADTRACE_SCREEN_WATCHLIST_HINT=1).
WATCH_HINT = {"kind": "watchlist", "text": "matched a watchlist"}


def result(record: dict[str, Any], matches: list[xm.Match], watchlists: list[dict[str, Any]],
           partner_matching: bool = True) -> dict[str, Any]:
    """The JSON for one screened document: flags mean 'indicators present', never a verdict on a person."""
    risk = record.get("risk") or {}
    return {
        "id": record["id"],
        "risk": {"score": risk.get("score", 0), "level": risk.get("level", "low"), "reasons": risk.get("reasons", [])},
        "indicators": record.get("indicators", []),
        "entities": {name: record.get(name, []) for name in RECORD_FIELDS},
        "matches": {"watchlists": watchlists, "partner_signals": [m.to_dict() for m in matches],
                    "partner_matching": "on" if partner_matching else "off (no consortium key installed)"},
        "stored": False,
    }


_WATCH_TTL = 2.0  # seconds a screening process may use a watchlist matcher before asking the database
# Keyed by the engine object, weakly: an id() is reused once an engine is gone (another store's
# watchlists would be matched).
_watch_cache: weakref.WeakKeyDictionary[sa.Engine, tuple[float, Any]] = weakref.WeakKeyDictionary()


_levels_cache: weakref.WeakKeyDictionary[sa.Engine, tuple[float, dict[str, float]]] = weakref.WeakKeyDictionary()


def _thresholds(engine: sa.Engine) -> dict[str, float]:
    """The level thresholds in force, re-read at most every two seconds (like the watchlists)."""
    from adtrace.storage.levels import in_force

    hit = _levels_cache.get(engine)
    if hit and time.monotonic() - hit[0] < _WATCH_TTL:
        return hit[1]
    with engine.connect() as conn:
        t = in_force(conn)
    _levels_cache[engine] = (time.monotonic(), t)
    return t


def _watchlists(engine: sa.Engine) -> Any:
    """The watchlist matcher, re-checked at most every two seconds (a check is a query per request)."""
    from adtrace.cases.watchlists import matcher

    hit = _watch_cache.get(engine)
    if hit and time.monotonic() - hit[0] < _WATCH_TTL:
        return hit[1]
    m = matcher(engine)  # itself rebuilt only when entries changed
    _watch_cache[engine] = (time.monotonic(), m)
    return m


def _keep(store: Any, records: list[tuple[Document, dict[str, Any], list[xm.Match]]],
          results: list[dict[str, Any]], partner: Partner | None = None) -> list[Any]:
    from adtrace.cases import alerts
    from adtrace.cases.notify import Notifier
    from adtrace.storage.base import Outcome
    from adtrace.storage.prepare import prepare

    # A partner's documents are in its namespace already (Partner.adopt); this refuses the one left way
    # to reach an analyst's document: an analyst-stored id that happens to look like a partner's.
    foreign = _foreign_ids(store.engine, [doc.id for doc, _, _ in records], partner) if partner else set()
    todo = [(i, prepare(doc, record)) for i, (doc, record, _) in enumerate(records) if doc.id not in foreign]
    written = dict(zip((i for i, _ in todo), store.put_batch([p for _, p in todo]), strict=True))
    outcomes = [written.get(i) or Outcome(doc.id, "rejected", "id belongs to another source")
                for i, (doc, _, _) in enumerate(records)]
    with write(store.engine) as conn:
        for (_, _, matches), outcome, res in zip(records, outcomes, results, strict=True):
            if outcome.status == "rejected":
                continue
            res["stored"], res["stored_id"] = True, outcome.id
            if matches:
                res["new_leads"] = xm.save_leads(conn, outcome.id, matches)
    # Stored screenings raise alerts like any new document: watchlists, high risk, partner signals.
    stored = [o.id for o in outcomes if o.status in ("new", "updated")]
    alerts.evaluate(store, stored, notifier=Notifier())
    for (_, _, matches), res in zip(records, results, strict=True):
        if matches and res.get("new_leads"):
            xm.alert_partner_match(store.engine, res["stored_id"], matches)
    return outcomes


def _foreign_ids(engine: sa.Engine, ids: list[str], partner: Partner) -> set[str]:
    """Ids among `ids` already stored under a source other than the partner's."""
    with read(engine) as conn:
        return corpus.ids_of_other_sources(conn, ids, partner.source)


@dataclass
class TokenBucket:
    """Per-caller rate limit: `rate` documents a second, bursts up to `burst`. Thread-safe, per process."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    _state: dict[str, tuple[float, float]] = field(default_factory=dict)  # caller -> (tokens, at)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def charge(self, caller: str, cost: float) -> float:
        """Take `cost` even when it empties the bucket (the debt delays the caller's next requests);
        0.0 when the bucket covered it, else the seconds until it would have."""
        with self._lock:
            t = self.clock()
            tokens, at = self._state.get(caller, (self.burst, t))
            tokens = min(self.burst, tokens + (t - at) * self.rate) - cost
            self._state[caller] = (tokens, t)
            return 0.0 if tokens >= 0 else -tokens / self.rate

    def take(self, caller: str, cost: float = 1.0) -> float:
        """0.0 when allowed (and the cost is taken); else the seconds to wait before `cost` is available."""
        with self._lock:
            t = self.clock()
            tokens, at = self._state.get(caller, (self.burst, t))
            tokens = min(self.burst, tokens + (t - at) * self.rate)
            if cost > self.burst:
                self._state[caller] = (tokens, t)
                return float("inf")
            if tokens >= cost:
                self._state[caller] = (tokens - cost, t)
                return 0.0
            self._state[caller] = (tokens, t)
            return (cost - tokens) / self.rate

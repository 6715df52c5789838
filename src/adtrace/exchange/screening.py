"""Screening at posting time: a platform sends an ad, gets entities, indicators with evidence, the risk
level and any matches against watchlists and partner signals. Stateless mode stores nothing at all.

Used by `POST /api/v1/screen` and `adtrace screen`; both print the same JSON per document.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from adtrace.documents import Document
from adtrace.exchange import match as xm
from adtrace.exchange import store as xs
from adtrace.pipeline import Pipeline
from adtrace.pipeline.process import RECORD_FIELDS

MAX_BATCH = 1000
# Watchlist matchers (the cases package registers one when watchlists exist): f(doc, record) -> matches.
WatchlistHook = Callable[[Document, dict[str, Any]], list[dict[str, Any]]]
WATCHLIST_HOOKS: dict[str, WatchlistHook] = {}


@dataclass
class Screener:
    """One per process: the pipeline, the consortium key, and a cached index of partner signals."""

    engine: sa.Engine | None = None
    key: bytes | None = None  # no key: partner matching is off (said in every result)
    pipeline: Pipeline = field(default_factory=Pipeline)
    refresh_seconds: float = 5.0  # how stale the signal cache may get before we ask the database
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
        index = self.index()
        results, records = [], []
        for doc, record in zip(docs, self.pipeline.process_many(docs), strict=True):
            if isinstance(record, Exception):
                raise record  # as before batching: the request fails with the server's own error
            matches = xm.match_record(index, self.key, record) if self.key is not None else []
            watch = [m for hook in WATCHLIST_HOOKS.values() for m in hook(doc, record)]
            if self.engine is not None:
                watch += [m.reason() for m in _watchlists(self.engine).match(record, doc.full_text)]
            records.append((doc, record, matches))
            results.append(result(record, matches, watch, partner_matching=self.key is not None))
        if store is not None:
            _keep(store, records, results)
        return results


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
_watch_cache: dict[int, tuple[float, Any]] = {}


def _watchlists(engine: sa.Engine) -> Any:
    """The watchlist matcher, re-checked at most every two seconds (a check is a query per request)."""
    from adtrace.cases.watchlists import matcher

    hit = _watch_cache.get(id(engine))
    if hit and time.monotonic() - hit[0] < _WATCH_TTL:
        return hit[1]
    m = matcher(engine)  # itself rebuilt only when entries changed
    _watch_cache[id(engine)] = (time.monotonic(), m)
    return m


def _keep(store: Any, records: list[tuple[Document, dict[str, Any], list[xm.Match]]],
          results: list[dict[str, Any]]) -> None:
    from adtrace.cases import alerts
    from adtrace.cases.notify import Notifier
    from adtrace.storage.prepare import prepare

    outcomes = store.put_batch([prepare(doc, record) for doc, record, _ in records])
    with xs.write(store.engine) as conn:
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


@dataclass
class TokenBucket:
    """Per-caller rate limit: `rate` documents a second, bursts up to `burst`. Thread-safe, per process."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    _state: dict[str, tuple[float, float]] = field(default_factory=dict)  # caller -> (tokens, at)
    _lock: threading.Lock = field(default_factory=threading.Lock)

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

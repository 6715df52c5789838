"""Real-time alerts: a new document matches a watchlist or scores high, or a partner signal arrives.

`evaluate(store, doc_ids)` checks documents just stored (ingest, crawl, watch, the app) and raises
at most one alert per document and cause: re-evaluating the same documents raises nothing twice.
`raise_for_new_levels(...)` does the same for documents that an admin's new thresholds lifted into
an alerting level.
`raise_alert(...)` is the hook other packages call (e.g. the exchange on an imported partner
signal). New alerts go to the alerts table at once, then to the Notifier's channels (webhook,
e-mail) and to in-process listeners (`subscribe`), e.g. a page that pushes them to the browser.
An alert says "indicators present", with reasons, never a verdict on a person.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa

from adtrace import errors
from adtrace.cases.notify import Notifier
from adtrace.cases.watchlists import matcher
from adtrace.places.hotlines import Hotline, hotline_for_records
from adtrace.storage import Store, docsets, watchbook
from adtrace.storage.db import now, read, write

log = logging.getLogger(__name__)
SEVERITIES = ("info", "elevated", "high")
ALERT_LEVELS = ("high",)  # risk levels that raise an alert on their own
_RANK = {"low": 0, "elevated": 1, "high": 2}

Listener = Callable[[list["Alert"]], None]
_LISTENERS: list[Listener] = []


@dataclass
class Alert:
    id: int
    doc_id: str | None
    kind: str  # watchlist | risk | partner | any name a caller of raise_alert chooses
    severity: str
    reasons: list[dict[str, Any]]
    created_at: str
    acked_at: str | None = None
    acked_by: str | None = None
    ack_note: str | None = None
    dedup_key: str = field(default="", repr=False)

    def link(self, base_url: str) -> str | None:
        return f"{base_url.rstrip('/')}/documents/{self.doc_id}" if self.doc_id else None

    def to_dict(self, base_url: str | None = None) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "dedup_key"}
        if base_url is not None:
            out["link"] = self.link(base_url)
        return out


def subscribe(listener: Listener) -> Callable[[], None]:
    """Call `listener(new_alerts)` in this process whenever alerts are raised; returns an unsubscribe."""
    _LISTENERS.append(listener)
    return lambda: _LISTENERS.remove(listener) if listener in _LISTENERS else None


@dataclass
class _Pending:
    doc_id: str | None
    kind: str
    severity: str
    reasons: list[dict[str, Any]]
    dedup_key: str


def _store_new(store: Store | sa.Engine, pending: Sequence[_Pending]) -> list[Alert]:
    """Insert the pending alerts whose dedup key is new; return only those (one transaction)."""
    if not pending:
        return []
    at = now()
    with write(store) as conn:
        rows = watchbook.insert_new_alerts(conn, [p.__dict__ for p in pending], at)
    return [Alert(**r) for r in rows]


def _hotline(store: Store | sa.Engine, alerts: list[Alert]) -> Hotline:
    """The hotline of the country most of the alerts' ads point to (at most 50 read), for the e-mail."""
    ids = list(dict.fromkeys(a.doc_id for a in alerts if a.doc_id))[:50]
    if not ids:
        return hotline_for_records([])
    with read(store) as conn:
        rows = docsets.records_of(conn, ids)
    return hotline_for_records(orjson.loads(r[5]) for r in rows)


def _announce(alerts: list[Alert], notifier: Notifier | None, store: Store | sa.Engine) -> None:
    if not alerts:
        return
    if notifier is not None:
        notifier.send(alerts, _hotline(store, alerts) if "email" in notifier.channels else None)
    for listener in list(_LISTENERS):
        try:
            listener(alerts)
        except Exception:  # a broken listener must not lose the alert for the others
            log.exception("alert listener failed")


def evaluate(store: Store | sa.Engine, doc_ids: Iterable[str], *, notifier: Notifier | None = None,
             levels: tuple[str, ...] = ALERT_LEVELS) -> list[Alert]:
    """Check stored documents against the active watchlists and the risk levels; return the new alerts."""
    ids = list(dict.fromkeys(doc_ids))
    if not ids:
        return []
    watch = matcher(store)
    pending: list[_Pending] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        with read(store) as conn:
            rows = watchbook.documents_to_check(conn, chunk)
        for doc_id, title, body, record_json, level, score in rows:
            if not watch.size and level not in levels:
                continue
            record = orjson.loads(record_json)
            matches = watch.match(record, f"{title or ''}\n{body or ''}") if watch.size else []
            risk = record.get("risk") or {}
            if matches:
                entry_ids = ",".join(str(m.entry.id) for m in sorted(matches, key=lambda m: m.entry.id))
                reasons = [m.reason() for m in matches]
                if level:
                    reasons.append({"kind": "risk", "text": f"risk level {level} ({score:.0f}/100)"
                                    if score is not None else f"risk level {level}"})
                pending.append(_Pending(doc_id, "watchlist", "high" if level == "high" else "elevated", reasons,
                                        f"watchlist:{doc_id}:{entry_ids}"))
            if level in levels:
                pending.append(_risk_pending(doc_id, level, score, risk))
    new = _store_new(store, pending)
    _announce(new, notifier, store)
    return new


def _risk_pending(doc_id: str, level: str, score: float | None, risk: dict[str, Any], why: str = "") -> _Pending:
    """A risk alert: its level first, then the Record's reasons. One per document and level (the dedup
    key), however the document got there: on arrival or after a threshold change."""
    reasons = [{"kind": "risk", "text": str(r)} for r in (risk.get("reasons") or [])][:10]
    reasons.insert(0, {"kind": "risk", "text": f"risk level {level}"
                       + (f" ({score:.0f}/100)" if score is not None else "") + why})
    return _Pending(doc_id, "risk", level, reasons, f"risk:{doc_id}:{level}")


def raise_for_new_levels(store: Store | sa.Engine, moves: Mapping[str, tuple[str | None, str]],
                         thresholds: Mapping[str, float], *, notifier: Notifier | None = None,
                         levels: tuple[str, ...] = ALERT_LEVELS, announce: bool = True) -> list[Alert]:
    """After saved thresholds re-levelled stored documents (`moves`: {doc_id: (old, new level)}):
    raise the risk alert of each document that moved *up* into an alerting level, as if it had arrived
    with that level. Deduplicated like every risk alert (one per document and level), so a document
    that was alerted at that level before raises nothing again. A document that moved down keeps its
    alerts (they were sent and cannot be unsent); its page and the alerts page show the new level.
    `announce=False` only stores them: the caller announces them later (`announce`), e.g. after the
    response, since a webhook per alert may take seconds."""
    up = [d for d, (old, new) in moves.items() if new in levels and _RANK.get(new, 0) > _RANK.get(old or "low", 0)]
    why = f" after the thresholds changed (elevated {thresholds['elevated']:g}, high {thresholds['high']:g})"
    pending: list[_Pending] = []
    with read(store) as conn:
        rows = watchbook.risk_of(conn, up)
    for doc_id, level, score, record_json in rows:
        if level in levels:  # what the store holds now, not what the caller believed
            pending.append(_risk_pending(doc_id, level, score, orjson.loads(record_json).get("risk") or {}, why))
    new = _store_new(store, pending)
    if announce:
        _announce(new, notifier, store)
    return new


def announce(new: list[Alert], notifier: Notifier | None, store: Store | sa.Engine) -> None:
    """Send stored alerts to the Notifier's channels and this process's listeners."""
    _announce(new, notifier, store)


def raise_alert(store: Store | sa.Engine, kind: str, reasons: Sequence[dict[str, Any] | str], *,
                doc_id: str | None = None, severity: str = "elevated", dedup_key: str | None = None,
                notifier: Notifier | None = None) -> Alert | None:
    """The hook: raise one alert with reasons (e.g. an imported partner signal matched a document).

    Returns the new alert, or None when one with the same dedup key exists (default: kind, document
    and reasons), so a caller may call this again on every import without flooding analysts.
    """
    if severity not in SEVERITIES:
        raise errors.InputError.at(errors.BAD_FIELD, f"unknown severity {severity!r}", field_name="severity",
                                   hint=f"Use one of: {', '.join(SEVERITIES)}")
    listed = [r if isinstance(r, dict) else {"kind": kind, "text": str(r)} for r in reasons]
    if not listed:
        raise errors.InputError.at(errors.MISSING_FIELD, "an alert needs at least one reason", field_name="reasons")
    if doc_id is not None:
        with read(store) as conn:
            if not docsets.exists(conn, doc_id):
                raise errors.InputError(message=f"no document {doc_id!r}", code=errors.BAD_FIELD,
                                        http_status=404, detail={"field": "doc_id"})
    digest = hashlib.sha256(orjson.dumps(listed, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]
    key = dedup_key or f"{kind}:{doc_id or '-'}:{digest}"
    new = _store_new(store, [_Pending(doc_id, kind, severity, listed, key)])
    _announce(new, notifier, store)
    return new[0] if new else None


def list_alerts(store: Store | sa.Engine, *, open_only: bool = True, limit: int = 50, offset: int = 0,
                since_id: int = 0, kind: str | None = None, watchlist: str | None = None) -> list[Alert]:
    """Newest first; `since_id` returns only alerts raised after that one (for polling clients).

    `kind` keeps one kind (watchlist, risk, partner...) or "hits" (all but risk: what no queue shows);
    `watchlist` keeps the alerts that matched that watchlist.
    """
    with read(store) as conn:
        rows = watchbook.alerts(conn, open_only=open_only, limit=limit, offset=offset, since_id=since_id, kind=kind,
                                watchlist=watchlist)
    return [Alert(**r) for r in rows]


def counts(store: Store | sa.Engine, *, open_only: bool = True) -> dict[str, int]:
    """Alerts per kind."""
    with read(store) as conn:
        return watchbook.alert_counts(conn, open_only=open_only)


def watchlist_names(store: Store | sa.Engine, *, open_only: bool = True) -> list[str]:
    """The watchlists named by alerts (for the page's filter)."""
    names: set[str] = set()
    with read(store) as conn:
        for reasons in watchbook.watchlist_reasons(conn, open_only=open_only):
            names.update(str(r["watchlist"]) for r in reasons if isinstance(r, dict) and r.get("watchlist"))
    return sorted(names)


def get(store: Store | sa.Engine, alert_id: int) -> Alert | None:
    with read(store) as conn:
        row = watchbook.alert(conn, alert_id)
    return Alert(**row) if row else None


def ack(store: Store | sa.Engine, alert_id: int, actor: str, note: str = "") -> Alert:
    """Acknowledge an alert (someone has seen it). Acknowledging twice keeps the first acknowledgement."""
    with write(store) as conn:
        watchbook.ack(conn, [alert_id], actor, note.strip()[:2000], now())
    alert = get(store, alert_id)
    if alert is None:
        raise errors.InputError(message=f"no alert {alert_id}; the alerts list shows the ids",
                                code=errors.BAD_FIELD, http_status=404, detail={"field": "id"})
    return alert


def ack_many(store: Store | sa.Engine, alert_ids: Iterable[int], actor: str, note: str = "") -> list[int]:
    """Acknowledge several alerts at once (one transaction); returns the ids that were open until now."""
    ids = sorted({int(i) for i in alert_ids})
    if not ids:
        return []
    with write(store) as conn:
        return watchbook.ack(conn, ids, actor, note.strip()[:2000], now())

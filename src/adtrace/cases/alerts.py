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
from sqlalchemy import bindparam, text

from adtrace import errors
from adtrace.cases.notify import Notifier
from adtrace.cases.watchlists import matcher
from adtrace.storage import Store
from adtrace.storage.db import engine_of, now, write

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


_COLS = "id, doc_id, kind, severity, reasons, created_at, acked_at, acked_by, ack_note, dedup_key"
_SELECT_IN = text(f"SELECT {_COLS} FROM alerts WHERE dedup_key IN :keys").bindparams(
    bindparam("keys", expanding=True))


def _alert(row: Any) -> Alert:
    return Alert(int(row[0]), row[1], row[2], row[3], orjson.loads(row[4]), row[5], row[6], row[7], row[8], row[9])


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
    keys = [p.dedup_key for p in pending]
    at = now()
    find = text("SELECT dedup_key FROM alerts WHERE dedup_key IN :keys").bindparams(bindparam("keys", expanding=True))
    with write(store) as conn:
        existing: set[str] = set()
        for s in range(0, len(keys), 500):  # a threshold change can lift many documents at once
            existing.update(r[0] for r in conn.execute(find, {"keys": keys[s:s + 500]}))
        fresh = [p for p in pending if p.dedup_key not in existing]
        for p in fresh:
            conn.execute(text("INSERT INTO alerts (doc_id, kind, dedup_key, severity, reasons, created_at) "
                              "VALUES (:d, :k, :key, :s, :r, :t)"),
                         {"d": p.doc_id, "k": p.kind, "key": p.dedup_key, "s": p.severity,
                          "r": orjson.dumps(p.reasons).decode(), "t": at})
        if not fresh:
            return []
        rows = [r for s in range(0, len(fresh), 500)
                for r in conn.execute(_SELECT_IN, {"keys": [p.dedup_key for p in fresh[s:s + 500]]})]
    return sorted((_alert(r) for r in rows), key=lambda a: a.id)


def _announce(alerts: list[Alert], notifier: Notifier | None) -> None:
    if not alerts:
        return
    if notifier is not None:
        notifier.send(alerts)
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
    engine = engine_of(store)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT d.id, d.title, d.text, r.record, r.risk_level, r.risk_score "
                                     "FROM documents d JOIN records r ON r.doc_id = d.id WHERE d.id IN :ids")
                                .bindparams(bindparam("ids", expanding=True)), {"ids": chunk}).all()
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
    _announce(new, notifier)
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
    with engine_of(store).connect() as conn:
        for start in range(0, len(up), 500):
            rows = conn.execute(text("SELECT doc_id, risk_level, risk_score, record FROM records WHERE doc_id IN :ids")
                                .bindparams(bindparam("ids", expanding=True)), {"ids": up[start:start + 500]})
            for doc_id, level, score, record_json in rows:
                if level in levels:  # what the store holds now, not what the caller believed
                    pending.append(_risk_pending(doc_id, level, score, orjson.loads(record_json).get("risk") or {}, why))
    new = _store_new(store, pending)
    if announce:
        _announce(new, notifier)
    return new


def announce(new: list[Alert], notifier: Notifier | None) -> None:
    """Send stored alerts to the Notifier's channels and this process's listeners."""
    _announce(new, notifier)


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
        with engine_of(store).connect() as conn:
            if conn.execute(text("SELECT 1 FROM documents WHERE id = :id"), {"id": doc_id}).first() is None:
                raise errors.InputError(message=f"no document {doc_id!r}", code=errors.BAD_FIELD,
                                        http_status=404, detail={"field": "doc_id"})
    digest = hashlib.sha256(orjson.dumps(listed, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]
    key = dedup_key or f"{kind}:{doc_id or '-'}:{digest}"
    new = _store_new(store, [_Pending(doc_id, kind, severity, listed, key)])
    _announce(new, notifier)
    return new[0] if new else None


def _filters(open_only: bool, kind: str | None, watchlist: str | None) -> tuple[str, dict[str, Any]]:
    """SQL conditions: open ones, a kind ("hits": every kind but risk), a watchlist's name."""
    sql, params = "", {}
    if open_only:
        sql += " AND acked_at IS NULL"
    if kind == "hits":
        sql += " AND kind <> 'risk'"
    elif kind:
        sql += " AND kind = :kind"
        params["kind"] = kind
    if watchlist:  # the reasons hold {"watchlist": name} as orjson writes it (no spaces)
        needle = '"watchlist":' + orjson.dumps(watchlist).decode()
        sql += " AND reasons LIKE :needle ESCAPE '!'"
        params["needle"] = "%" + needle.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"
    return sql, params


def list_alerts(store: Store | sa.Engine, *, open_only: bool = True, limit: int = 50, offset: int = 0,
                since_id: int = 0, kind: str | None = None, watchlist: str | None = None) -> list[Alert]:
    """Newest first; `since_id` returns only alerts raised after that one (for polling clients).

    `kind` keeps one kind (watchlist, risk, partner...) or "hits" (all but risk: what no queue shows);
    `watchlist` keeps the alerts that matched that watchlist.
    """
    where, params = _filters(open_only, kind, watchlist)
    with engine_of(store).connect() as conn:
        rows = conn.execute(text(f"SELECT {_COLS} FROM alerts WHERE id > :since{where} "
                                 "ORDER BY id DESC LIMIT :limit OFFSET :offset"),
                            {**params, "since": since_id, "limit": limit, "offset": offset}).all()
    return [_alert(r) for r in rows]


def counts(store: Store | sa.Engine, *, open_only: bool = True) -> dict[str, int]:
    """Alerts per kind."""
    where, params = _filters(open_only, None, None)
    with engine_of(store).connect() as conn:
        return {str(k): int(n) for k, n in conn.execute(
            text(f"SELECT kind, count(*) FROM alerts WHERE 1 = 1{where} GROUP BY kind"), params)}


def watchlist_names(store: Store | sa.Engine, *, open_only: bool = True) -> list[str]:
    """The watchlists named by alerts (for the page's filter)."""
    where, params = _filters(open_only, "watchlist", None)
    names: set[str] = set()
    with engine_of(store).connect() as conn:
        for (raw,) in conn.execute(text(f"SELECT reasons FROM alerts WHERE 1 = 1{where}"), params):
            names.update(str(r["watchlist"]) for r in orjson.loads(raw) if isinstance(r, dict) and r.get("watchlist"))
    return sorted(names)


def get(store: Store | sa.Engine, alert_id: int) -> Alert | None:
    with engine_of(store).connect() as conn:
        row = conn.execute(text(f"SELECT {_COLS} FROM alerts WHERE id = :id"), {"id": alert_id}).first()
    return _alert(row) if row else None


def ack(store: Store | sa.Engine, alert_id: int, actor: str, note: str = "") -> Alert:
    """Acknowledge an alert (someone has seen it). Acknowledging twice keeps the first acknowledgement."""
    with write(store) as conn:
        conn.execute(text("UPDATE alerts SET acked_at = :t, acked_by = :a, ack_note = :n "
                          "WHERE id = :id AND acked_at IS NULL"),
                     {"t": now(), "a": actor, "n": note.strip()[:2000], "id": alert_id})
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
    select = text("SELECT id FROM alerts WHERE id IN :ids AND acked_at IS NULL").bindparams(
        bindparam("ids", expanding=True))
    update = text("UPDATE alerts SET acked_at = :t, acked_by = :a, ack_note = :n WHERE id IN :ids "
                  "AND acked_at IS NULL").bindparams(bindparam("ids", expanding=True))
    with write(store) as conn:
        fresh = [int(r[0]) for r in conn.execute(select, {"ids": ids})]
        if fresh:
            conn.execute(update, {"t": now(), "a": actor, "n": note.strip()[:2000], "ids": fresh})
    return fresh

"""Opinions on partner signals, one signal disabled on its own, and quarantine of signals that match
far too much: what HMA and ThreatExchange do with a bank's signals, on adtrace's tables (migration 0016).

* **Opinions**: positive, negative or investigation, one per organisation per signal (type, hash):
  partners' arrive with their bundles (`opinion` on a signal; none means positive), ours are an
  analyst's (`org` '@local'). They combine as the `threatexchange` library combines them
  (`AggregateSignalOpinionCategory`): the strongest, but **disputed** when a negative meets any other.
  A signal its own issuer calls negative, or whose every opinion is negative, makes no leads; the others
  do, and their leads carry the aggregate (e.g. disputed).
* **Disable**: one signal stops matching (who, when, why kept; audited), the rest of its issuer's
  bank goes on; its open leads leave the queue (status `disabled`) and come back on enable, unless
  another hold still stops it (withdrawn by its issuer's tips, quarantined): they wait in that one's status.
* **Quarantine**: a signal that matches more documents than `quarantine_limit` (a shared agency,
  hotel or booking number, not one person's) stops matching, its leads become `quarantined`, and the
  reason is stored and shown. An analyst who knows better releases it; it is not quarantined again.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from threatexchange.exchanges.fetch_state import AggregateSignalOpinionCategory, SignalOpinionCategory

from adtrace import errors
from adtrace.i18n import N_, _
from adtrace.storage import audit, corpus
from adtrace.storage import partnerbank as bank
from adtrace.storage.db import read, write

OPINIONS = {"negative": SignalOpinionCategory.NEGATIVE_CLASS,
            "investigation": SignalOpinionCategory.INVESTIGATION_SEED,
            "positive": SignalOpinionCategory.POSITIVE_CLASS}
AGGREGATE_NAMES = {AggregateSignalOpinionCategory.NEGATIVE_CLASS: "negative",
                   AggregateSignalOpinionCategory.INVESTIGATION_SEED: "investigation",
                   AggregateSignalOpinionCategory.POSITIVE_CLASS: "positive",
                   AggregateSignalOpinionCategory.DISPUTED: "disputed"}
LOCAL = "@local"
AUDIT_ACTION = "partner_signal"
# As the linker's hub keys (docs/linking.md): at least 30 documents, or 0.05 % of the store when larger.
QUARANTINE_MIN_DOCS = 30
QUARANTINE_SHARE = 0.0005
QUARANTINE_SETTING = "ADTRACE_SIGNAL_QUARANTINE_DOCS"
# Why a signal's leads did not reopen when one hold ended (enable, release): another still stands. Marked here,
# translated when the answer is made (the reader's language).
HELD_NOTES = {
    "withdrawn": N_("Its issuer withdrew the tips it came with: its leads stay withdrawn until the issuer shares it "
                    "again."),
    "quarantined": N_("It is quarantined: its leads stay quarantined until it is released."),
    "disabled": N_("It is disabled: its leads stay disabled until it is enabled."),
}


def check_opinion(value: str, field_name: str = "opinion") -> str:
    if value not in OPINIONS:
        raise errors.InputError.at(errors.BAD_FIELD, f"unknown opinion {value!r}", field_name=field_name,
                                   hint=f"Use one of: {', '.join(OPINIONS)}")
    return value


def aggregate(opinions: Iterable[str]) -> str:
    """One word for several organisations' opinions, by threatexchange's rule; `positive` when none."""
    cats = [OPINIONS[o] for o in opinions if o in OPINIONS]
    if not cats:
        return "positive"
    return AGGREGATE_NAMES[AggregateSignalOpinionCategory.from_opinion_categories(cats)]


def by_signal(conn: sa.Connection) -> dict[tuple[str, str], str]:
    """(type, hash) -> aggregate opinion, for every signal anyone has an opinion on."""
    found: dict[tuple[str, str], list[str]] = {}
    for t, h, o in bank.opinions(conn):
        found.setdefault((t, h), []).append(o)
    return {k: aggregate(v) for k, v in found.items()}


def record(conn: sa.Connection, type_: str, hash_: str, org: str, opinion: str, by: str, note: str = "") -> None:
    """Set one organisation's opinion on a signal (replacing its earlier one)."""
    bank.put_opinion(conn, type_, hash_, org, check_opinion(opinion), by, note[:500])


def _signal(conn: sa.Connection, signal_id: int) -> dict[str, Any]:
    row = bank.signal_row(conn, signal_id)
    if row is None:
        raise errors.InputError(message=f"no partner signal {signal_id}", code=errors.NOT_FOUND, http_status=404,
                                detail={"field": "signal"}, cli_hint="see `adtrace exchange signal list`")
    return row


def _audit(engine: sa.Engine, conn: sa.Connection, actor: str, signal: dict[str, Any], detail: dict[str, Any]) -> None:
    audit.append(engine, actor, AUDIT_ACTION, f"signal:{signal['id']}",
                 {"issuer": signal["issuer"], "type": signal["type"], **detail}, conn=conn)


def set_opinion(engine: sa.Engine, signal_id: int, opinion: str, actor: str, note: str = "") -> dict[str, Any]:
    """Our analysts' opinion on a partner signal (audited); returns the signal with its aggregate."""
    with write(engine) as conn:
        sig = _signal(conn, signal_id)
        record(conn, sig["type"], sig["hash"], LOCAL, opinion, actor, note)
        _audit(engine, conn, actor, sig, {"op": "opinion", "opinion": opinion, "note": note[:500]})
    return get(engine, signal_id)


def disable(engine: sa.Engine, signal_id: int, actor: str, reason: str) -> dict[str, Any]:
    """Stop one signal matching (its bank goes on); its open leads leave the queue. Audited."""
    reason = reason.strip()
    if not reason:
        raise errors.InputError.at(errors.MISSING_FIELD, "disabling a signal needs a reason", field_name="reason")
    with write(engine) as conn:
        sig = _signal(conn, signal_id)
        bank.set_disabled(conn, signal_id, actor, reason[:500])
        bank.set_lead_status(conn, signal_id, "open", "disabled")
        _audit(engine, conn, actor, sig, {"op": "disable", "reason": reason[:500]})
    return get(engine, signal_id)


def enable(engine: sa.Engine, signal_id: int, actor: str) -> dict[str, Any]:
    """Undo disable (audited). Its disabled leads reopen unless another hold still stops the signal (withdrawn
    by its issuer's tips, quarantined): then they wait in that one's status, and the answer says so."""
    with write(engine) as conn:
        sig = _signal(conn, signal_id)
        bank.set_disabled(conn, signal_id, None, None)
        status = bank.held_status({**sig, "disabled_at": None})
        bank.set_lead_status(conn, signal_id, "disabled", status)
        _audit(engine, conn, actor, sig, {"op": "enable", "leads_status": status})
    return _answer(engine, signal_id, status)


def quarantine_limit(engine: sa.Engine) -> int:
    """Documents one signal may match before it is quarantined (setting, else the hub-key floor)."""
    raw = os.environ.get(QUARANTINE_SETTING)
    if raw:
        try:
            value = int(raw)
            if value < 1:
                raise ValueError
            return value
        except ValueError:
            raise errors.ConfigError(message=f"{QUARANTINE_SETTING}={raw!r} is not a positive whole number; unset it "
                                     f"for the default (max({QUARANTINE_MIN_DOCS}, 0.05 % of the documents))",
                                     code=errors.BAD_SETTING) from None
    with read(engine) as conn:
        docs = corpus.count(conn)
    return max(QUARANTINE_MIN_DOCS, int(docs * QUARANTINE_SHARE))


def quarantine(conn: sa.Connection, signal_id: int, matched: int, limit: int) -> None:
    reason = (f"matched {matched:,} documents, more than {limit:,}: likely a number or photo many unrelated ads "
              "share (an agency, hotel or booking line, a stock photo), not one person's. Its leads are held back; "
              "release it if you know better")
    bank.set_quarantined(conn, signal_id, reason)
    bank.drop_signal_alerts(conn, signal_id)  # the alerts it raised before it passed the limit would be noise too
    bank.set_lead_status(conn, signal_id, "open", "quarantined")


def release(engine: sa.Engine, signal_id: int, actor: str) -> dict[str, Any]:
    """End a quarantine (an analyst checked the signal); it will not be quarantined again. Audited."""
    with write(engine) as conn:
        sig = _signal(conn, signal_id)
        if not sig.get("quarantined_at"):
            raise errors.InputError.at(errors.BAD_FIELD, f"signal {signal_id} is not quarantined", field_name="signal")
        bank.set_released(conn, signal_id, actor)
        status = bank.held_status({**sig, "quarantined_at": None})
        bank.set_lead_status(conn, signal_id, "quarantined", status)
        _audit(engine, conn, actor, sig, {"op": "release_quarantine", "reason": sig.get("quarantine_reason"),
                                          "leads_status": status})
    return _answer(engine, signal_id, status)


def _answer(engine: sa.Engine, signal_id: int, status: str) -> dict[str, Any]:
    """The signal after enable or release, with the status its leads are in and, when they stay held, why."""
    out = get(engine, signal_id)
    out["leads_status"] = status
    if status != "open":
        out["note"] = _(HELD_NOTES[status])
    return out


def own_negative(conn: sa.Connection) -> set[tuple[str, str, str]]:
    """(org, type, hash) of every negative opinion: a signal whose own issuer is among them makes no leads."""
    return bank.negative_opinions(conn)


def _view(row: dict[str, Any], opinions: dict[tuple[str, str], str], leads: dict[int, int],
          negative: set[tuple[str, str, str]]) -> dict[str, Any]:
    out = {k: row.get(k) for k in ("id", "issuer", "type", "hash", "category", "confidence", "bundle_id",
                                   "first_seen", "last_seen", "imported_at", "disabled_at", "disabled_by",
                                   "disabled_reason", "quarantined_at", "quarantine_reason",
                                   "quarantine_released_at", "quarantine_released_by", "withdrawn_at",
                                   "withdrawn_reason")}
    out["opinion"] = opinions.get((str(row["type"]), str(row["hash"])), "positive")
    out["state"] = ("withdrawn" if row.get("withdrawn_at") else "quarantined" if row.get("quarantined_at")
                    else "disabled" if row.get("disabled_at")
                    else "negative: no leads" if out["opinion"] == "negative"
                    or (str(row["issuer"]), str(row["type"]), str(row["hash"])) in negative else "active")
    out["leads"] = leads.get(int(row["id"]), 0)
    return out


def signals(engine: sa.Engine, *, issuer: str | None = None, state: str | None = None) -> list[dict[str, Any]]:
    """Partner signals with their aggregate opinion, state (active, disabled, quarantined, withdrawn with the reason) and
    lead count; `state` narrows to one state."""
    with read(engine) as conn:
        rows = bank.signal_rows(conn, issuer)
        opinions = by_signal(conn)
        leads = bank.lead_counts(conn)
        negative = own_negative(conn)
    out = [_view(r, opinions, leads, negative) for r in rows]
    return [s for s in out if state is None or s["state"] == state]


def get(engine: sa.Engine, signal_id: int) -> dict[str, Any]:
    with read(engine) as conn:
        row = _signal(conn, signal_id)
        opinions = by_signal(conn)
        n = bank.lead_counts(conn, [signal_id]).get(signal_id, 0)
        each = bank.opinions_on(conn, row["type"], row["hash"])
        negative = own_negative(conn)
    out = _view(row, opinions, {signal_id: n}, negative)
    out["opinions"] = each
    return out

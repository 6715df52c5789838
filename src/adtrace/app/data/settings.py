"""Admin settings: risk thresholds with their measured false-positive rate, retention (saved and audited)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

import orjson
import sqlalchemy as sa

from adtrace import errors
from adtrace.app.data import dashboard
from adtrace.cases import alerts
from adtrace.cases.alerts import Alert
from adtrace.i18n import N_, gettext
from adtrace.scoring.reviewed import MIN_REVIEWED, wilson
from adtrace.storage import audit, corpus, levels, reviewlog, settingstore
from adtrace.storage.db import read, write

CANDIDATES = (20, 30, 40, 50, 60, 70, 80, 90)


DEFAULT_RETENTION_DAYS = 730


def get_settings(engine: sa.Engine) -> dict[str, Any]:
    from adtrace.scoring import thresholds

    out: dict[str, Any] = {"thresholds": thresholds(), "retention_days": DEFAULT_RETENTION_DAYS}
    with read(engine) as conn:
        for key, value in settingstore.get_many(conn, ("risk_thresholds", "retention_days")).items():
            out["thresholds" if key == "risk_thresholds" else key] = orjson.loads(value)
    return out


def put_setting(engine: sa.Engine, actor: str, key: str, value: Any) -> None:
    with write(engine) as conn:
        _put(engine, conn, actor, key, value)


def _put(engine: sa.Engine, conn: sa.Connection, actor: str, key: str, value: Any) -> None:
    old = settingstore.get(conn, key)
    settingstore.put(conn, key, orjson.dumps(value).decode())
    audit.append(engine, actor, "setting", key, {"old": orjson.loads(old) if old else None, "new": value},
                 conn=conn)


def _benign_scores(engine: sa.Engine) -> tuple[str, list[float]]:
    with read(engine) as conn:
        dismissed = reviewlog.dismissed_scores(conn)
        if dismissed:
            return N_("review decisions (documents dismissed as benign on reading)"), dismissed
        truth = os.environ.get("ADTRACE_TRUTH")
        if truth and Path(truth).is_file():
            benign = set()
            with Path(truth).open("rb") as fh:
                for n, line in enumerate(fh, 1):
                    try:
                        t = orjson.loads(line)
                        if t.get("type") == "document" and t.get("benign"):
                            benign.add(str(t["id"]))
                    except (orjson.JSONDecodeError, AttributeError, KeyError):  # not `adtrace synth --truth` output
                        raise errors.ConfigError(f"ADTRACE_TRUTH={truth}, line {n}: not a truth record",
                                                 code=errors.BAD_SETTING, detail={"path": truth, "line": n},
                                                 cli_hint="point ADTRACE_TRUTH at the file `adtrace synth --truth` "
                                                 "wrote, or unset it",
                                                 web_hint=gettext("Ask an administrator to fix or unset ADTRACE_TRUTH")) from None
            scores = [float(s or 0) for d, s in corpus.scores(conn) if d in benign]
            return f"synthetic truth file {Path(truth).name} (benign: true)", scores
    return "", []


def false_positive_rates(engine: sa.Engine, thresholds: dict[str, float], minimum: int = MIN_REVIEWED) -> dict[str, Any]:
    """Share of benign documents at or above each threshold, with a 95 % Wilson interval; below `minimum`
    benign documents no rate at all (one dismissed document read as "FP 100 %"), as the measured
    precision per level does (`adtrace.scoring.reviewed`)."""
    source, scores = _benign_scores(engine)
    n = len(scores)
    enough = n >= minimum and n > 0

    def rate(t: float) -> float | None:
        return round(sum(1 for s in scores if s >= t) / n, 4) if enough else None

    def interval(t: float) -> list[float] | None:
        return [round(x, 4) for x in wilson(sum(1 for s in scores if s >= t), n)] if enough else None

    note = "" if enough else gettext("not enough benign documents yet (%(n)s of %(min)s)") % {"n": n, "min": minimum}
    return {"source": source or N_("none: review some documents (dismiss benign ones) or set ADTRACE_TRUTH"),
            "benign_documents": n, "minimum": minimum, "enough": enough, "note": note,
            "at_thresholds": {k: rate(v) for k, v in thresholds.items()},
            "intervals_95": {k: interval(v) for k, v in thresholds.items()},
            "candidates": [{"threshold": t, "fp_rate": rate(t), "interval_95": interval(t)} for t in CANDIDATES]}


class Saved(NamedTuple):
    changed: int  # documents whose level changed
    alerts: list[Alert]  # risk alerts raised for documents that moved up into an alerting level


def save_thresholds(engine: sa.Engine, actor: str, elevated: float, high: float) -> Saved:
    """Save and re-level every stored document in the same transaction, then raise the alerts of the
    documents that moved up into an alerting level (stored at once; the caller announces them to the
    Notifier's channels, e.g. after the response, with `alerts.announce`)."""
    if not 0 <= elevated < high <= 100:
        raise errors.InputError.at(errors.BAD_FIELD, "thresholds need 0 <= elevated < high <= 100",
                                   field_name="high", hint="e.g. elevated 40, high 75")
    value = {"elevated": elevated, "high": high}
    with write(engine) as conn:
        _put(engine, conn, actor, levels.SETTING, value)
        moves = levels.relevel_changes(conn, value)
    dashboard.forget(engine)  # its counts per level are cached for a minute: this process shows the new ones
    return Saved(len(moves), alerts.raise_for_new_levels(engine, moves, value, notifier=None, announce=False))

"""Precision per level measured from review decisions, for the queue and settings pages.

A document counts with its newest decision (confirm = the indicators deserved follow-up, dismiss =
benign on reading; escalations and withdrawn decisions are undecided) at the level it has under the
thresholds in force now. Below `MIN_REVIEWED` decisions at a level the page says so instead of a rate
(`adtrace.scoring.reviewed`).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import text

from adtrace.scoring.reviewed import MeasuredRate, rates_from_counts

_COUNTS = text(
    "SELECT r.risk_level, count(*) AS n, sum(CASE WHEN x.decision = 'dismiss' THEN 1 ELSE 0 END) AS fp "
    "FROM review_decisions x JOIN records r ON r.doc_id = x.doc_id "
    "WHERE x.id = (SELECT max(y.id) FROM review_decisions y WHERE y.doc_id = x.doc_id) "
    "AND x.decision IN ('confirm', 'dismiss') AND r.risk_level IN ('high', 'elevated') GROUP BY r.risk_level")


def per_level(conn: sa.Connection) -> list[MeasuredRate]:
    """High first, then elevated; each with its reviewed count, false positives and 95 % interval."""
    counts = {"high": (0, 0), "elevated": (0, 0)}
    for level, n, fp in conn.execute(_COUNTS):
        counts[str(level)] = (int(n), int(fp or 0))
    rates = rates_from_counts(counts)
    return [rates["high"], rates["elevated"]]

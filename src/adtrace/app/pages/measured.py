"""Precision per level measured from review decisions, for the queue and settings pages.

A document counts with its newest decision (confirm = the indicators deserved follow-up, dismiss =
benign on reading; escalations and withdrawn decisions are undecided) at the level it has under the
thresholds in force now. Below `MIN_REVIEWED` decisions at a level the page says so instead of a rate
(`adtrace.scoring.reviewed`).
"""

from __future__ import annotations

import sqlalchemy as sa

from adtrace.scoring.reviewed import MeasuredRate, rates_from_counts
from adtrace.storage import reviewlog


def per_level(conn: sa.Connection) -> list[MeasuredRate]:
    """High first, then elevated; each with its reviewed count, false positives and 95 % interval."""
    counts = {"high": (0, 0), "elevated": (0, 0), **reviewlog.labels_per_level(conn)}
    rates = rates_from_counts(counts)
    return [rates["high"], rates["elevated"]]

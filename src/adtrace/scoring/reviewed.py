"""Measured false-positive rates from analysts' review decisions, with honest sample sizes.

A rate from five decisions is noise: below `MIN_REVIEWED` decisions at a level the result says so
("not enough reviewed documents yet (12 of 50)") instead of showing "FP 100 %". Every rate comes with
its count and a 95 % Wilson interval (scipy), which stays inside 0-1 and is sound for small counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adtrace.i18n import gettext
from adtrace.scoring.rules import LEVELS

MIN_REVIEWED = 50  # decisions per level before a rate is shown
CONFIDENCE = 0.95


@dataclass(frozen=True)
class MeasuredRate:
    """What review decisions say about one level: how many were reviewed, how many were false positives."""

    level: str
    reviewed: int
    false_positives: int
    rate: float | None  # None below the minimum sample
    low: float | None
    high: float | None
    minimum: int = MIN_REVIEWED

    @property
    def enough(self) -> bool:
        return self.reviewed >= self.minimum

    @property
    def precision(self) -> float | None:
        """Share of reviewed documents at this level the analysts confirmed (1 - false-positive rate)."""
        return None if self.rate is None else 1.0 - self.rate

    @property
    def note(self) -> str:
        # In the reader's language (adtrace.i18n): pages read it per request.
        if not self.enough:
            return gettext("not enough reviewed documents yet (%(n)s of %(min)s)") % {
                "n": self.reviewed, "min": self.minimum}
        assert self.rate is not None and self.low is not None and self.high is not None
        return gettext("false positives %(rate)s (95 %% interval %(low)s-%(high)s, %(fp)s of %(n)s reviewed)") % {
            "rate": f"{self.rate:.0%}", "low": f"{self.low:.0%}", "high": f"{self.high:.0%}",
            "fp": self.false_positives, "n": self.reviewed}

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "reviewed": self.reviewed, "false_positives": self.false_positives,
                "rate": self.rate, "interval_95": [self.low, self.high] if self.rate is not None else None,
                "precision": self.precision, "enough": self.enough, "minimum": self.minimum, "note": self.note}


def wilson(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval of a proportion (scipy's implementation)."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n > 0, got {successes} of {n}")
    from scipy.stats import binomtest

    ci = binomtest(successes, n).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


def measured_rate(level: str, reviewed: int, false_positives: int, minimum: int = MIN_REVIEWED) -> MeasuredRate:
    if reviewed < 0 or not 0 <= false_positives <= reviewed:
        raise ValueError(f"need 0 <= false positives <= reviewed, got {false_positives} of {reviewed}")
    if reviewed < minimum or reviewed == 0:
        return MeasuredRate(level, reviewed, false_positives, None, None, None, minimum)
    low, high = wilson(false_positives, reviewed)
    return MeasuredRate(level, reviewed, false_positives, false_positives / reviewed, low, high, minimum)


def measured_rates(decisions: Iterable[tuple[str, bool]], levels: Sequence[str] = LEVELS[1:],
                   minimum: int = MIN_REVIEWED) -> dict[str, MeasuredRate]:
    """Per level, from `(level the document had when reviewed, analyst confirmed it)` pairs.

    A confirmed document is a true positive; a dismissed one a false positive. Levels with no
    decision are still listed, with 0 of `minimum`.
    """
    counts: dict[str, list[int]] = {lv: [0, 0] for lv in levels}
    for level, confirmed in decisions:
        if level in counts:
            counts[level][0] += 1
            counts[level][1] += 0 if confirmed else 1
    return {lv: measured_rate(lv, n, fp, minimum) for lv, (n, fp) in counts.items()}


def rates_from_counts(counts: Mapping[str, tuple[int, int]], minimum: int = MIN_REVIEWED) -> dict[str, MeasuredRate]:
    """Same, from `{level: (reviewed, false positives)}` already counted (e.g. by a SQL GROUP BY)."""
    return {lv: measured_rate(lv, n, fp, minimum) for lv, (n, fp) in counts.items()}

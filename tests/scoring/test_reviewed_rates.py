"""Measured false-positive rates: counts, 95 % Wilson intervals, and no rate below the minimum sample."""

from __future__ import annotations

import pytest

from adtrace.scoring.reviewed import MIN_REVIEWED, measured_rate, measured_rates, rates_from_counts, wilson


def test_wilson_matches_the_textbook_formula() -> None:
    # Wilson (1927) by hand for 3 of 20 at z = 1.96: centre (p + z²/2n) / (1 + z²/n), half-width below.
    z, k, n = 1.959964, 3, 20
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5)
    low, high = wilson(k, n)
    assert low == pytest.approx(centre - half, abs=1e-4) and high == pytest.approx(centre + half, abs=1e-4)


def test_zero_false_positives_still_has_a_nonzero_upper_bound() -> None:
    low, high = wilson(0, 60)
    assert low == pytest.approx(0.0, abs=1e-9) and 0.05 < high < 0.07  # ~"rule of three" 3/60


def test_below_the_minimum_no_rate_is_shown() -> None:
    r = measured_rate("high", reviewed=12, false_positives=12)
    assert r.rate is None and r.low is None and r.precision is None and not r.enough
    assert r.note == f"not enough reviewed documents yet (12 of {MIN_REVIEWED})"
    assert "100" not in r.note


def test_at_the_minimum_rate_interval_and_counts_are_shown() -> None:
    r = measured_rate("elevated", reviewed=50, false_positives=10)
    assert r.enough and r.rate == pytest.approx(0.2) and r.precision == pytest.approx(0.8)
    assert r.low is not None and r.high is not None and r.low < 0.2 < r.high
    assert "10 of 50 reviewed" in r.note
    d = r.as_dict()
    assert d["interval_95"] == [r.low, r.high] and d["reviewed"] == 50


def test_rates_per_level_from_decisions() -> None:
    decisions = [("high", True)] * 45 + [("high", False)] * 15 + [("elevated", False)] * 3 + [("low", False)] * 99
    rates = measured_rates(decisions)
    assert set(rates) == {"elevated", "high"}  # low documents are not flagged, so they have no false positives
    assert rates["high"].reviewed == 60 and rates["high"].false_positives == 15
    assert rates["high"].rate == pytest.approx(0.25)
    assert rates["elevated"].rate is None and rates["elevated"].reviewed == 3


def test_rates_from_counts_and_bad_counts() -> None:
    assert rates_from_counts({"high": (80, 8)})["high"].rate == pytest.approx(0.1)
    with pytest.raises(ValueError):
        measured_rate("high", reviewed=5, false_positives=6)
    with pytest.raises(ValueError):
        wilson(1, 0)

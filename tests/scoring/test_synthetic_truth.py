"""Quality on the synthetic truth (adtrace.synth). Floors are set from measurements (bench/score.py,
seed 3, 20,000 documents: minor precision 1.0 / recall 0.29, labor precision and recall 1.0, benign
false-positive rate 0.0 at elevated and high), with slack for this smaller sample."""

from __future__ import annotations

from typing import Any

import pytest

from adtrace.documents import Document
from adtrace.pipeline import Pipeline
from adtrace.synth import generate


@pytest.fixture(scope="module")
def scored() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    pipe = Pipeline()
    # The floors were measured on the compact profile (the realistic default came later, issue 17).
    return [(pipe.process(Document.from_dict(d)), t) for d, t in generate(3000, seed=3, profile="compact")
            if t.get("type", "document") == "document"]


def _flag(record: dict[str, Any], category: str) -> bool:
    return record["risk"]["level"] == "high" and any(i["category"] == category for i in record["indicators"])


def test_benign_ads_rarely_reach_high(scored: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    benign = [r for r, t in scored if t["benign"]]
    assert len(benign) > 1000
    assert sum(r["risk"]["level"] == "high" for r in benign) / len(benign) <= 0.01
    assert sum(r["risk"]["level"] != "low" for r in benign) / len(benign) <= 0.03


def test_minor_flags_are_precise(scored: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    flagged = [t for r, t in scored if _flag(r, "minor")]
    minors = [t for _, t in scored if t["minor"]]
    assert minors and flagged
    assert sum(t["minor"] for t in flagged) / len(flagged) >= 0.9
    # Recall is low today (most synthetic minor ads state the age as a bare number after a name, which
    # the ages extractor does not read yet); the floor guards against regressions, not the target.
    assert sum(1 for t in flagged if t["minor"]) / len(minors) >= 0.15


def test_labor_deception(scored: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    jobs = [(r, t) for r, t in scored if t["category"] in ("job_legit", "job_deceptive")]
    deceptive = [r for r, t in jobs if t["labor_deception"]]
    legit = [r for r, t in jobs if not t["labor_deception"]]
    assert deceptive and legit
    assert sum(_flag(r, "labor") for r in deceptive) / len(deceptive) >= 0.85
    assert sum(r["risk"]["level"] == "high" for r in legit) / len(legit) <= 0.01

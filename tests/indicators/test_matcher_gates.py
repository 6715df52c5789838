"""Skipping a lexicon's patterns when one of its phrase-only groups found nothing must not change what fires."""

from __future__ import annotations

from adtrace.indicators.base import Lexicon
from adtrace.indicators.matcher import Matcher
from adtrace.text import normalise

LEX = {"t.job_limits.v1": Lexicon(groups=(("hostess", "dancer"), (r"re:\bage\s*1[6-9]\s*-\s*2\d\b",)))}
TEXTS = ["Hostess wanted, age 18-25", "Room for rent, age 18-25 preferred", "Dancer needed", "nothing here"]


def test_gated_patterns_skip_only_what_cannot_fire() -> None:
    gated, full = Matcher(LEX), Matcher(LEX, complete=LEX)
    fired = []
    for text in TEXTS:
        view = normalise(text)
        g, f = gated.find(view), full.find(view)
        groups = {h.group for h in f.get("t.job_limits.v1", [])}
        if groups == {0, 1}:  # the lexicon fires: the gate must not have removed anything
            assert g == f
            fired.append(text)
        else:
            assert {h.group for h in g.get("t.job_limits.v1", [])} <= groups
    assert fired == ["Hostess wanted, age 18-25"]
    # Without a phrase hit the pattern is not run; when the hits are read by another rule it is.
    view = normalise(TEXTS[1])
    assert "t.job_limits.v1" not in gated.find(view)
    assert [h.group for h in full.find(view)["t.job_limits.v1"]] == [1]

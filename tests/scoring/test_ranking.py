"""The queue's learned order (adtrace.scoring.ranking): combined score, the uncertain slice, nobody dropped."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adtrace.scoring.ranking import combined, order


def test_combined_is_the_mean_on_one_scale_and_the_rule_score_without_a_model() -> None:
    assert combined(80, 0.2) == 50.0
    assert combined(80, None) == 80


def test_order_by_combined_with_every_tenth_place_for_the_least_certain() -> None:
    items = [(f"d{i:02d}", 100.0 - i) for i in range(30)]
    probs = {d: 0.99 for d, _ in items}
    probs["d29"] = 0.5  # the least certain, last by combined score
    probs["d28"] = 0.45
    probs["d27"] = 0.6
    out = order(items, probs)
    assert [r.id for r in out if r.uncertain] == ["d29", "d28", "d27"]
    assert [n for n, r in enumerate(out, 1) if r.uncertain] == [10, 20, 30]
    rest = [r.combined for r in out if not r.uncertain]
    assert rest == sorted(rest, reverse=True)


def test_without_a_model_the_order_is_the_rule_order() -> None:
    items = [("a", 50.0), ("b", 90.0), ("c", 70.0)]
    assert [r.id for r in order(items, {})] == ["b", "c", "a"]
    assert not any(r.uncertain for r in order(items, {}))


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 100), st.integers(0, 100)), max_size=40))
def test_no_document_is_dropped_or_doubled(rows: list[tuple[int, int]]) -> None:
    items = [(f"d{i}", float(s)) for i, (s, _) in enumerate(rows)]
    probs = {f"d{i}": p / 100 for i, (_, p) in enumerate(rows) if i % 3}  # some without a probability
    out = order(items, probs)
    assert sorted(r.id for r in out) == sorted(i for i, _ in items)

"""A rebuild defers unions to `Linker.join_all`; the clusters must be those of linking batch by batch,
with keys turning into hubs (and back, by override) on the way."""

from __future__ import annotations

import random

from adtrace.linking.linker import HubPolicy, Linker, LinkItem


def _items(n: int, seed: int) -> list[LinkItem]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        keys = [f"phone:+1555{rng.randrange(60 if i % 3 else 8):07d}" for _ in range(rng.randrange(1, 3))]
        if rng.random() < 0.2:
            keys.append(f"email:x{rng.randrange(40)}@example.test")
        out.append(LinkItem(f"d{i}", keys, witnesses=[*keys, f"account:site:{rng.randrange(200)}"]))
    return out


def test_join_all_equals_batch_by_batch() -> None:
    items = _items(1500, 3)
    policy = HubPolicy(min_docs=12, share=0.0, diversity=0.5)
    step, deferred = Linker(policy), Linker(policy)
    step.overrides["phone:+15550000003"] = False
    deferred.overrides.update(step.overrides)
    deferred.defer_unions = True
    reports = []
    for s in range(0, len(items), 100):
        a, b = step.add(items[s:s + 100]), deferred.add(items[s:s + 100])
        reports.append((a.new_hubs, a.released_hubs, b.new_hubs, b.released_hubs))
    deferred.join_all()
    assert step.hubs and any(r[0] for r in reports[1:])  # hubs appeared after the first batch
    assert all(r[:2] == r[2:] for r in reports)
    assert deferred.labels() == step.labels()
    assert len(set(step.labels().values())) < len(items)

"""Linking on small hand-built cases: one test per kind of edge, hubs, overrides, incremental = rebuild."""

from __future__ import annotations

import random

import pytest

from adtrace.linking import HubPolicy, Linker, LinkItem, prepare
from adtrace.linking.keys import contact_keys


def rec(**fields: object) -> dict[str, object]:
    return {"phones": [], "emails": [], "handles": [], "payments": [], "names": [], "images": [], **fields}


def link(records: list[dict[str, object]], texts: list[str] | None = None, **kw: object) -> Linker:
    lk = Linker(**kw)  # type: ignore[arg-type]
    lk.add(prepare(f"d{i}", r, (texts or [""] * len(records))[i]) for i, r in enumerate(records))
    return lk


@pytest.mark.parametrize("field,item", [
    ("phones", {"value": "+17025550123", "span": [0, 5]}),
    ("emails", {"value": "Ann.X@Example.test", "span": [0, 5]}),
    ("handles", {"platform": "instagram", "value": "@Sweet_Ann", "span": [0, 5]}),
    ("payments", {"platform": "cashapp", "value": "$annpays", "span": [0, 5]}),
])
def test_each_identifier_links_two_ads(field: str, item: dict[str, object]) -> None:
    other = dict(item)
    if isinstance(other["value"], str):
        other["value"] = other["value"].lower() if field != "phones" else other["value"]
    lk = link([rec(**{field: [item]}), rec(**{field: [other]}), rec()])
    assert lk.cluster_of("d0") == lk.cluster_of("d1") != lk.cluster_of("d2")
    chain = lk.explain("d0", "d1")
    assert len(chain) == 1 and chain[0]["key"].startswith(field[:-1] if field != "phones" else "phone")


def test_keys_are_normalised() -> None:
    keys = contact_keys(rec(emails=[{"value": "A@B.test"}], handles=[{"platform": "Snap", "value": "@Ann_X"}]))
    assert keys == ["email:a@b.test", "handle:snap:ann_x"]


def test_near_duplicate_images_link_and_far_ones_do_not() -> None:
    base = random.Random(1).getrandbits(256)
    near = base ^ sum(1 << b for b in random.Random(2).sample(range(256), 31))  # exactly 31 bits off
    far = base ^ sum(1 << b for b in random.Random(3).sample(range(256), 40))
    pdq = [f"{h:064x}" for h in (base, near, far)]
    lk = link([rec(images=[{"pdq": p}]) for p in pdq])
    assert lk.cluster_of("d0") == lk.cluster_of("d1")
    assert lk.cluster_of("d2") != lk.cluster_of("d0")
    edge = next(e for e in lk.edges(["d0", "d1"]) if e["kind"] == "image")
    assert edge["hamming"] == {"d0": 0, "d1": 31}


def test_image_index_finds_any_distance_up_to_31_without_all_pairs() -> None:
    rng = random.Random(5)
    from adtrace.linking.images import ImageIndex

    idx = ImageIndex()
    founders = [rng.getrandbits(256) for _ in range(300)]
    for i, h in enumerate(founders):
        idx.assign(f"f{i}", f"{h:064x}")
    for trial in range(200):
        i = rng.randrange(300)
        bits = rng.sample(range(256), rng.randint(0, 31))
        probe = founders[i] ^ sum(1 << b for b in bits)
        f, dist = idx.assign(f"p{trial}", f"{probe:064x}")
        assert (f, dist) == (i, len(bits))


def _slot_ads(ads: list[tuple[str, str, str, str]]) -> tuple[list[str], list[dict[str, object]]]:
    body = "{n} here, {a} years young. Sweet and discreet, new in {c} this week only. Call {p} for an appointment"
    texts, records = [], []
    for n, a, c, p in ads:
        t = body.format(n=n, a=a, c=c, p=p)
        texts.append(t)
        records.append(rec(names=[{"value": n, "span": [0, len(n)]}],
                           places=[{"name": c, "span": [t.index(c), t.index(c) + len(c)], "via": "text"}]))
    return texts, records


def test_template_links_ads_whose_ages_cities_and_phones_differ() -> None:
    texts, records = _slot_ads([("Ann", "23", "Phoenix", "702 555 0101"), ("Ann", "25", "Reno", "702 555 0199"),
                                ("Ann", "21", "Austin", "702 555 0142")])
    texts.append("Moving sale: sofa, table and lamps, everything must go this weekend, cash only please")
    records.append(rec())
    lk = link(records, texts)
    assert lk.cluster_of("d0") == lk.cluster_of("d1") == lk.cluster_of("d2") != lk.cluster_of("d3")
    assert {e["kind"] for e in lk.edges(["d0", "d1", "d2"])} == {"template"}


def test_template_needs_the_same_slots_filled_and_a_shared_name() -> None:
    texts, records = _slot_ads([("Ann", "23", "Phoenix", "702 555 0101"), ("Bea", "25", "Reno", "702 555 0199"),
                                ("Ann", "21", "Austin", "702 555 0142")])
    texts.append(texts[0])
    records.append(rec(names=records[0]["names"]))  # the same words, but no city in the slot
    lk = link(records, texts)
    assert lk.cluster_of("d0") == lk.cluster_of("d2")
    assert lk.cluster_of("d1") != lk.cluster_of("d0")  # another name: stock wording copied
    assert lk.cluster_of("d3") != lk.cluster_of("d0")


def test_hub_phone_is_not_used_to_merge_and_override_restores_it() -> None:
    policy = HubPolicy(min_docs=10, share=0.0, diversity=0.3)
    directory = {"value": "+18883737888", "span": [0, 1]}
    records = [rec(phones=[directory, {"value": f"+1702555{i:04d}", "span": [2, 3]}]) for i in range(20)]
    lk = Linker(policy)
    lk.add(prepare(f"d{i}", r, "") for i, r in enumerate(records))
    assert len(lk.clusters()) == 20
    assert [h["key"] for h in lk.hub_keys()] == ["phone:+18883737888"]
    lk.set_override("phone:+18883737888", False)
    assert len(lk.clusters()) == 1
    lk.set_override("phone:+18883737888", None)
    assert len(lk.clusters()) == 20


def test_busy_operator_phone_is_not_a_hub() -> None:
    policy = HubPolicy(min_docs=10, share=0.0, diversity=0.3)
    records = [rec(phones=[{"value": "+17025550100", "span": [0, 1]}]) for _ in range(50)]
    lk = Linker(policy)
    lk.add(prepare(f"d{i}", r, "", author="op1", source="site") for i, r in enumerate(records))
    assert not lk.hubs and len(lk.clusters()) == 1


def _random_items(seed: int, n: int) -> list[LinkItem]:
    rng = random.Random(seed)
    items = []
    for i in range(n):
        keys = [f"phone:+1{rng.randrange(40)}" for _ in range(rng.randint(0, 2))]
        if rng.random() < 0.3:
            keys.append("phone:+1999")  # grows into a hub part-way through
        witnesses = [*keys, f"account:s:{rng.randrange(1000)}"]
        items.append(LinkItem(f"d{i}", keys, witnesses=witnesses))
    return items


@pytest.mark.parametrize("seed", range(8))
def test_incremental_equals_rebuild(seed: int) -> None:
    items = _random_items(seed, 300)
    policy = HubPolicy(min_docs=20, share=0.05, diversity=0.3)
    full = Linker(policy)
    full.add(items)
    inc = Linker(policy)
    rng = random.Random(seed)
    pos = 0
    while pos < len(items):
        step = rng.randint(1, 60)
        inc.add(items[pos:pos + step])
        pos += step
    assert _partition(inc) == _partition(full)
    # and through a saved state, as `adtrace link` does between runs
    half = Linker(policy)
    half.add(items[:150])
    resumed = Linker.from_state(half.to_state())
    resumed.add(items[150:])
    assert _partition(resumed) == _partition(full)


def _partition(lk: Linker) -> set[frozenset[str]]:
    return {frozenset(v) for v in lk.clusters().values()}


def test_a_document_is_linked_once() -> None:
    lk = Linker()
    item = LinkItem("d0", ["phone:+17025550100"])
    lk.add([item])
    assert lk.add([item]).skipped == 1
    assert len(lk.doc_ids) == 1

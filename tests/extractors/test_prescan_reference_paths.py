"""Without hyperscan (no wheel for the platform) every caller of adtrace.text.prescan takes its
reference path: the same Records. Checked here on realistic synthetic ads and on texts made of the
forms the fast paths treat specially, with the engine hidden as on such a platform."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adtrace.documents import Document
from adtrace.extractors import literals
from adtrace.pipeline import Pipeline
from adtrace.synth import generate
from adtrace.text import lowered, prescan

_TEXTS = [
    "Call me: seven oh two, 555 ... zer0147 or 702-555-0147 · s e v e n · thr335 ~ ask for Jade 🌹🌹 " * 2,
    "I’m Candy, we’re new 💋 candy at yahoo dot com · 150 roses / 250 hh · £200 or 300€ 😘 " * 2,
    "Hi my name is Mia, snap: mia_22 instagram.com/mia.x t.me/miax www.example.co.uk/ad/702-555-0147",
    "二〇二 五五五 〇一四七 sweet nineteen, 19yo, Twenty one · İstanbul · \u212aelvin 7025550147",
]


def _records(docs: list[Document]) -> list[dict[str, object]]:
    for cache in (prescan.scan, literals.present, lowered.lowered):
        cache.cache_clear()
    return [r for r in Pipeline().process_many(docs) if isinstance(r, dict)]


@pytest.fixture
def docs() -> Iterator[list[Document]]:
    out = [Document.from_dict({"id": f"t{i}", "text": t}) for i, t in enumerate(_TEXTS)]
    out += [Document.from_dict(d) for d, _ in generate(120, seed=11, profile="realistic")
            if d.get("type", "document") == "document"]
    yield out


@pytest.mark.skipif(not prescan.available(), reason="hyperscan has no wheel for this platform")
def test_the_reference_paths_give_the_same_records(docs: list[Document], monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _records(docs)
    monkeypatch.setattr(prescan, "_hs", None)
    assert prescan.scan("call 702 555 0147") is None
    reference = _records(docs)
    assert fast == reference
    assert any(r["phones"] for r in fast) and any(r["names"] for r in fast) and any(r["emails"] for r in fast)

"""`process_many` pauses the cyclic collector for the length of a batch and gives it back as it found it."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from adtrace.documents import Document
from adtrace.pipeline import Pipeline
from adtrace.text import View


def _docs(n: int) -> list[Document]:
    return [Document.from_dict({"id": f"d{i}", "source": "test", "title": "Ad", "text": f"call 702-555-01{i:02d}"})
            for i in range(n)]


def _probing(monkeypatch: pytest.MonkeyPatch, fail_on: str | None = None) -> list[bool]:
    seen: list[bool] = []

    def probe(doc: Document, record: dict[str, Any], view: View | None) -> None:
        seen.append(gc.isenabled())
        if doc.id == fail_on:
            raise RuntimeError("a stage bug")

    monkeypatch.setattr(Pipeline, "post_stages", lambda self, stages=None: [probe])
    return seen


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_inside_a_batch_and_restored(monkeypatch: pytest.MonkeyPatch, enabled: bool) -> None:
    seen = _probing(monkeypatch)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        records = Pipeline().process_many(_docs(3))
        assert gc.isenabled() is enabled  # a host that turned it off keeps it off
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False, False, False]
    assert all(isinstance(r, dict) for r in records)


def test_restored_when_a_stage_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    _probing(monkeypatch, fail_on="d1")
    assert gc.isenabled()
    out = Pipeline().process_many(_docs(3))
    assert gc.isenabled()
    assert isinstance(out[1], RuntimeError) and isinstance(out[0], dict) and isinstance(out[2], dict)

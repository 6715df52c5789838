"""Watch mode: complete files only, each once, resumed after a restart; alerts reach a webhook."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from adtrace.cases import alerts, watchlists
from adtrace.cases.notify import Notifier, NotifyConfig
from adtrace.cases.redaction import MASK
from adtrace.crawl import Feeder, FolderWatcher
from adtrace.storage import Store, init_db, open_store
from tests.crawl.receiver import Receiver


def _doc(i: int, phone: str = "702-555-01%02d") -> dict[str, str]:
    return {"id": f"w{i}", "source": "export", "text": f"Sweet and friendly, call {phone % (i % 100)} for details.",
            "title": f"Ad {i}", "location": "Las Vegas, NV"}


def _write(path: Path, docs: list[dict[str, str]]) -> None:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    init_db(url)
    with open_store(url) as s:
        yield s


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_a_file_is_read_only_once_its_size_is_stable(tmp_path: Path, store: Store) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    clock = Clock()
    watcher = FolderWatcher(drop, Feeder(store), settle=1.0, clock=clock)
    _write(drop / "a.jsonl", [_doc(1)])
    assert watcher.step() == []  # first sight
    with (drop / "a.jsonl").open("a") as fh:  # still being written
        fh.write(json.dumps(_doc(2)) + "\n")
    clock.t = 5.0
    assert watcher.step() == []  # it changed since the last look
    clock.t = 6.5
    events = watcher.step()
    assert [e.read for e in events] == [2] and sorted(events[0].changed) == ["w1", "w2"]
    clock.t = 10.0
    assert watcher.step() == []  # done, not read again


def test_marker_mode_waits_for_done_file(tmp_path: Path, store: Store) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    clock = Clock()
    watcher = FolderWatcher(drop, Feeder(store), settle=0.0, require_marker=True, clock=clock)
    _write(drop / "b.jsonl", [_doc(3)])
    clock.t = 100.0
    assert watcher.step() == [] and watcher.step() == []
    (drop / "b.jsonl.done").touch()
    assert [e.changed for e in watcher.step()] == [["w3"]]


def test_restart_resumes_without_reingesting(tmp_path: Path, store: Store) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    _write(drop / "c.jsonl", [_doc(i) for i in range(5)])
    (drop / "c.jsonl.done").touch()
    first = FolderWatcher(drop, Feeder(store)).step()
    assert first[0].read == 5
    again = FolderWatcher(drop, Feeder(store)).step()  # a new process: only the store remembers
    assert again[0].read == 0 and again[0].changed == []
    assert store.counts()["documents"] == 5


def test_bad_file_does_not_stop_the_watch(tmp_path: Path, store: Store) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "bad.jsonl").write_text("{not json\n", encoding="utf-8")
    _write(drop / "good.jsonl", [_doc(7)])
    for name in ("bad.jsonl", "good.jsonl"):
        (drop / f"{name}.done").touch()
    feeder = Feeder(store)
    events = FolderWatcher(drop, feeder).step()
    assert {Path(e.path).name: e.changed for e in events} == {"bad.jsonl": [], "good.jsonl": ["w7"]}
    assert feeder.counts.rejected == 1


def test_dropped_file_matching_a_watchlist_reaches_the_webhook(tmp_path: Path, store: Store) -> None:
    receiver = Receiver()
    try:
        entry = watchlists.add(store, "phone", "(702) 555-0142", name="Op Test", owner="analyst")
        drop = tmp_path / "drop"
        drop.mkdir()
        notifier = Notifier(NotifyConfig(webhook_url=receiver.url, base_url="http://app.test", webhook_retries=1))
        watcher = FolderWatcher(drop, Feeder(store, notifier=notifier), settle=0.2)
        stop = threading.Event()
        thread = threading.Thread(target=watcher.run, args=(stop,), kwargs={"poll": 0.05}, daemon=True)
        thread.start()
        _write(drop / "d.jsonl", [_doc(41), _doc(42), _doc(43)])
        assert receiver.arrived.wait(60), "no alert reached the webhook"
        stop.set()
        thread.join(10)
        posted = [p for _, p in receiver.posts if p["kind"] == "watchlist"]
        assert len(posted) == 1
        alert = posted[0]
        assert alert["doc_id"] == "w42" and alert["link"] == "http://app.test/documents/w42"
        assert alert["reasons"][0]["entry_id"] == entry.id
        assert "0142" not in MASK.sub("", alert["reasons"][0]["value"])  # masked when it leaves the system
        stored = alerts.list_alerts(store)
        assert [a.doc_id for a in stored if a.kind == "watchlist"] == ["w42"]
        assert stored[0].reasons[0]["value"] in ("+17025550142",) or any(
            r.get("value") == "+17025550142" for a in stored for r in a.reasons)
    finally:
        receiver.close()

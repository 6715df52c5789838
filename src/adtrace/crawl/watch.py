"""Watch mode: ingest files dropped into a folder (exports from other tools), as soon as they are complete.

A file is complete when a marker `NAME.done` exists beside it, or (unless markers are required) when
its size and modification time have not changed for `settle` seconds. Files are polled, not
watched with inotify, so network shares work too. What was ingested is remembered in the store's
ingest checkpoints (the same ones `adtrace ingest` keeps): after a restart a file ingested whole is
not read again and a file interrupted half-way resumes after its last committed batch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from adtrace import errors
from adtrace.crawl.feed import Feeder, ingest_file
from adtrace.sources import Options
from adtrace.sources.registry import reader_for

MARKER = ".done"
_PARTIAL = (".part", ".tmp", ".crdownload", ".partial", MARKER)


@dataclass
class WatchEvent:
    path: str
    read: int
    changed: list[str]
    alerts: list[int] = field(default_factory=list)
    error: str = ""
    at: float = 0.0  # time.time() when the file was done


def _wanted(path: Path) -> bool:
    if path.name.startswith(".") or path.name.endswith(_PARTIAL):
        return False
    try:
        reader_for(str(path))
        return True
    except errors.InputError:
        return False


class FolderWatcher:
    def __init__(self, folder: Path, feeder: Feeder, *, settle: float = 1.0, require_marker: bool = False,
                 options: Options | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        if not folder.is_dir():
            raise errors.InputError.at(errors.FILE_NOT_FOUND, "no such folder", path=str(folder),
                                       hint="Create it, or name the folder other tools export into")
        self.folder, self.feeder, self.settle = folder, feeder, settle
        self.require_marker, self.options, self.clock = require_marker, options or Options(), clock
        self._seen: dict[Path, tuple[tuple[int, int], float]] = {}  # path -> (size, mtime), since when
        self._done: dict[Path, tuple[int, int]] = {}  # handled in this process, at this size/mtime

    def ready(self) -> list[Path]:
        """Files complete now and not yet handled at their current size and time."""
        out = []
        now = self.clock()
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file() and _wanted(p)):
            try:
                st = path.stat()
            except OSError:
                continue  # moved away between listing and stat
            sig = (st.st_size, st.st_mtime_ns)
            if self._done.get(path) == sig:
                continue
            if path.with_name(path.name + MARKER).exists():
                out.append(path)
                continue
            if self.require_marker:
                continue
            prev = self._seen.get(path)
            if prev is None or prev[0] != sig:
                self._seen[path] = (sig, now)
            elif now - prev[1] >= self.settle and st.st_size > 0:
                out.append(path)
        return out

    def step(self) -> list[WatchEvent]:
        events = []
        for path in self.ready():
            sig = (path.stat().st_size, path.stat().st_mtime_ns)
            before = len(self.feeder.new_alerts)
            try:
                read, changed = ingest_file(self.feeder, path, self.options)
                event = WatchEvent(str(path), read, changed)
            except errors.AdtraceError as exc:  # one bad export must not stop the watch
                event = WatchEvent(str(path), 0, [], error=exc.message)
            event.alerts = [a.id for a in self.feeder.new_alerts[before:]]
            event.at = time.time()
            self._done[path] = sig
            self._seen.pop(path, None)
            events.append(event)
        return events

    def run(self, stop: threading.Event, *, poll: float = 0.25,
            on_event: Callable[[WatchEvent], None] | None = None) -> None:
        while not stop.is_set():
            for event in self.step():
                if on_event:
                    on_event(event)
            stop.wait(poll)

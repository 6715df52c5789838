"""From fetched pages and dropped files to stored documents and alerts, as they arrive.

Documents run through the pure pipeline and are written with the store's idempotent `put_batch`
(the same path `adtrace ingest` takes), so a page stored twice is a duplicate, never a copy. The ids
stored new or changed go straight to `alerts.evaluate`. Crawl state (which ad pages a profile has
stored, `adtrace.storage.crawlstate`) commits right after its batch, so an interrupted crawl
refetches at most one batch.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from adtrace.cases import alerts
from adtrace.cases.notify import Notifier
from adtrace.documents import Document
from adtrace.sources import Options
from adtrace.storage import Store
from adtrace.storage.crawlstate import mark_pages
from adtrace.storage.ingest import Tally, processed, store_batch


@dataclass
class FeedCounts(Tally):
    alerts: int = 0


class Feeder:
    """Buffers documents and stores them in small batches (by count or age, whichever comes first)."""

    def __init__(self, store: Store, *, region: str = "US", notifier: Notifier | None = None,
                 batch_size: int = 20, max_wait: float = 1.0, profile: str | None = None) -> None:
        from adtrace.pipeline import Pipeline

        self.store, self.notifier, self.profile = store, notifier, profile
        self.pipeline = Pipeline(default_region=region)
        self.batch_size, self.max_wait = batch_size, max_wait
        self.counts = FeedCounts()
        self.new_alerts: list[alerts.Alert] = []
        self.errors: list[str] = []
        self._docs: list[tuple[Document, str | None]] = []
        self._pages: list[tuple[str, int, str | None]] = []  # crawled url, HTTP status, doc id
        self._since = time.monotonic()

    def add(self, doc: Document, page_url: str | None = None) -> None:
        if not self._docs:
            self._since = time.monotonic()
        self._docs.append((doc, page_url))
        if len(self._docs) >= self.batch_size or time.monotonic() - self._since >= self.max_wait:
            self.flush()

    def hold(self, doc: Document) -> None:
        """Buffer without flushing (the caller flushes when it likes)."""
        self._docs.append((doc, None))

    def page(self, url: str, status: int) -> None:
        """Remember a crawled page that gave no document (e.g. a malformed ad), so it is not refetched."""
        self._pages.append((url, status, None))

    def flush(self) -> list[str]:
        """Store what is buffered; return the ids stored new or updated (after raising their alerts)."""
        docs, self._docs = self._docs, []
        prepared = []
        plain = [doc for doc, _ in docs]
        for (doc, url), got in zip(docs, processed(plain, self.pipeline.process_many(plain)), strict=True):
            if isinstance(got, tuple):  # one document the pipeline fails on must not stop monitoring
                self.counts.reject(got[1])
                if url:
                    self._pages.append((url, 200, None))
                self.errors.append(f"{doc.id}: {got[2].removeprefix(f'pipeline failed on document {doc.id}: ')}")
                continue
            prepared.append(got)
            if url:
                self._pages.append((url, 200, doc.id))
        changed = store_batch(self.store, prepared, None, self.counts) if prepared else []
        if self._pages and self.profile:
            mark_pages(self.store, self.profile, self._pages)
        self._pages = []
        if changed:
            raised = alerts.evaluate(self.store, changed, notifier=self.notifier)
            self.counts.alerts += len(raised)
            self.new_alerts.extend(raised)
        return changed


# --- files (watch mode) ------------------------------------------------------------------------

def ingest_file(feeder: Feeder, path: Path, options: Options | None = None) -> tuple[int, list[str]]:
    """Ingest one complete file through `adtrace ingest`'s own loop (checkpoints, resume, batches).

    Returns (items read, ids stored new or updated); their alerts are raised per committed batch, as
    the feeder does for crawled pages. A file already ingested unchanged reads nothing.
    """
    from adtrace.storage.ingest import IngestOptions, ingest

    changed: list[str] = []

    def stored(ids: list[str]) -> None:
        changed.extend(ids)
        raised = alerts.evaluate(feeder.store, ids, notifier=feeder.notifier)
        feeder.counts.alerts += len(raised)
        feeder.new_alerts.extend(raised)

    opts = IngestOptions(source=options or Options(), region=feeder.pipeline.default_region, workers=1,
                         batch_size=200)
    (summary,) = ingest(feeder.store, [str(path)], opts, reject=lambda item: feeder.counts.reject(item["code"]),
                        stored=stored)
    for name in ("new", "updated", "duplicate"):
        setattr(feeder.counts, name, getattr(feeder.counts, name) + getattr(summary, name))
    return summary.read, changed


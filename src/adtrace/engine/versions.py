"""Which version of each document a run keeps, and where: the one `adtrace ingest` leaves in the store.

Ingest decides document by document against what the store holds (storage.sql.SQLStore._put): the same
id, else the same (source, url), unchanged -> a duplicate; changed -> the stored document is updated in
place: it keeps its id and its place in the ingest order and takes the new version's content (and so its
identifiers, risk and links); else the same content as a stored document -> a duplicate; else new. A
changed version whose (source, url) another stored document holds is refused (the store's unique index).

The driver replays exactly that over the small columns (id, source, url, content hash, document hash),
partition by partition in input order, so the answer does not depend on how the input was cut. Each
partition then gets a plan: which of its rows are a final version, their seq (the place of the
document's first version) and their id (the stored one: a new version under another id is renamed, as
ingest renames it). Memory: one small entry per document kept, and the current (source, url) and content
hash of each.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from adtrace.engine.stages import work_path
from adtrace.errors import DB_WRITE_FAILED

PLAN_SCHEMA = pa.schema([("row", pa.int64()), ("seq", pa.int64()), ("home", pa.int32()), ("doc_id", pa.string())])
MAX_ERRORS = 50  # refusals reported (all are counted)


@dataclass
class VersionCounts:
    kept: int = 0  # documents in the output
    updated: int = 0  # versions that replaced the stored one (same id, else same url; changed): the last wins
    duplicates: int = 0  # same id or url and unchanged, or the same content as a stored document
    url_taken: int = 0  # changed versions refused: their (source, url) is another stored document's
    per_partition: list[int] = field(default_factory=list)  # documents whose first version is in each partition


class _Doc:
    """A stored document as the store would hold it now: its current version's small columns."""

    __slots__ = ("content", "dhash", "home", "part", "row", "seq", "source", "url")

    def __init__(self, source: str, url: str | None, content: str, dhash: str, seq: int, part: int, row: int) -> None:
        self.source, self.url, self.content, self.dhash = source, url, content, dhash
        self.seq, self.home = seq, part  # its place: where its first version was
        self.part, self.row = part, row  # its current version


class Versions:
    """The store's decisions, fed partition by partition in input order."""

    def __init__(self) -> None:
        self.docs: dict[str, _Doc] = {}  # stored id -> its current version
        self.urls: dict[tuple[str, str], str] = {}  # current (source, url) -> stored id
        self.contents: Counter[str] = Counter()  # current content hashes (an update can make two alike)
        self.counts = VersionCounts()
        self.errors: list[dict[str, Any]] = []

    def feed(self, out: str, index: int, label: str = "") -> None:
        cols = ["id", "source", "url", "content_hash", "doc_hash"]
        t = pq.read_table(work_path(out, "docs", index), columns=cols).to_pydict()
        self.counts.per_partition.append(0)
        for row, (doc_id, source, url, content, dhash) in enumerate(zip(*(t[c] for c in cols), strict=True)):
            self._decide(index, row, doc_id, source, url or None, content, dhash, label)

    def _decide(self, part: int, row: int, doc_id: str, source: str, url: str | None, content: str, dhash: str,
                label: str) -> None:
        target = doc_id if doc_id in self.docs else self.urls.get((source, url)) if url else None
        if target is None:
            if content in self.contents:
                self.counts.duplicates += 1
                return
            self.docs[doc_id] = _Doc(source, url, content, dhash, self.counts.kept, part, row)
            self.counts.kept += 1
            self.counts.per_partition[part] += 1
            self._hold(doc_id, source, url, content)
            return
        doc = self.docs[target]
        if doc.dhash == dhash:
            self.counts.duplicates += 1
            return
        holder = self.urls.get((source, url)) if url else None
        if holder is not None and holder != target:  # the unique (source, url) index refuses the update
            self.counts.url_taken += 1
            if len(self.errors) < MAX_ERRORS:
                self.errors.append({"path": label, "line": None, "code": DB_WRITE_FAILED,
                                    "message": f"document {doc_id} not stored: its url is document {holder}'s"})
            return
        if doc.url:
            del self.urls[(doc.source, doc.url)]
        self.contents[doc.content] -= 1
        if not self.contents[doc.content]:
            del self.contents[doc.content]
        doc.source, doc.url, doc.content, doc.dhash, doc.part, doc.row = source, url, content, dhash, part, row
        self._hold(target, source, url, content)
        self.counts.updated += 1

    def _hold(self, doc_id: str, source: str, url: str | None, content: str) -> None:
        if url:
            self.urls[(source, url)] = doc_id
        self.contents[content] += 1

    def write_plans(self, out: str, partitions: int) -> list[int]:
        """Each partition's plan (its rows that are final versions: row, seq, home partition, stored id);
        returns the partitions holding final versions of documents placed in another partition."""
        rows: list[list[tuple[int, int, int, str]]] = [[] for _ in range(partitions)]
        for doc_id, doc in self.docs.items():
            rows[doc.part].append((doc.row, doc.seq, doc.home, doc_id))
        moving = []
        for index, plan in enumerate(rows):
            plan.sort()
            row, seq, home, ids = (list(c) for c in zip(*plan, strict=True)) if plan else ([], [], [], [])
            path = work_path(out, "plan", index)
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.table([pa.array(row, pa.int64()), pa.array(seq, pa.int64()), pa.array(home, pa.int32()),
                                     pa.array(ids, pa.string())], schema=PLAN_SCHEMA), path)
            if any(h != index for h in home):
                moving.append(index)
        return moving

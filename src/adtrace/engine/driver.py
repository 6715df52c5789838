"""The one sequential pass on the driver: duplicates, then founder photos and templates, in input order.

Both are order-dependent by definition (ingest keeps the first copy; the linker's photo and template
indexes let the earliest founder win), so they run once, streaming partition by partition, and
touch only small columns. Memory: the seen-id/url/content sets and the founders' signatures.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from adtrace.engine.stages import work_path
from adtrace.linking import images as im
from adtrace.linking import signals as sg
from adtrace.linking import templates as tp
from adtrace.linking.template_index import TemplateIndex


@dataclass
class DedupCounts:
    kept: int = 0
    duplicates: int = 0  # same id, same url or same content as an earlier document, and unchanged
    conflicts: int = 0  # same id or url, different content: ingest would update; the first is kept
    per_partition: list[int] = field(default_factory=list)


class Founders:
    """Dedup state and the linker's photo/template indexes, fed partition by partition."""

    def __init__(self, signals: tuple[str, ...]) -> None:
        chosen = sg.chosen(signals)
        self.photos, self.wording = im.SIGNAL in chosen, tp.SIGNAL in chosen
        self.templates = TemplateIndex()
        self.images = im.ImageIndex()
        self.ids: dict[str, str] = {}  # id -> doc_hash
        self.urls: dict[tuple[str, str], str] = {}  # (source, url) -> doc_hash
        self.contents: set[str] = set()
        self.counts = DedupCounts()

    def _keep(self, doc_id: str, source: str, url: str | None, content: str, dhash: str) -> bool:
        # The decision table of storage.sql.SQLStore._put: id, then (source, url), then content.
        known = self.ids.get(doc_id)
        if known is None and url:
            known = self.urls.get((source, url))
        if known is not None:
            if known == dhash:
                self.counts.duplicates += 1
            else:
                self.counts.conflicts += 1
            return False
        if content in self.contents:
            self.counts.duplicates += 1
            return False
        self.ids[doc_id] = dhash
        if url:
            self.urls[(source, url)] = dhash
        self.contents.add(content)
        return True

    def feed(self, out: str, index: int) -> int:
        cols = ["id", "source", "url", "content_hash", "doc_hash", "pdqs", "signature", "slots"]
        t = pq.read_table(work_path(out, "docs", index), columns=cols).to_pydict()
        keep, keys, detail = [], [], []
        for doc_id, source, url, content, dhash, pdqs, sig, slots in zip(*(t[c] for c in cols), strict=True):
            ok = self._keep(doc_id, source, url, content, dhash)
            keep.append(ok)
            extra: dict[str, int] = {}
            if ok and self.photos:
                for pdq in pdqs or ():
                    f, dist = self.images.assign(doc_id, pdq)
                    extra.setdefault(im.SIGNAL.key(f), dist)
            if ok and sig is not None and self.wording:
                t_no, j = self.templates.assign(doc_id, np.frombuffer(sig, dtype=np.uint64),
                                                slots=None if slots is None else tuple(slots))
                extra[tp.SIGNAL.key(t_no)] = round(100 * j)
            keys.append(list(extra))
            detail.append(list(extra.values()))
        path = work_path(out, "extra", index)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table({"keep": pa.array(keep, pa.bool_()),
                                 "extra_keys": pa.array(keys, pa.list_(pa.string())),
                                 "extra_detail": pa.array(detail, pa.list_(pa.int64()))}), path)
        n = sum(keep)
        self.counts.kept += n
        self.counts.per_partition.append(n)
        return n

    def index_state(self) -> dict[str, Any]:
        """The linker's template and photo indexes, in the form `Linker.to_state` stores them."""
        t, i = self.templates.to_state(), self.images.to_state()
        return {"templates": {**t, "founders": base64.b64encode(t["founders"]).decode()},
                "images": {**i, "hashes": base64.b64encode(i["hashes"]).decode()}}

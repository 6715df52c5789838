"""The driver's sequential pass over the kept documents in seq order: founder photos and templates.

Order-dependent by definition (the linker's photo and template indexes let the earliest founder win), so
it runs once, streaming partition by partition over the final versions (engine.versions decides which),
and touches only small columns. Memory: the founders' signatures.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from adtrace.engine.stages import final_rows, work_path
from adtrace.linking import images as im
from adtrace.linking import signals as sg
from adtrace.linking import templates as tp
from adtrace.linking.template_index import TemplateIndex


class Founders:
    """The linker's photo/template indexes, fed partition by partition in seq order."""

    def __init__(self, signals: tuple[str, ...]) -> None:
        chosen = sg.chosen(signals)
        self.photos, self.wording = im.SIGNAL in chosen, tp.SIGNAL in chosen
        self.templates = TemplateIndex()
        self.images = im.ImageIndex()

    def feed(self, out: str, index: int) -> int:
        """The founders of the documents placed in partition `index`; their extra keys into `extra/`."""
        cols = ["pdqs", "signature", "slots"]
        t = final_rows(out, index, cols).to_pydict()
        keys, detail = [], []
        for doc_id, pdqs, sig, slots in zip(t["doc_id"], *(t[c] for c in cols), strict=True):
            extra: dict[str, int] = {}
            if self.photos:
                for pdq in pdqs or ():
                    f, dist = self.images.assign(doc_id, pdq)
                    extra.setdefault(im.SIGNAL.key(f), dist)
            if sig is not None and self.wording:
                t_no, j = self.templates.assign(doc_id, np.frombuffer(sig, dtype=np.uint64),
                                                slots=None if slots is None else tuple(slots))
                extra[tp.SIGNAL.key(t_no)] = round(100 * j)
            keys.append(list(extra))
            detail.append(list(extra.values()))
        path = work_path(out, "extra", index)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table({"extra_keys": pa.array(keys, pa.list_(pa.string())),
                                 "extra_detail": pa.array(detail, pa.list_(pa.int64()))}), path)
        return len(keys)

    def index_state(self) -> dict[str, Any]:
        """The linker's template and photo indexes, in the form `Linker.to_state` stores them."""
        t, i = self.templates.to_state(), self.images.to_state()
        return {"templates": {**t, "founders": base64.b64encode(t["founders"]).decode()},
                "images": {**i, "hashes": base64.b64encode(i["hashes"]).decode()}}

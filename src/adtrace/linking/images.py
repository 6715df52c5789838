"""Image perceptual hashes (PDQ) and a near-duplicate index that never compares all pairs.

PDQ gives a 256-bit hash; two postings of one photo (re-encoded, cropped a little, brightened) stay
within Hamming distance 31, the threshold Meta publishes for PDQ matches. Multi-index hashing:
split the hash into 16 chunks of 16 bits. If two hashes differ in at most 31 bits, by pigeonhole at
least one chunk differs in at most 1 bit (16 chunks x 2 bits = 32 > 31). So probing each chunk's
exact value and its 16 one-bit neighbours (272 lookups) finds every candidate; candidates are then
verified with a full popcount. Only the first posting of each photo (its founder) is indexed.

A document's `path` is attacker-controlled: an image is opened only under the configured image folders
(the rule and the hashing are `adtrace.documents.images`'s, shared with OCR); anything else, and any
image that cannot be read, is skipped and counted, never fatal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from adtrace import errors
from adtrace.documents.images import image_roots, pdq_hex, under_roots
from adtrace.linking import signals

MAX_DISTANCE = 31
CHUNKS = 16
_NEIGHBOURS = (0, *(1 << b for b in range(16)))
_POP8 = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def hashes_of(record: Mapping[str, Any], roots: tuple[Path, ...] | None = None,
              skipped: list[str] | None = None) -> list[str]:
    """PDQ hex strings of a Record's images: given (`pdq`) or computed from a local `path` under `roots`
    (default: image_roots()). Each image skipped adds its reason to `skipped`."""
    out: list[str] = []
    for img in record.get("images") or ():
        if not isinstance(img, Mapping):
            continue
        pdq = img.get("pdq")
        if isinstance(pdq, str) and len(pdq) == 64:
            out.append(pdq.lower())
            continue
        if not img.get("path"):
            continue
        folders = image_roots() if roots is None else roots
        real = under_roots(str(img["path"]), folders) if folders else None
        if real is None:
            reason = "outside the image folders or missing" if folders else "no image folder given (--images)"
        else:
            try:
                out.append(pdq_hex(real)[0])
                continue
            except errors.InputError:
                reason = "unreadable image"
        if skipped is not None:
            skipped.append(reason)
    return out


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


@dataclass
class ImageIndex:
    """Founder photos: each new hash joins the earliest founder within MAX_DISTANCE, or founds one."""

    max_distance: int = MAX_DISTANCE
    hashes: list[bytes] = field(default_factory=list)
    founder_doc: list[str] = field(default_factory=list)
    _chunks: list[dict[int, list[int]]] = field(default_factory=lambda: [{} for _ in range(CHUNKS)])
    _matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 32), dtype=np.uint8))
    _rows: int = 0

    def _append_row(self, raw: bytes) -> None:
        if self._rows == len(self._matrix):  # grow geometrically: amortised O(1) appends
            grown = np.zeros((max(64, 2 * len(self._matrix)), 32), dtype=np.uint8)
            grown[: self._rows] = self._matrix[: self._rows]
            self._matrix = grown
        self._matrix[self._rows] = np.frombuffer(raw, dtype=np.uint8)
        self._rows += 1

    def assign(self, doc_id: str, pdq: str) -> tuple[int, int]:
        """(founder number, Hamming distance to it); founds a new photo when nothing is near."""
        raw = bytes.fromhex(pdq)
        parts = [int.from_bytes(raw[2 * i:2 * i + 2], "big") for i in range(CHUNKS)]
        cand: set[int] = set()
        for i, value in enumerate(parts):
            table = self._chunks[i]
            for flip in _NEIGHBOURS:
                hit = table.get(value ^ flip)
                if hit:
                    cand.update(hit)
        if cand:
            ids = np.fromiter(sorted(cand), dtype=np.int64, count=len(cand))
            xor = self._matrix[ids] ^ np.frombuffer(raw, dtype=np.uint8)
            dist = _POP8[xor].sum(axis=1, dtype=np.int64)
            ok = np.nonzero(dist <= self.max_distance)[0]
            if len(ok):
                first = int(ok[0])  # ids are sorted: the earliest founder wins
                return int(ids[first]), int(dist[first])
        f = len(self.hashes)
        self.hashes.append(raw)
        self.founder_doc.append(doc_id)
        self._append_row(raw)
        for i, value in enumerate(parts):
            self._chunks[i].setdefault(value, []).append(f)
        return f, 0

    def to_state(self) -> dict[str, Any]:
        return {"max_distance": self.max_distance, "hashes": b"".join(self.hashes), "founder_doc": self.founder_doc}

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> ImageIndex:
        idx = cls(max_distance=int(state["max_distance"]))
        raw = state["hashes"]
        for i, doc_id in enumerate(state["founder_doc"]):
            h = raw[32 * i:32 * (i + 1)]
            idx.hashes.append(h)
            idx.founder_doc.append(doc_id)
            idx._append_row(h)
            for c in range(CHUNKS):
                idx._chunks[c].setdefault(int.from_bytes(h[2 * c:2 * c + 2], "big"), []).append(i)
        return idx


def _photo_hub(policy: Any, docs: int, seen: int, n_docs: int) -> bool:
    return bool(seen >= policy.image_witnesses)  # a stock photo: many unrelated posters


def _explain(kind: str, detail: int | None) -> str:
    return f"same photo (PDQ distance {detail or 0} of 256 bits)"


# `img:N`: a photo within MAX_DISTANCE of founder photo N (ImageIndex assigns it).
SIGNAL = signals.Signal("images", {"img": "image"}, hub=_photo_hub, weight=0.7, explain=_explain,
                        detail="hamming", detail_default=0)

"""Documents near a photo (PDQ distance) and "ads like this one" (same photo, same template).

Reads the linker's tables: `link_photos` (every linked document's PDQ hashes), `link_postings` and
`link_keys` (template keys with each member's wording overlap). A photo search compares the query
with every stored hash in one numpy step (32 bytes a photo: a million photos is 32 MB and a few
tens of milliseconds); the matrix is kept per database and re-read only when the table grew.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa

from adtrace import errors
from adtrace.linking import templates as tp
from adtrace.linking.images import MAX_DISTANCE
from adtrace.storage import linkstate

_POP8 = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)
MAX_QUERY_DISTANCE = 128  # half of PDQ's 256 bits: beyond, two photos are as unlike as random ones


@dataclass
class Near:
    doc_id: str
    distance: int  # PDQ Hamming distance (of 256 bits) of its nearest photo to the query


def parse_pdq(value: str) -> bytes:
    """A PDQ hash typed or pasted by a person: 64 hexadecimal characters (spaces ignored)."""
    v = "".join(value.split()).lower()
    if len(v) != 64 or any(c not in "0123456789abcdef" for c in v):
        raise errors.InputError.at(errors.BAD_PDQ, "a PDQ hash is 64 hexadecimal characters", field_name="pdq",
                                   hint="Paste the hash as the pdqhash package prints it, or upload the photo instead",
                                   cli_hint="`adtrace link` prints hashes in the same form")
    return bytes.fromhex(v)


class _Matrix:
    def __init__(self) -> None:
        self.count = -1
        self.docs: list[str] = []
        self.hashes = np.zeros((0, 32), dtype=np.uint8)


_cache: dict[str, _Matrix] = {}
_lock = threading.Lock()


def _matrix(conn: sa.Connection) -> _Matrix:
    key = str(conn.engine.url)
    count = linkstate.count_photos(conn)
    with _lock:
        m = _cache.get(key)
        if m is not None and m.count == count:
            return m
    rows = linkstate.all_photos(conn)
    m = _Matrix()
    m.count = len(rows)
    m.docs = [str(r[0]) for r in rows]
    m.hashes = (np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype=np.uint8).reshape(-1, 32)
                if rows else np.zeros((0, 32), dtype=np.uint8))
    with _lock:
        _cache[key] = m
    return m


def near_photos(conn: sa.Connection, queries: list[bytes], max_distance: int = MAX_DISTANCE, *, limit: int = 200,
                exclude: str | None = None) -> list[Near]:
    """Documents with a photo within `max_distance` of any query hash, nearest first (one row per document)."""
    if not 0 <= max_distance <= MAX_QUERY_DISTANCE:
        raise errors.InputError.at(errors.BAD_PHOTO_QUERY, f"the distance must be 0 to {MAX_QUERY_DISTANCE}",
                                   field_name="distance", hint=f"PDQ calls {MAX_DISTANCE} or less the same photo")
    m = _matrix(conn)
    if not queries or not len(m.hashes):
        return []
    best: dict[str, int] = {}
    for q in queries:
        dist = _POP8[m.hashes ^ np.frombuffer(q, dtype=np.uint8)].sum(axis=1, dtype=np.int64)
        for i in np.nonzero(dist <= max_distance)[0]:
            doc = m.docs[int(i)]
            if doc != exclude and int(dist[i]) < best.get(doc, 999):
                best[doc] = int(dist[i])
    out = sorted((Near(d, v) for d, v in best.items()), key=lambda n: (n.distance, n.doc_id))
    return out[:limit]


def photos_of(conn: sa.Connection, doc_id: str) -> list[bytes]:
    return linkstate.photos_of(conn, doc_id)


def same_template(conn: sa.Connection, doc_id: str, limit: int = 20) -> list[dict[str, Any]]:
    """Other documents on this document's wording template(s): each with the template, its first ad,
    and the wording overlap with that first ad the linker measured (MinHash estimate, %)."""
    rows = linkstate.template_neighbours(conn, doc_id, tp.SIGNAL.prefix)
    founders = linkstate.template_founder_docs(conn) if rows else {}
    out = []
    for name, hub, other, detail in rows[:limit]:
        t = str(name).split(":", 1)[1]
        out.append({"doc_id": str(other), "template": str(name), "hub": bool(hub), "founder": founders.get(t),
                    "jaccard_pct": None if detail is None else int(detail)})
    return out

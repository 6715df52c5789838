"""The linker's state as tables (migration 0009), so an incremental run touches only what it needs.

`link_docs` (d, doc id, root: the cluster's earliest d), `link_keys` (counts, witnesses, hub flag,
first document), `link_postings` (key, document, detail), template founders with their LSH band
rows and photo founders with their chunk rows. `link_state` keeps only a small JSON header: policy,
thresholds, counters, the overrides applied and the last linked sequence number. A rebuild writes
every row from the in-memory `Linker`; `adtrace.linking.increment` reads and updates rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import orjson
import sqlalchemy as sa
from sqlalchemy import bindparam, text

from adtrace.linking import boilerplate as bp
from adtrace.linking import images as im
from adtrace.linking import templates as tp
from adtrace.linking.linker import HubPolicy, Linker
from adtrace.storage.db import now
from adtrace.storage.sql import bulk_insert

VERSION = 3  # 3: boilerplate counts (0017) and the 0.65 threshold: an older state is rebuilt once
CHUNK = 900  # ids per IN (...): below SQLite's bound-parameter limit
TABLES = ("link_docs", "link_keys", "link_postings", "link_templates", "link_template_bands", "link_images",
          "link_image_chunks", "link_template_df", "link_photos")


@dataclass
class Meta:
    policy: HubPolicy = field(default_factory=HubPolicy)
    template_threshold: float = 0.65
    max_distance: int = im.MAX_DISTANCE
    n_docs: int = 0
    n_keys: int = 0
    n_templates: int = 0
    n_images: int = 0
    overrides: dict[str, bool] = field(default_factory=dict)  # as applied by the last run

    def dumps(self) -> bytes:
        return orjson.dumps({"version": VERSION, **asdict(self)})

    @classmethod
    def loads(cls, raw: bytes) -> Meta | None:
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:  # the whole-state blob of before 0009 (zlib): rebuild once
            return None
        if not isinstance(obj, dict) or obj.get("version") != VERSION:
            return None
        obj.pop("version")
        obj["policy"] = HubPolicy(**obj["policy"])
        return cls(**obj)


def read_meta(conn: sa.Connection) -> tuple[Meta | None, int]:
    row = conn.execute(text("SELECT state, last_seq FROM link_state WHERE id = 1")).first()
    if row is None:
        return None, 0
    meta = Meta.loads(bytes(row[0]))
    return meta, int(row[1]) if meta else 0


def write_meta(conn: sa.Connection, meta: Meta, last_seq: int) -> None:
    conn.execute(text("DELETE FROM link_state WHERE id = 1"))
    conn.execute(text("INSERT INTO link_state (id, state, last_seq, updated_at) VALUES (1, :s, :q, :now)"),
                 {"s": meta.dumps(), "q": last_seq, "now": now()})


@contextmanager
def indexes_deferred(conn: sa.Connection, names: Sequence[str]) -> Iterator[None]:
    """On SQLite, drop the secondary indexes of tables `names` and create them again on leaving: building
    an index once from the bulk-inserted rows is cheaper than updating it row by row. Indexes the schema
    implies (primary keys, UNIQUE) stay; PostgreSQL (COPY) is left as it is."""
    if conn.dialect.name != "sqlite":
        yield
        return
    found = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
                              "tbl_name IN :t").bindparams(bindparam("t", expanding=True)), {"t": list(names)}).all()
    for name, _sql in found:
        conn.execute(text(f'DROP INDEX "{name}"'))
    yield
    for _name, sql in found:
        conn.execute(text(sql))


def select_in(conn: sa.Connection, sql: str, values: Iterable[Any], **params: Any) -> Iterator[Any]:
    """Rows of `sql` (with `IN :ids`) for many values, CHUNK at a time."""
    stmt = text(sql).bindparams(bindparam("ids", expanding=True))
    vals = list(values)
    for s in range(0, len(vals), CHUNK):
        yield from conn.execute(stmt, {"ids": vals[s:s + CHUNK], **params})


def execute_in(conn: sa.Connection, sql: str, values: Iterable[Any]) -> None:
    """Run `sql` (with `IN :ids`, no result) for many values, CHUNK at a time."""
    stmt = text(sql).bindparams(bindparam("ids", expanding=True))
    vals = list(values)
    for s in range(0, len(vals), CHUNK):
        conn.execute(stmt, {"ids": vals[s:s + CHUNK]})


def read_df(conn: sa.Connection) -> np.ndarray:
    """The founders' boilerplate count sketch (`adtrace.linking.boilerplate`), writable."""
    return bp.from_chunks([(int(c), bytes(raw)) for c, raw in
                           conn.execute(text("SELECT chunk, counts FROM link_template_df"))])


def write_df(conn: sa.Connection, counts: np.ndarray, cells: np.ndarray | None = None) -> None:
    """Store the sketch's chunks holding `cells` (those that changed), or every non-empty chunk."""
    rows = bp.chunks(counts, cells)
    if cells is not None:
        execute_in(conn, "DELETE FROM link_template_df WHERE chunk IN :ids", [c for c, _raw in rows])
    bulk_insert(conn, "link_template_df", ("chunk", "counts"), rows)


def band_rows(t: int, sig: np.ndarray) -> list[tuple[int, int]]:
    return [(b, t) for b in tp.bands(sig)]


def chunk_rows(f: int, raw: bytes) -> list[tuple[int, int]]:
    return [(c * 65536 + int.from_bytes(raw[2 * c:2 * c + 2], "big"), f) for c in range(im.CHUNKS)]


def write_all(conn: sa.Connection, linker: Linker, last_seq: int) -> Meta:
    """Replace the tables with the state of `linker` (a rebuild)."""
    for table in TABLES:
        conn.execute(text(f"DELETE FROM {table}"))
    with indexes_deferred(conn, TABLES):
        _write_rows(conn, linker)
    tpl, img = linker.templates, linker.images
    meta = Meta(linker.policy, tpl.threshold, img.max_distance, len(linker.doc_ids), len(linker.key_names),
                len(tpl.founder_doc), len(img.hashes), dict(linker.overrides))
    write_meta(conn, meta, last_seq)
    return meta


def _write_rows(conn: sa.Connection, linker: Linker) -> None:
    names = linker.key_names
    roots = [linker.find(d) for d in range(len(linker.doc_ids))]
    bulk_insert(conn, "link_docs", ("d", "doc_id", "root"), zip(range(len(roots)), linker.doc_ids, roots, strict=True))
    hubs = linker.hubs
    bulk_insert(conn, "link_keys", ("k", "name", "first_d", "docs", "seen", "hub", "witnesses"),
         ((k, names[k], linker.postings[k][0], len(linker.postings[k]), len(linker.co[k]), k in hubs,
           orjson.dumps(sorted(linker.co[k])).decode()) for k in range(len(names)) if linker.postings[k]))
    detail = linker.detail
    bulk_insert(conn, "link_postings", ("k", "d", "detail"),
         ((k, d, detail.get((d, k))) for d, ks in enumerate(linker.doc_keys) for k in ks))
    tpl = linker.templates
    bulk_insert(conn, "link_templates", ("t", "doc_id", "sig"),
         ((t, doc, sig.tobytes()) for t, (sig, doc) in enumerate(zip(tpl.matrix, tpl.founder_doc, strict=True))))
    # the index's buckets are the band rows already (bands(sig) per founder, not computed again)
    bulk_insert(conn, "link_template_bands", ("band", "t"), ((band, t) for band, ts in tpl.buckets.items() for t in ts))
    img = linker.images
    bulk_insert(conn, "link_images", ("f", "doc_id", "hash"), zip(range(len(img.hashes)), img.founder_doc, img.hashes,
                                                           strict=True))
    bulk_insert(conn, "link_image_chunks", ("code", "f"), (row for f, h in enumerate(img.hashes) for row in chunk_rows(f, h)))
    write_df(conn, tpl.df)
    bulk_insert(conn, "link_photos", ("doc_id", "hash"), linker.photos)


def read_linker(conn: sa.Connection) -> tuple[Linker | None, int]:
    """The whole in-memory `Linker` back from the tables (tools and tests; a run never needs it)."""
    meta, last_seq = read_meta(conn)
    if meta is None:
        return None, 0
    key_rows = conn.execute(text("SELECT k, name, witnesses FROM link_keys ORDER BY k")).all()
    names = [""] * meta.n_keys
    witnesses: list[list[str]] = [[] for _ in range(meta.n_keys)]
    for k, name, wit in key_rows:
        names[int(k)] = str(name)
        witnesses[int(k)] = orjson.loads(wit)
    doc_ids = [str(d) for (d,) in conn.execute(text("SELECT doc_id FROM link_docs ORDER BY d"))]
    doc_keys: list[list[int]] = [[] for _ in doc_ids]
    detail = []
    for k, d, v in conn.execute(text("SELECT k, d, detail FROM link_postings ORDER BY d, k")):
        doc_keys[int(d)].append(int(k))
        if v is not None:
            detail.append([int(d), int(k), int(v)])
    tpl = conn.execute(text("SELECT doc_id, sig FROM link_templates ORDER BY t")).all()
    img = conn.execute(text("SELECT doc_id, hash FROM link_images ORDER BY f")).all()
    slots = {str(doc): tp.slot_values(orjson.loads(rec)) for doc, rec in
             select_in(conn, "SELECT doc_id, record FROM records WHERE doc_id IN :ids", {str(r[0]) for r in tpl})}
    state = {"policy": asdict(meta.policy), "doc_ids": doc_ids, "doc_keys": doc_keys, "detail": detail,
             "key_names": names, "witnesses": witnesses, "overrides": meta.overrides}
    linker = Linker.from_state({
        **state,
        "templates": {"threshold": meta.template_threshold, "founder_doc": [str(r[0]) for r in tpl],
                      "founders": b"".join(bytes(r[1]) for r in tpl),
                      "founder_slots": [slots.get(str(r[0])) for r in tpl]},
        "images": {"max_distance": meta.max_distance, "founder_doc": [str(r[0]) for r in img],
                   "hashes": b"".join(bytes(r[1]) for r in img)},
    }, encoded=False)
    return linker, last_seq

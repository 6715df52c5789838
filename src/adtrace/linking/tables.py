"""The linker's state as tables (migration 0009), so an incremental run touches only what it needs.

`link_docs` (d, doc id, root: the cluster's earliest d), `link_keys` (counts, witnesses, hub flag,
first document), `link_postings` (key, document, detail), template founders with their LSH band
rows and photo founders with their chunk rows. `link_state` keeps only a small JSON header: policy,
thresholds, counters, the overrides applied and the last linked sequence number. A rebuild writes
every row from the in-memory `Linker`; `adtrace.linking.increment` reads and updates rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from itertools import chain

import numpy as np
import orjson
import sqlalchemy as sa

from adtrace.linking import boilerplate as bp
from adtrace.linking import images as im
from adtrace.linking import templates as tp
from adtrace.linking.linker import HubPolicy, Linker
from adtrace.storage import corpus, linkstate
from adtrace.storage.bulk import indexes_deferred
from adtrace.storage.packed import NULL

VERSION = 3  # 3: boilerplate counts (0017) and the 0.65 threshold: an older state is rebuilt once
TABLES = linkstate.TABLES


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
    header = linkstate.read_header(conn)
    if header is None:
        return None, 0
    meta = Meta.loads(header[0])
    return meta, header[1] if meta else 0


def write_meta(conn: sa.Connection, meta: Meta, last_seq: int) -> None:
    linkstate.write_header(conn, meta.dumps(), last_seq)


def read_df(conn: sa.Connection) -> np.ndarray:
    """The founders' boilerplate count sketch (`adtrace.linking.boilerplate`), writable."""
    return bp.from_chunks(linkstate.df_chunks(conn))


def write_df(conn: sa.Connection, counts: np.ndarray, cells: np.ndarray | None = None) -> None:
    """Store the sketch's chunks holding `cells` (those that changed), or every non-empty chunk."""
    linkstate.write_df(conn, bp.chunks(counts, cells), replace=cells is not None)


def band_rows(t: int, sig: np.ndarray) -> list[tuple[int, int]]:
    return [(b, t) for b in tp.bands(sig)]


def chunk_rows(f: int, raw: bytes) -> list[tuple[int, int]]:
    return [(c * 65536 + int.from_bytes(raw[2 * c:2 * c + 2], "big"), f) for c in range(im.CHUNKS)]


def write_all(conn: sa.Connection, linker: Linker, last_seq: int) -> Meta:
    """Replace the tables with the state of `linker` (a rebuild)."""
    for _ in write_steps(conn, linker, last_seq):
        pass
    return meta_of(linker)


def meta_of(linker: Linker) -> Meta:
    tpl, img = linker.templates, linker.images
    return Meta(linker.policy, tpl.threshold, img.max_distance, len(linker.doc_ids), len(linker.key_names),
                len(tpl.founder_doc), len(img.hashes), dict(linker.overrides))


def write_steps(conn: sa.Connection, linker: Linker, last_seq: int) -> Iterator[None]:
    """`write_all` a batch of rows at a time (yields after each): a rebuild writes the tables while its worker
    processes summarise clusters, in the same transaction (the order of the rows does not matter)."""
    linkstate.clear(conn)
    # the band rows go in sorted by band: appending to their index as they come is cheaper than building it after
    with indexes_deferred(conn, [t for t in linkstate.TABLES if t != "link_template_bands"]):
        yield from _write_rows(conn, linker)
    write_meta(conn, meta_of(linker), last_seq)
    yield


def _write_rows(conn: sa.Connection, linker: Linker) -> Iterator[None]:
    names = linker.key_names
    roots = [linker.find(d) for d in range(len(linker.doc_ids))]
    yield from linkstate.insert_steps(conn, "link_docs", zip(range(len(roots)), linker.doc_ids, roots, strict=True))
    hubs = linker.hubs
    yield from linkstate.insert_steps(conn, "link_keys", (
        (k, names[k], linker.postings[k][0], len(linker.postings[k]), len(linker.co[k]), k in hubs,
         orjson.dumps(sorted(linker.co[k])).decode()) for k in range(len(names)) if linker.postings[k]))
    yield from linkstate.insert_ints(conn, "link_postings", postings(linker))
    tpl = linker.templates
    # the index's buckets are the band rows already (bands(sig) per founder, not computed again), sorted by band
    band_keys, band_ts = tpl.buckets.rows()
    yield from linkstate.insert_steps(conn, "link_templates", (
        (t, doc, sig.tobytes()) for t, (sig, doc) in enumerate(zip(tpl.matrix, tpl.founder_doc, strict=True))))
    yield from linkstate.insert_ints(conn, "link_template_bands", [band_keys.astype(np.int64), band_ts.astype(np.int64)])
    img = linker.images
    yield from linkstate.insert_steps(conn, "link_images", zip(range(len(img.hashes)), img.founder_doc, img.hashes,
                                                               strict=True))
    yield from linkstate.insert_steps(conn, "link_image_chunks", (row for f, h in enumerate(img.hashes)
                                                                  for row in chunk_rows(f, h)))
    write_df(conn, tpl.df)
    yield
    yield from linkstate.insert_steps(conn, "link_photos", linker.photos)


def postings(linker: Linker) -> list[np.ndarray]:
    """The link_postings rows of `linker` as columns (key, document, detail or NULL), by key, then document: the
    order of the table's primary key, so SQLite appends to its index instead of inserting all over it (3x less
    CPU on a scratch file)."""
    sizes = np.fromiter(map(len, linker.postings), np.int64, len(linker.postings))
    ks = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    ds = np.fromiter(chain.from_iterable(linker.postings), np.int64, int(sizes.sum()))
    n = max(len(linker.doc_ids), 1)
    code = ks * n + ds
    if len(code) > 1 and not (code[1:] > code[:-1]).all():  # each key's postings are in document order: a guard
        order = np.argsort(code, kind="stable")
        ks, ds, code = ks[order], ds[order], code[order]
    detail = np.full(len(code), NULL, dtype=np.int64)
    if linker.detail and len(code):
        dk = np.fromiter(chain.from_iterable(linker.detail), np.int64, 2 * len(linker.detail)).reshape(-1, 2)  # (d, k)
        wanted = dk[:, 1] * n + dk[:, 0]
        at = np.minimum(np.searchsorted(code, wanted), len(code) - 1)
        held = code[at] == wanted  # a detail is written with its posting (as before: none without one)
        detail[at[held]] = np.fromiter(linker.detail.values(), np.int64, len(linker.detail))[held]
    return [ks, ds, detail]


def read_linker(conn: sa.Connection) -> tuple[Linker | None, int]:
    """The whole in-memory `Linker` back from the tables (tools and tests; a run never needs it)."""
    meta, last_seq = read_meta(conn)
    if meta is None:
        return None, 0
    key_rows = linkstate.all_keys(conn)
    names = [""] * meta.n_keys
    witnesses: list[list[str]] = [[] for _ in range(meta.n_keys)]
    for k, name, wit in key_rows:
        names[int(k)] = str(name)
        witnesses[int(k)] = orjson.loads(wit)
    doc_ids = linkstate.all_doc_ids(conn)
    doc_keys: list[list[int]] = [[] for _ in doc_ids]
    detail = []
    for k, d, v in linkstate.all_postings(conn):
        doc_keys[int(d)].append(int(k))
        if v is not None:
            detail.append([int(d), int(k), int(v)])
    tpl = linkstate.all_template_founders(conn)
    img = linkstate.all_image_founders(conn)
    slots = {doc: tp.slot_values(orjson.loads(rec)) for doc, rec in
             corpus.record_json(conn, list({str(r[0]) for r in tpl}))}
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

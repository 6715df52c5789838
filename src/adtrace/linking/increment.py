"""Link new documents against the tables of `adtrace.linking.tables`, reading only what they touch.

Same rules as `Linker.add` (templates and photos join their earliest matching founder, hub rule,
union to each key's first document) and the same result as a rebuild: the partition is the
components of the final document--key graph without hub keys, and every cluster that can have
changed is re-derived whole. Those are the clusters of (a) the first document of each non-hub
key a new document holds, (b) the documents of each key that became or stopped being a hub. Each
non-hub key's documents lie in one old cluster, so re-linking the members of those clusters from
their postings finds every component they now form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import orjson
import sqlalchemy as sa

from adtrace.linking import boilerplate as bp
from adtrace.linking import images as im
from adtrace.linking import signals as sg
from adtrace.linking import templates as tp
from adtrace.linking.components import UnionFind
from adtrace.linking.keys import VIA_IMAGE
from adtrace.linking.linker import LinkItem, hub_rule
from adtrace.linking.tables import Meta, band_rows, chunk_rows, read_df, write_df
from adtrace.linking.template_index import TemplateIndex
from adtrace.storage import corpus, linkstate


@dataclass
class KeyRow:
    k: int
    name: str
    first_d: int
    docs: int
    seen: int
    hub: bool
    witnesses: set[str] | None = None  # loaded only for keys the new documents hold
    new: bool = False
    dirty: bool = False


@dataclass
class Delta:
    added: int = 0
    skipped: int = 0
    new_hubs: list[str] = field(default_factory=list)
    released_hubs: list[str] = field(default_factory=list)
    doc_id: dict[int, str] = field(default_factory=dict)  # every document whose cluster may have changed
    root: dict[int, int] = field(default_factory=dict)  # ... its cluster now (earliest d)
    old_roots: set[int] = field(default_factory=set)  # clusters they were in (their summaries go)
    doc_keys: dict[int, list[tuple[int, int | None]]] = field(default_factory=dict)
    keys: dict[int, KeyRow] = field(default_factory=dict)
    founders: dict[str, str] = field(default_factory=dict)  # tpl:/img: key -> founder document


def _key_row(r: Sequence[object], witnesses: object = None) -> KeyRow:
    wit = set(orjson.loads(str(witnesses))) if witnesses is not None else None
    return KeyRow(int(str(r[0])), str(r[1]), int(str(r[2])), int(str(r[3])), int(str(r[4])), bool(r[5]), wit)


def _assign_templates(conn: sa.Connection, meta: Meta, sigs: list[tuple[int, str, np.ndarray, tp.Slots | None]],
                      out: dict[int, dict[str, int]]) -> tuple[list[tuple[int, str, np.ndarray]], np.ndarray]:
    """Template key per document (old founders first: they are earlier); returns the new founders and
    the boilerplate counts after them (`boilerplate`: counted founder by founder, in order, as a rebuild)."""
    bands = {d: tp.bands(sig) for d, _doc, sig, _s in sigs}
    by_band: dict[int, list[int]] = {}
    for band, t in linkstate.bands_in(conn, {b for bs in bands.values() for b in bs}):
        by_band.setdefault(int(band), []).append(int(t))
    cand = {t for ts in by_band.values() for t in ts}
    rows = list(linkstate.templates_in(conn, cand))
    founder_doc = {int(t): str(doc) for t, doc, _sig in rows}
    # the candidates' signatures as one uint32 matrix, by founder number; each document's candidates are
    # compared in one numpy step (as `tp.jaccard`, row by row): stock wording puts hundreds of founders in a
    # band at a million ads, and one call per pair was most of an incremental run
    order = np.fromiter((int(r[0]) for r in rows), dtype=np.int64, count=len(rows))
    fmat = np.frombuffer(b"".join(bytes(r[2]) for r in rows), dtype=np.uint32).reshape(-1, tp.NUM_PERM)
    by_t = np.argsort(order)
    order, fmat = order[by_t], fmat[by_t]
    passing: dict[int, list[int]] = {}
    for d, _doc, sig, _s in sigs:
        ids = np.fromiter(sorted({t for b in bands[d] for t in by_band.get(b, ())}), dtype=np.int64)
        j = np.count_nonzero(fmat[np.searchsorted(order, ids)] == sig.astype(np.uint32), axis=1) / len(sig)
        passing[d] = ids[j >= meta.template_threshold].tolist()
    # Slots of the founders a document may join, from their Records (the rebuild read the same Records).
    need = {founder_doc[t] for ts in passing.values() for t in ts}
    slots_of = {doc: tp.slot_values(orjson.loads(rec)) for doc, rec in corpus.record_json(conn, list(need))}
    local = TemplateIndex(threshold=meta.template_threshold, df=read_df(conn) if sigs else bp.new_counts(),
                          founders_before=meta.n_templates)
    for d, doc_id, sig, slots in sigs:
        best, best_j = -1, 0.0
        for t in passing[d]:
            if tp.slots_agree(slots, slots_of.get(founder_doc[t])):
                j = bp.overlap(sig, fmat[np.searchsorted(order, t)], local.df, least=local.least())  # as of now
                if j >= meta.template_threshold:
                    best, best_j = t, j
                    break
        if best < 0:
            t_local, best_j = local.assign(doc_id, sig, slots=slots)
            best = meta.n_templates + t_local
        out[d][tp.SIGNAL.key(best)] = round(100 * best_j)
    new = [(meta.n_templates + i, doc, sig) for i, (sig, doc) in enumerate(zip(local.founders, local.founder_doc,
                                                                               strict=True))]
    return new, local.df


def _assign_images(conn: sa.Connection, meta: Meta, pdqs: list[tuple[int, str, str]],
                   out: dict[int, dict[str, int]]) -> list[tuple[int, str, bytes]]:
    """Photo key per image (earliest founder within max_distance); returns the new founders."""
    probes = {(d, pdq): {c * 65536 + (int(pdq[4 * c:4 * c + 4], 16) ^ flip) for c in range(im.CHUNKS)
                         for flip in im._NEIGHBOURS} for d, _doc, pdq in pdqs}
    by_code: dict[int, list[int]] = {}
    for code, f in linkstate.image_chunks_in(conn, {c for cs in probes.values() for c in cs}):
        by_code.setdefault(int(code), []).append(int(f))
    cand = {f for fs in by_code.values() for f in fs}
    hashes = {int(f): bytes(h) for f, h in linkstate.images_in(conn, cand)}
    local = im.ImageIndex(max_distance=meta.max_distance)
    for d, doc_id, pdq in pdqs:
        raw = bytes.fromhex(pdq)
        hit = -1
        for f in sorted({f for c in probes[(d, pdq)] for f in by_code.get(c, ())}):
            dist = (int.from_bytes(raw, "big") ^ int.from_bytes(hashes[f], "big")).bit_count()
            if dist <= meta.max_distance:
                hit = f
                break
        if hit < 0:
            f_local, dist = local.assign(doc_id, pdq)
            hit = meta.n_images + f_local
        out[d].setdefault(im.SIGNAL.key(hit), dist)
    return [(meta.n_images + i, doc, h) for i, (h, doc) in enumerate(zip(local.hashes, local.founder_doc, strict=True))]


def link_new(conn: sa.Connection, meta: Meta, items: Sequence[LinkItem], wanted: Mapping[str, bool]) -> Delta:
    """Link `items` (in order) into the tables; updates them and `meta`, returns what changed."""
    delta = Delta()
    known = linkstate.linked(conn, {i.doc_id for i in items})
    fresh: list[tuple[int, LinkItem]] = []
    for item in items:
        if item.doc_id in known:
            delta.skipped += 1  # a document is linked once; its keys do not change
            continue
        known.add(item.doc_id)
        fresh.append((meta.n_docs + len(fresh), item))
    extra: dict[int, dict[str, int]] = {d: dict.fromkeys(i.via_image, VIA_IMAGE) for d, i in fresh}
    new_images = _assign_images(conn, meta, [(d, i.doc_id, p) for d, i in fresh for p in i.pdqs], extra)
    new_templates, df = _assign_templates(conn, meta, [(d, i.doc_id, i.signature, i.slots) for d, i in fresh
                                                       if i.signature is not None], extra)
    meta.n_images += len(new_images)
    meta.n_templates += len(new_templates)
    names = {n for d, i in fresh for n in [*i.keys, *extra[d]]}
    by_name: dict[str, KeyRow] = {}
    for r in linkstate.keys_named(conn, names, witnesses=True):
        by_name[str(r[1])] = _key_row(r, r[6])
    cap = meta.policy.cap
    for d, item in fresh:
        delta.doc_id[d] = item.doc_id
        ks = []
        for name in dict.fromkeys([*item.keys, *extra[d]]):
            row = by_name.get(name)
            if row is None:
                row = by_name[name] = KeyRow(meta.n_keys, name, d, 0, 0, False, set(), new=True)
                meta.n_keys += 1
            row.docs += 1
            row.dirty = True
            co = row.witnesses
            assert co is not None
            for w in item.witnesses:  # capped distinct witnesses, as Linker.add counts them
                if len(co) >= cap:
                    break
                if w != name:
                    co.add(w)
            row.seen = len(co)
            ks.append((row.k, extra[d].get(name)))
        delta.doc_keys[d] = ks
    meta.n_docs += len(fresh)
    delta.added = len(fresh)
    keys = delta.keys
    keys.update((r.k, r) for r in by_name.values())
    changed_overrides = {n for n in set(wanted) | set(meta.overrides) if wanted.get(n) != meta.overrides.get(n)}
    for r in linkstate.hub_keys(conn):
        keys.setdefault(int(r[0]), _key_row(r))
    for r in linkstate.keys_named(conn, changed_overrides - set(by_name)):
        keys.setdefault(int(r[0]), _key_row(r))
    became: list[KeyRow] = []
    released: list[KeyRow] = []
    for row in keys.values():  # the hub rule at the new corpus size, for every key that could change
        now = hub_rule(meta.policy, row.name, row.docs, row.seen, meta.n_docs, wanted.get(row.name))
        if now != row.hub:
            (became if now else released).append(row)
            row.hub, row.dirty = now, True
    meta.overrides = dict(wanted)
    delta.new_hubs = sorted(r.name for r in became)
    delta.released_hubs = sorted(r.name for r in released)
    _relink(conn, delta, [r for r in [*became, *released] if not r.new])
    _write(conn, delta, new_templates, new_images, fresh)
    if new_templates:
        write_df(conn, df, np.concatenate([bp.cells(s) for _t, _doc, s in new_templates]))
    return delta


def _relink(conn: sa.Connection, delta: Delta, flipped: list[KeyRow]) -> None:
    """Union-find over the new documents and every old cluster that can have changed."""
    keys = delta.keys
    new_ds = set(delta.doc_id)
    seeds = {keys[k].first_d for d in new_ds for k, _v in delta.doc_keys[d]
             if not keys[k].hub and keys[k].first_d not in new_ds}
    seeds.update(int(r[0]) for r in linkstate.docs_with_keys(conn, [r.k for r in flipped]))
    roots = {int(r[0]) for r in linkstate.roots_of(conn, seeds)}
    old_root: dict[int, int] = {}
    for d, doc_id, root in linkstate.docs_under(conn, roots):
        delta.doc_id[int(d)] = str(doc_id)
        old_root[int(d)] = int(root)
    delta.old_roots = roots
    for d, k, v in linkstate.postings_of(conn, list(old_root)):
        delta.doc_keys.setdefault(int(d), []).append((int(k), None if v is None else int(v)))
    missing = {k for ks in delta.doc_keys.values() for k, _v in ks if k not in keys}
    for r in linkstate.keys_numbered(conn, missing):
        keys[int(r[0])] = _key_row(r)
    uf = UnionFind(delta.doc_id, sparse=True)
    for d in sorted(delta.doc_id):
        for k, _v in delta.doc_keys.get(d, ()):
            row = keys[k]
            if not row.hub:
                uf.union(d, row.first_d)  # KeyError here would break the rule above
    delta.root = {d: uf.find(d) for d in delta.doc_id}
    updates = [{"r": r, "d": d} for d, r in delta.root.items() if d in old_root and old_root[d] != r]
    linkstate.set_roots(conn, updates)
    _founders(conn, delta)


def _founders(conn: sa.Connection, delta: Delta) -> None:
    names = {delta.keys[k].name for ks in delta.doc_keys.values() for k, _v in ks}
    for signal, table in ((tp.SIGNAL, "templates"), (im.SIGNAL, "images")):
        numbers = [int(n.split(":", 1)[1]) for n in names if sg.of_key(n) is signal]
        for n, doc in linkstate.founders_in(conn, table, numbers):
            delta.founders[signal.key(int(n))] = str(doc)


def _write(conn: sa.Connection, delta: Delta, templates: list[tuple[int, str, np.ndarray]],
           images: list[tuple[int, str, bytes]], fresh: list[tuple[int, LinkItem]]) -> None:
    linkstate.add_docs(conn, [(d, i.doc_id, delta.root[d]) for d, i in fresh])
    linkstate.add_postings(conn, [(k, d, v) for d, _i in fresh for k, v in delta.doc_keys[d]])
    rows = [r for r in delta.keys.values() if r.dirty]
    linkstate.add_keys(conn, [(r.k, r.name, r.first_d, r.docs, r.seen, r.hub, orjson.dumps(sorted(r.witnesses or ())).decode())
          for r in rows if r.new])
    with_wit = [{"k": r.k, "n": r.docs, "s": r.seen, "h": r.hub, "w": orjson.dumps(sorted(r.witnesses)).decode()}
                for r in rows if not r.new and r.witnesses is not None]
    hub_only = [{"k": r.k, "h": r.hub} for r in rows if not r.new and r.witnesses is None]
    linkstate.update_keys(conn, with_wit, hub_only)
    linkstate.add_templates(conn, [(t, doc, s.astype(np.uint32).tobytes()) for t, doc, s in templates],
                            [row for t, _doc, s in templates for row in band_rows(t, s)])
    linkstate.add_images(conn, images, [row for f, _doc, h in images for row in chunk_rows(f, h)])
    linkstate.add_photos(conn, [(i.doc_id, bytes.fromhex(p)) for _d, i in fresh for p in i.pdqs])
    for t, doc, _s in templates:
        delta.founders[tp.SIGNAL.key(t)] = doc
    for f, doc, _h in images:
        delta.founders[im.SIGNAL.key(f)] = doc

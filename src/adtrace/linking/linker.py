"""The linker: documents joined by shared keys (union-find), hub keys held back, incremental by design.

A cluster is a connected component of the graph document -- key, using every key that is not a hub.
Keys are hard identifiers (phone, email, handle, payment), founder photos (`img:N`, PDQ within 31
bits) and founder templates (`tpl:N`, MinHash overlap >= 0.65 after masking, boilerplate aside). Each edge is
one document holding one key, and two documents are linked when a chain of such edges joins them —
`explain(a, b)` returns that chain.

Incremental equals rebuild: the partition depends only on the final postings and the final hub
status of each key. When a key turns into a hub, the clusters it touched are rebuilt locally; when it
stops being one (the corpus grew, or an analyst overrode it), its documents are joined.
"""

from __future__ import annotations

import base64
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from adtrace.linking import images as im
from adtrace.linking import signals as sg
from adtrace.linking import templates as tp
from adtrace.linking.components import UnionFind, smallest_members
from adtrace.linking.keys import VIA_IMAGE, contact_keys, document_keys, image_only_keys
from adtrace.linking.skeletons import bands_many, skeleton_hashes_many
from adtrace.linking.summary import edge_list
from adtrace.linking.template_index import TemplateIndex


@dataclass(frozen=True)
class HubPolicy:
    """When a key is a hub: shared by documents that, by their own identifiers, are unrelated.

    Witnesses are a document's contact keys and its site account (author). A contact key (phone,
    email, handle, payment) is a hub when it is common — held by at least max(min_docs, share x
    corpus size) documents — and diverse: its documents carry at least `diversity` x that many
    distinct other witnesses. A directory number sits next to a different account and phone in
    almost every ad; a busy operator's phone sits next to the same few accounts again and again.
    A photo or template (content anyone can copy) is a hub as soon as `image_witnesses` /
    `template_witnesses` distinct witnesses share it: a stock photo or a site's boilerplate, not one
    operator's. Templates get the lower bar because stock wording is far more common than a stock
    photo, and a template edge with little else in common is the weakest evidence the linker has.
    """

    min_docs: int = 30
    share: float = 0.0005
    diversity: float = 0.3
    image_witnesses: int = 12
    template_witnesses: int = 4
    cap: int = 1000

    def threshold(self, n_docs: int) -> int:
        return max(self.min_docs, int(self.share * n_docs))


def hub_rule(policy: HubPolicy, name: str, docs: int, seen: int, n_docs: int, forced: bool | None = None) -> bool:
    """Whether key `name` is a hub, from its document count, distinct witnesses and the corpus size."""
    if forced is not None:
        return forced
    return sg.is_hub(policy, name, docs, seen, n_docs)  # the rule of the signal owning the key


@dataclass
class LinkItem:
    """What the linker needs from one document; built by `prepare` (pure, can run in a worker)."""

    doc_id: str
    keys: list[str]
    pdqs: list[str] = field(default_factory=list)
    signature: Any = None  # numpy MinHash signature, or None
    witnesses: list[str] = field(default_factory=list)  # contact keys and account: for hub diversity
    bands: list[int] | None = None  # the signature's LSH buckets, computed where the signature is
    skipped_images: list[str] = field(default_factory=list)  # why each unusable image was skipped
    slots: tp.Slots | None = None  # name and city slot values, which a template's ads must agree on
    via_image: list[str] = field(default_factory=list)  # contact keys only in the images' text (OCR)
    digest: bytes | None = None  # `templates.digest` of signature and slots, computed where the signature is


def prepare(doc_id: str, record: Mapping[str, Any], text: str, signals: Sequence[str] | None = None,
            *, author: str | None = None, source: str = "") -> LinkItem:
    """`signals`: the names of the signals to link on (adtrace.linking.signals; None: every registered one)."""
    chosen = sg.chosen(signals)
    contacts = contact_keys(record)
    # The poster's account only witnesses (hub diversity); site accounts are too easily reused
    # or generated alike to join documents on their own.
    witnesses = [*contacts, f"account:{source.lower()}:{author.strip().lower()}"] if author else contacts
    keys: list[str] = []
    for signal in chosen:
        if signal.keys is document_keys:
            keys += contacts  # read once above: they witness too
        elif signal.keys is not None:
            keys += [k for k in signal.keys(record, text) if k.split(":", 1)[0] in signal.kinds]
    skipped: list[str] = []
    pdqs = im.hashes_of(record, skipped=skipped) if im.SIGNAL in chosen else []
    sig = tp.skeleton_signature(text, record) if tp.SIGNAL in chosen else None
    return LinkItem(doc_id, keys, pdqs, sig, witnesses, skipped_images=skipped,
                    slots=None if sig is None else tp.slot_values(record),
                    via_image=[k for k in image_only_keys(record) if k in keys])


def prepare_many(rows: Iterable[tuple[str, Mapping[str, Any], str, str | None, str]],
                 signals: Sequence[str] | None = None) -> list[LinkItem]:
    """`prepare` for many (doc id, record, text, author, source) at once: one numpy MinHash for all."""
    items: list[LinkItem] = []
    hashes: list[Any] = []
    with_sig: list[int] = []
    names = [s.name for s in sg.chosen(signals)]
    templates = tp.SIGNAL.name in names
    others = [n for n in names if n != tp.SIGNAL.name]
    texts: list[tuple[str, Mapping[str, Any]]] = []
    for doc_id, record, text, author, source in rows:
        items.append(prepare(doc_id, record, text, others, author=author, source=source))
        texts.append((text, record))
    for i, h in enumerate(skeleton_hashes_many(texts) if templates else ()):
        if h is not None:
            hashes.append(h)
            with_sig.append(i)
            items[i].slots = tp.slot_values(texts[i][1])
    if hashes:
        sigs = tp.signatures(hashes)
        for i, sig, bs in zip(with_sig, sigs, bands_many(sigs).tolist(), strict=True):
            items[i].signature = sig
            items[i].bands = bs
            items[i].digest = tp.digest(sig, items[i].slots)
    return items


@dataclass
class BatchReport:
    added: int = 0
    skipped: int = 0
    new_hubs: list[str] = field(default_factory=list)
    released_hubs: list[str] = field(default_factory=list)
    split_docs: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Linker:
    def __init__(self, policy: HubPolicy | None = None, *, template_threshold: float = 0.65,
                 max_distance: int = im.MAX_DISTANCE) -> None:
        self.policy = policy or HubPolicy()
        self.templates = TemplateIndex(threshold=template_threshold)
        self.images = im.ImageIndex(max_distance=max_distance)
        self.doc_ids: list[str] = []
        self.index: dict[str, int] = {}
        self.doc_keys: list[list[int]] = []
        self.detail: dict[tuple[int, int], int] = {}  # (doc, key) -> Jaccard % or Hamming distance
        self.photos: list[tuple[str, bytes]] = []  # (doc id, PDQ) of every photo: the link_photos rows
        self.key_names: list[str] = []
        self.key_id: dict[str, int] = {}
        self.postings: list[list[int]] = []
        self.co: list[set[str]] = []
        self.rules: list[sg.HubRule] = []  # each key's hub rule (its signal's), looked up once
        self._rule_of: dict[str, sg.HubRule] = {}  # key prefix -> hub rule, while `add` runs (the registry may change)
        self.hubs: set[int] = set()
        self.overrides: dict[str, bool] = {}  # key -> True (always a hub) / False (never)
        self.uf = UnionFind()  # documents by number; a cluster's root is its earliest document
        # A rebuild sets this: unions wait for `join_all`, so keys turning into hubs batch after batch
        # never re-link clusters (a scan of every document per batch: quadratic in the corpus).
        self.defer_unions = False

    def find(self, x: int) -> int:
        """The cluster root (earliest document number) of document number `x`."""
        return self.uf.find(x)

    # --- keys ----------------------------------------------------------------------------------
    def _key(self, name: str) -> int:
        k = self.key_id.get(name)
        if k is None:
            k = self.key_id[name] = len(self.key_names)
            self.key_names.append(name)
            self.postings.append([])
            self.co.append(set())
            prefix = name.partition(":")[0]
            rule = self._rule_of.get(prefix)
            if rule is None:
                rule = self._rule_of[prefix] = sg.rule_of(name)
            self.rules.append(rule)
        return k

    def is_hub(self, k: int, n_docs: int | None = None) -> bool:
        """`hub_rule` for key number `k` (with the rule kept per key)."""
        n = len(self.doc_ids) if n_docs is None else n_docs
        if self.overrides and (forced := self.overrides.get(self.key_names[k])) is not None:
            return forced
        return self.rules[k](self.policy, len(self.postings[k]), len(self.co[k]), n)

    # --- adding documents ----------------------------------------------------------------------
    def add(self, items: Iterable[LinkItem]) -> BatchReport:
        report = BatchReport()
        touched: set[int] = set()
        fresh: dict[str, LinkItem] = {}
        for item in items:
            if item.doc_id in self.index or item.doc_id in fresh:
                report.skipped += 1  # a document is linked once; its keys do not change
            else:
                fresh[item.doc_id] = item
        with_sig = [i for i in fresh.values() if i.signature is not None]
        tpl = iter(self.templates.assign_many([(i.doc_id, i.signature, i.bands) for i in with_sig],
                                              [i.slots for i in with_sig], [i.digest for i in with_sig]))
        # one pass per document: the per-key work below is most of the main process's linking besides templates
        # (witnesses counted inline; a new key's hub rule looked up once per prefix and batch)
        key_id, postings, detail, new_key = self.key_id, self.postings, self.detail, self._key
        doc_ids, index, doc_keys, co, key_names, cap = self.doc_ids, self.index, self.doc_keys, self.co, \
            self.key_names, self.policy.cap
        tpl_prefix = f"{tp.SIGNAL.prefix}:"
        self._rule_of.clear()
        first = len(doc_ids)
        for d, item in enumerate(fresh.values(), first):
            doc_ids.append(item.doc_id)
            index[item.doc_id] = d
            extra: dict[str, int] = dict.fromkeys(item.via_image, VIA_IMAGE) if item.via_image else {}
            for pdq in item.pdqs:
                self.photos.append((item.doc_id, bytes.fromhex(pdq)))
                f, dist = self.images.assign(item.doc_id, pdq)
                extra.setdefault(im.SIGNAL.key(f), dist)
            if item.signature is not None:
                t, j = next(tpl)
                extra[f"{tpl_prefix}{t}"] = round(100 * j)
            ks = [k if (k := key_id.get(n)) is not None else new_key(n) for n in [*item.keys, *extra]]
            if len(ks) > 1:
                ks = list(dict.fromkeys(ks))
            for name, value in extra.items():
                detail[(d, key_id[name])] = value
            doc_keys.append(ks)
            witnesses = item.witnesses
            for k in ks:
                postings[k].append(d)
                seen = co[k]
                if len(seen) < cap:  # distinct witnesses per key, capped: only "how many, up to cap" matters
                    for w in witnesses:
                        if w != key_names[k] and len(seen) < cap:
                            seen.add(w)
            touched.update(ks)
        self.uf.grow(len(doc_ids))
        new_docs = list(range(first, len(doc_ids)))
        report.added = len(new_docs)
        self._settle(touched, new_docs, report)
        return report

    def _settle(self, touched: set[int], new_docs: list[int], report: BatchReport) -> None:
        n = len(self.doc_ids)
        became_hub, released = [], []
        rules, postings, co, policy, names, over = self.rules, self.postings, self.co, self.policy, self.key_names, \
            self.overrides
        for k in touched | self.hubs:  # `is_hub`, inline: every touched key and every hub, batch after batch
            if over and (forced := over.get(names[k])) is not None:
                now = forced
            else:
                now = rules[k](policy, len(postings[k]), len(co[k]), n)
            if now and k not in self.hubs:
                became_hub.append(k)
            elif not now and k in self.hubs:
                released.append(k)
        self.hubs.difference_update(released)
        self.hubs.update(became_hub)
        report.new_hubs = sorted(self.key_names[k] for k in became_hub)
        report.released_hubs = sorted(self.key_names[k] for k in released)
        if self.defer_unions:
            return
        if became_hub:
            report.split_docs = self._rebuild_components(became_hub)
        union = self.uf.union
        for d in new_docs:
            for k in self.doc_keys[d]:
                if k not in self.hubs:
                    union(d, self.postings[k][0])
        for k in released:
            first = self.postings[k][0]
            for d in self.postings[k]:
                union(d, first)

    def join_all(self) -> None:
        """Do the deferred unions: each document with the first document of every non-hub key it holds.

        The same partition as linking batch by batch: it depends only on the final postings and hubs."""
        hubs, postings = self.hubs, self.postings
        a = [d for d, ks in enumerate(self.doc_keys) for k in ks if k not in hubs]
        b = [postings[k][0] for ks in self.doc_keys for k in ks if k not in hubs]
        self.uf.set_roots(smallest_members(len(self.doc_ids), np.asarray(a, np.int64), np.asarray(b, np.int64)))
        self.defer_unions = False

    def _rebuild_components(self, keys: list[int]) -> int:
        """Re-link, from scratch, every cluster that one of `keys` had joined (now a hub)."""
        roots = {self.find(d) for k in keys for d in self.postings[k]}
        members = [d for d in range(len(self.doc_ids)) if self.find(d) in roots]
        self.uf.reset(members)
        for d in members:
            for k in self.doc_keys[d]:
                if k not in self.hubs:
                    self.uf.union(d, self.postings[k][0])
        return len(members)

    def set_override(self, key: str, hub: bool | None) -> BatchReport:
        """Analyst override: force a key to be a hub (True), never a hub (False), or clear (None)."""
        if hub is None:
            self.overrides.pop(key, None)
        else:
            self.overrides[key] = hub
        report = BatchReport()
        k = self.key_id.get(key)
        if k is not None:
            self._settle({k}, [], report)
        return report

    # --- reading -------------------------------------------------------------------------------
    def cluster_of(self, doc_id: str) -> str:
        return self.doc_ids[self.find(self.index[doc_id])]

    def clusters(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for d, doc_id in enumerate(self.doc_ids):
            out.setdefault(self.doc_ids[self.find(d)], []).append(doc_id)
        return out

    def labels(self) -> dict[str, str]:
        return {doc_id: self.doc_ids[self.find(d)] for d, doc_id in enumerate(self.doc_ids)}

    def edges(self, doc_ids: Iterable[str]) -> list[dict[str, Any]]:
        """The shared keys inside a set of documents: one entry per key held by two or more of them."""
        idx = [self.index[i] for i in doc_ids if i in self.index]
        by_key: dict[str, list[tuple[str, int | None]]] = {}
        founders: dict[str, str] = {}
        for d in idx:
            for k in self.doc_keys[d]:
                name = self.key_names[k]
                by_key.setdefault(name, []).append((self.doc_ids[d], self.detail.get((d, k))))
                if name not in founders and (doc := self.founder_of(name)) is not None:
                    founders[name] = doc
        return edge_list(by_key, (n for n in by_key if self.key_id[n] in self.hubs), founders)

    def explain(self, a: str, b: str) -> list[dict[str, str]]:
        """The shortest chain document -key- document ... joining `a` to `b` (empty when unlinked)."""
        if a not in self.index or b not in self.index or self.cluster_of(a) != self.cluster_of(b):
            return []
        start, goal = self.index[a], self.index[b]
        prev: dict[int, tuple[int, int]] = {start: (-1, -1)}
        queue = deque([start])
        while queue:
            d = queue.popleft()
            if d == goal:
                break
            for k in self.doc_keys[d]:
                if k in self.hubs:
                    continue
                for nxt in self.postings[k]:
                    if nxt not in prev:
                        prev[nxt] = (d, k)
                        queue.append(nxt)
        chain: list[dict[str, str]] = []
        d = goal
        while prev[d][0] >= 0:
            p, k = prev[d]
            chain.append({"from": self.doc_ids[p], "key": self.key_names[k], "to": self.doc_ids[d]})
            d = p
        return chain[::-1]

    def founder_of(self, key: str) -> str | None:
        """The founder document of a photo or template key (None for other keys)."""
        signal = sg.of_key(key)
        index = self.images if signal is im.SIGNAL else self.templates if signal is tp.SIGNAL else None
        return None if index is None else str(index.founder_doc[int(key.split(":", 1)[1])])

    def key_names_of(self, doc_id: str) -> list[str]:
        return [self.key_names[k] for k in self.doc_keys[self.index[doc_id]]]

    def is_hub_name(self, key: str) -> bool:
        k = self.key_id.get(key)
        return k is not None and k in self.hubs

    def hub_keys(self) -> list[dict[str, Any]]:
        out = [{"key": self.key_names[k], "kind": sg.kind_of(self.key_names[k]), "docs": len(self.postings[k]),
                "diversity": len(self.co[k]), "override": self.overrides.get(self.key_names[k])}
               for k in self.hubs]
        return sorted(out, key=lambda h: -int(h["docs"]))

    # --- state (persisted by adtrace.linking.store) ----------------------------------------------
    def to_state(self) -> dict[str, Any]:
        tstate = self.templates.to_state()
        istate = self.images.to_state()
        return {
            "version": 1,
            "policy": self.policy.__dict__,
            "doc_ids": self.doc_ids,
            "doc_keys": self.doc_keys,
            "detail": [[d, k, v] for (d, k), v in self.detail.items()],
            "key_names": self.key_names,
            "witnesses": [sorted(c) for c in self.co],
            "overrides": self.overrides,
            "templates": {**tstate, "founders": base64.b64encode(tstate["founders"]).decode()},
            "images": {**istate, "hashes": base64.b64encode(istate["hashes"]).decode()},
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any], *, encoded: bool = True) -> Linker:
        """`encoded`: founders and photo hashes as base64 text (`to_state`) rather than bytes."""
        t = state["templates"]
        i = state["images"]
        lk = cls(HubPolicy(**state["policy"]), template_threshold=float(t["threshold"]),
                 max_distance=int(i["max_distance"]))
        dec = base64.b64decode if encoded else bytes
        lk.templates = TemplateIndex.from_state({**t, "founders": dec(t["founders"])})
        lk.images = im.ImageIndex.from_state({**i, "hashes": dec(i["hashes"])})
        lk.overrides = {str(k): bool(v) for k, v in state["overrides"].items()}
        for name in state["key_names"]:
            lk._key(name)
        lk.detail = {(int(d), int(k)): int(v) for d, k, v in state["detail"]}
        for k, names in enumerate(state["witnesses"]):
            lk.co[k] = set(names)
        for d, (doc_id, ks) in enumerate(zip(state["doc_ids"], state["doc_keys"], strict=True)):
            lk.doc_ids.append(doc_id)
            lk.index[doc_id] = d
            lk.uf.add(d)
            lk.doc_keys.append(list(ks))
            for k in ks:
                lk.postings[k].append(d)
        lk._settle(set(range(len(lk.key_names))), list(range(len(lk.doc_ids))), BatchReport())
        return lk

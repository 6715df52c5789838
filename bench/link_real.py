"""Real-data mode of bench/link.py: template linking on real ads with every identifier masked out.

Proxy truth: ads that share a phone number (extracted from the unmasked ad) are one poster
(union-find over shared phones; an ad with no phone is its own poster). Then every digit, e-mail,
URL, handle, payment handle, phone and spelled-out number is masked out of the text (spans found
with the project's own extractors and normaliser), the extractors are run again on the masked text
to check they find nothing, and the ads are linked on the masked text alone with the template signal
only. Prints counts and rates only, never any text.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from multiprocessing import Pool
from typing import Any

import orjson

from adtrace.documents import Document
from adtrace.linking.components import UnionFind
from adtrace.linking.linker import Linker, prepare_many
from adtrace.pipeline.process import extract
from adtrace.text import normalise
from adtrace.text.numbers import DIGIT_WORD_RUN

IDENTIFIERS = ("phones", "emails", "urls", "handles", "payments")
# A run of spelled digits/number words standing alone ("fyve", "sixtwo", "twenty"); one-letter
# runs ("I", "o") are ordinary words unless glued to digits, which the digit mask covers.
_SPELLED = re.compile(rf"(?<![^\W\d_])(?:{DIGIT_WORD_RUN.pattern})(?![^\W\d_])", re.I)
_DIGIT = re.compile(r"\d")
MASK = "#"  # not a word character: the template tokenizer drops it


def load(path: str) -> list[Document]:
    docs = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            obj = orjson.loads(line)
            obj = {k: obj[k] for k in ("id", "source", "url", "title", "text") if obj.get(k) is not None}
            docs.append(Document.from_dict(obj, path=path, line=n))
    return docs


def _spans(text: str, record: dict[str, Any]) -> list[tuple[int, int]]:
    """Original-text spans to mask: identifiers found by the extractors, digits, spelled numbers."""
    out = []
    for name in IDENTIFIERS:
        for item in record.get(name) or ():
            span = item.get("span")
            if span and item.get("field", "text") == "text" and item.get("via", "text") == "text":
                out.append((int(span[0]), int(span[1])))
    view = normalise(text)
    for pat in (_DIGIT, _SPELLED):
        for m in pat.finditer(view.text):
            if pat is _SPELLED and m.end() - m.start() < 2:
                continue
            out.append(view.span(m.start(), m.end()))
    return out


def mask_text(text: str, record: dict[str, Any]) -> str:
    chars = list(text)
    for s, e in _spans(text, record):
        for i in range(max(0, s), min(e, len(chars))):
            chars[i] = MASK if not chars[i].isspace() else chars[i]
    return "".join(chars)


def _identifiers(record: dict[str, Any]) -> int:
    return sum(len(record.get(name) or ()) for name in IDENTIFIERS)


def _extract(doc: Document) -> dict[str, Any]:
    return extract(doc)


def proxy_truth(docs: list[Document], records: list[dict[str, Any]]) -> dict[str, str]:
    """Doc id -> poster: ads sharing any phone (E.164) are one poster, by union-find."""
    uf = UnionFind(range(len(docs)))
    first: dict[str, int] = {}
    for i, rec in enumerate(records):
        for p in rec.get("phones") or ():
            value = str(p.get("value") or "")
            if value.startswith("+"):
                uf.union(i, first.setdefault(value, i))
    return {d.id: docs[uf.find(i)].id for i, d in enumerate(docs)}


def masked_corpus(path: str, workers: int, out: dict[str, Any]) -> tuple[list[Document], list[dict[str, Any]],
                                                                         dict[str, str]]:
    """(masked documents, their Records, proxy truth) of a real file; counts go into `out`."""
    docs = load(path)
    out.update({"mode": "real", "docs": len(docs)})
    with Pool(workers) as pool:
        t0 = time.perf_counter()
        records = pool.map(_extract, docs, chunksize=64)
        out["extract_s"] = round(time.perf_counter() - t0, 1)
        truth = proxy_truth(docs, records)
        texts = [mask_text(d.full_text, r) for d, r in zip(docs, records, strict=True)]
        masked = [Document(id=d.id, text=t, source=d.source) for d, t in zip(docs, texts, strict=True)]
        t0 = time.perf_counter()
        mrecords = pool.map(_extract, masked, chunksize=64)
        out["extract_masked_s"] = round(time.perf_counter() - t0, 1)
        # Masking can reveal an identifier the unmasked context hid (a handle after a masked number):
        # mask what the extractors find in the masked text too, until they find nothing.
        rounds = [sum(_identifiers(r) for r in mrecords)]
        while rounds[-1] and len(rounds) < 4:
            redo = [i for i, r in enumerate(mrecords) if _identifiers(r)]
            for i in redo:
                masked[i] = Document(id=docs[i].id, text=mask_text(masked[i].text, mrecords[i]), source=docs[i].source)
            for i, r in zip(redo, pool.map(_extract, [masked[i] for i in redo]), strict=True):
                mrecords[i] = r
            rounds.append(sum(_identifiers(r) for r in mrecords))
    sizes = Counter(truth.values())
    out["truth"] = {"with_phone": sum(1 for r in records if r.get("phones")),
                    "posters": len(sizes), "posters_with_2plus_ads": sum(1 for s in sizes.values() if s > 1),
                    "identifiers_before_mask": sum(_identifiers(r) for r in records),
                    "identifiers_found_in_masked_text_per_round": rounds}
    return masked, mrecords, truth


def run(path: str, workers: int, batch: int, score: Any, linker_kw: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    masked, mrecords, truth = masked_corpus(path, workers, out)
    t0 = time.perf_counter()
    items = prepare_many(((d.id, r, d.full_text, None, d.source) for d, r in zip(masked, mrecords, strict=True)),
                         ("templates",))
    t_prep = time.perf_counter() - t0
    kw = linker_kw or {}
    lk = Linker(**kw)
    t0 = time.perf_counter()
    for s in range(0, len(items), batch):
        lk.add(items[s:s + batch])
    t_link = time.perf_counter() - t0
    labels = lk.labels()
    res = score(labels, truth)
    inc = Linker(**kw)  # the last 10 % added to a linker that holds the rest: the same partition?
    cut = len(items) - max(1, len(items) // 10)
    inc.add(items[:cut])
    inc.add(items[cut:])
    res["incremental_equals_rebuild"] = _partition(inc.labels()) == _partition(labels)
    res["bcubed_f1"] = _f1(res["bcubed_precision"], res["bcubed_recall"])
    res["pair_f1"] = _f1(res["pair_precision"], res["pair_recall"])
    res["multi_doc_clusters"] = sum(1 for c in lk.clusters().values() if len(c) > 1)
    out["templates"] = {**res, "prepare_s": round(t_prep, 2), "link_s": round(t_link, 2),
                        "hub_keys": len(lk.hubs)}
    return out


def _partition(labels: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for d, c in labels.items():
        groups.setdefault(c, set()).add(d)
    return {frozenset(g) for g in groups.values()}


def _f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 4) if p + r else 0.0

"""Linking quality and speed on the synthetic corpus with planted networks; prints JSON.

    .venv/bin/python bench/link.py --docs 20000 --seed 3 [--images] [--workers 2] [--profile realistic|compact]
        [--mask]
    .venv/bin/python bench/link.py --real ../shared/realdata/backpage-dev.jsonl
    ... --no-boilerplate: the template rule before migration 0013, for comparison

`--mask` removes every identifier before extraction (realistic profile only: it uses the truth's
entity spans): phones, e-mails, payment handles and URLs in title and text, and the author, so only
wording (templates) and images can link.

`--real`: real ads, identifiers masked out, template signal only, truth = shared phones (see
bench/link_real.py); prints counts and rates only.

Truth: the contract (`network` ids; documents with no network are singletons) and, as a second
view, "actor" truth (network, else the independent worker who reposts, else singleton): linking an
independent's own reposts by her phone is right, yet counts as a false pair under the contract.
Measures pairwise and B-cubed precision/recall for keys only, images only, templates only and all
combined; link time (records prepared + linked; extraction is timed separately), incremental add
of the last 10% and whether it equals the full rebuild, and peak RSS.

`--modes templates` measures one signal set; every mode also reports per planted network how many of
its ads share a cluster with another of its ads (`networks`). With reposting fitted to real posters
(synth.realistic.COPY), `--mask --modes templates` at 20,000 documents, seed 3: 45.9 % of network ads
joined to their own network, 4,064 of 4,065 pairs touching a network ad right (docs/linking.md).

Measured 2026-12-06 (20,000 documents, seed 3), templates only, pair precision contract/actor and
recall: realistic 0.816/0.978, 0.021; realistic --mask 0.852/0.938, 0.044; compact 0.695/0.825,
0.0008. Combined: realistic 0.834/0.884, 0.943; compact 0.940/0.998, 0.962.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import zlib
from collections import Counter
from multiprocessing import Pool
from typing import Any

import orjson

from adtrace.documents import Document
from adtrace.linking.linker import Linker, prepare
from adtrace.pipeline.process import extract
from adtrace.synth import generate


def _extract(doc: dict[str, Any]) -> tuple[dict[str, Any], str]:
    d = Document.from_dict(doc)
    rec = extract(d)
    if doc.get("images") and "pdq" in doc["images"][0]:
        rec["images"] = doc["images"]
    return rec, d.full_text


def _paint(docs: list[dict[str, Any]], truths: list[dict[str, Any]], seed: int) -> None:
    from adtrace.documents.images import pdq_of_image
    from adtrace.synth.images import draw_base, variant

    bases: dict[str, Any] = {}
    for doc, truth in zip(docs, truths, strict=True):
        out = []
        for k, photo in enumerate(truth["images"]):
            base = bases.get(photo)
            if base is None:
                base = bases[photo] = draw_base(photo, seed)
            rng = random.Random(zlib.crc32(f"{seed}/{doc['id']}-{k}".encode()))
            out.append({"pdq": pdq_of_image(variant(base, rng))[0]})
        doc["images"] = out


_IDENTIFIERS = frozenset({"phone", "email", "payment", "url"})


def mask(doc: dict[str, Any], truth: dict[str, Any]) -> None:
    """Cut every planted identifier out of title and text (by its span), and drop the author."""
    for field in ("title", "text"):
        spans = sorted((n["span"] for n in truth.get("entities", ())
                        if n["field"] == field and n["kind"] in _IDENTIFIERS), reverse=True)
        value = doc[field]
        for start, end in spans:
            value = value[:start] + value[end:]
        doc[field] = value
    doc["author"] = None


def _pairs(sizes: Any) -> int:
    return sum(s * (s - 1) // 2 for s in sizes)


def score(pred: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    joint = Counter((pred[d], truth[d]) for d in truth)
    psize = Counter(pred[d] for d in truth)
    tsize = Counter(truth.values())
    tp = _pairs(joint.values())
    pp, tt = _pairs(psize.values()), _pairs(tsize.values())
    bp = sum(n * n / psize[p] for (p, _t), n in joint.items()) / len(truth)
    br = sum(n * n / tsize[t] for (_p, t), n in joint.items()) / len(truth)
    return {"pair_precision": round(tp / pp, 4) if pp else 1.0, "pair_recall": round(tp / tt, 4) if tt else 1.0,
            "bcubed_precision": round(bp, 4), "bcubed_recall": round(br, 4),
            "clusters": len(psize), "true_pairs": tt, "predicted_pairs": pp}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--images", action="store_true", help="paint the synthetic photos in memory and PDQ-hash them")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=10000)
    ap.add_argument("--profile", default="realistic")
    ap.add_argument("--mask", action="store_true", help="remove every identifier first (realistic profile)")
    ap.add_argument("--real", metavar="JSONL", help="real ads: mask identifiers, link on text, truth = shared phones")
    ap.add_argument("--modes", default="keys,images,templates,combined", help="which signal sets to measure")
    ap.add_argument("--no-boilerplate", action="store_true",
                    help="ablation: the template rule before migration 0013 (plain Jaccard >= 0.7, boilerplate counts)")
    args = ap.parse_args()
    kw: dict[str, Any] = {}
    if args.no_boilerplate:
        from adtrace.linking import boilerplate

        boilerplate.DF_MIN = 2**31  # no (position, value) is ever boilerplate: J' equals the plain estimate
        kw["template_threshold"] = 0.7
    if args.real:
        import link_real  # bench/ is on sys.path when this script runs

        out = link_real.run(args.real, args.workers, args.batch, score, kw)
        out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        sys.stdout.write(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode() + "\n")
        return

    pairs = list(generate(args.docs, seed=args.seed, profile=args.profile))
    docs = [p[0] for p in pairs]
    truths = [p[1] for p in pairs]
    if args.mask:
        if args.profile != "realistic":
            sys.exit("--mask needs the realistic profile (its truth has the entity spans)")
        for doc, truth in zip(docs, truths, strict=True):
            mask(doc, truth)
    out: dict[str, Any] = {"docs": args.docs, "seed": args.seed, "profile": args.profile, "masked": args.mask,
                           "images_hashed": args.images}
    t0 = time.perf_counter()
    if args.images:
        _paint(docs, truths, args.seed)
        out["paint_and_pdq_s"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    with Pool(args.workers) as pool:
        extracted = pool.map(_extract, docs, chunksize=256)
    out["extract_s"] = round(time.perf_counter() - t0, 1)
    contract = {t["id"]: t["network"] or f"solo:{t['id']}" for t in truths}
    actor = {t["id"]: t["network"] or t["worker"] or f"solo:{t['id']}" for t in truths}
    out["networks"] = len({t["network"] for t in truths if t["network"]})
    modes = {"keys": ("keys",), "images": ("images",), "templates": ("templates",),
             "combined": ("keys", "images", "templates")}
    modes = {k: v for k, v in modes.items() if k in args.modes.split(",")}
    results: dict[str, Any] = {}
    for name, signals in modes.items():
        if name == "images" and not args.images:
            continue
        t0 = time.perf_counter()
        items = [prepare(d["id"], rec, text, signals, author=d.get("author"), source=d["source"])
                 for d, (rec, text) in zip(docs, extracted, strict=True)]
        t_prep = time.perf_counter() - t0
        lk = Linker(**kw)
        t0 = time.perf_counter()
        for s in range(0, len(items), args.batch):
            lk.add(items[s:s + args.batch])
        t_link = time.perf_counter() - t0
        labels = lk.labels()
        res: dict[str, Any] = {"contract": score(labels, contract), "actor": score(labels, actor),
                               "prepare_s": round(t_prep, 2), "link_s": round(t_link, 2),
                               "hub_keys": len(lk.hubs), "networks": recovery(labels, truths)}
        if name == "combined":
            cut = len(items) - max(1, len(items) // 10)
            inc = Linker(**kw)
            inc.add(items[:cut])
            t0 = time.perf_counter()
            inc.add(items[cut:])
            res["incremental_last_10pct_s"] = round(time.perf_counter() - t0, 2)
            res["incremental_equals_rebuild"] = _partition(inc.labels()) == _partition(labels)
            res["top_hubs"] = lk.hub_keys()[:5]
        results[name] = res
    out["results"] = results
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    sys.stdout.write(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode() + "\n")


def recovery(labels: dict[str, str], truths: list[dict[str, Any]]) -> dict[str, Any]:
    """Per planted network: its ads that share a cluster with another ad of the same network, and the
    networks where at least half of the ads do; of the links made to network ads, how many are right."""
    nets = {t["id"]: t["network"] for t in truths if t["network"]}
    members: dict[str, list[str]] = {}
    for d, c in labels.items():
        members.setdefault(c, []).append(d)
    linked: Counter[str] = Counter()
    size = Counter(nets.values())
    right = wrong = 0
    for ms in members.values():
        if len(ms) < 2:
            continue
        by_net = Counter(nets.get(d) for d in ms)
        same = sum(n * (n - 1) // 2 for net, n in by_net.items() if net is not None)
        for net, n in by_net.items():
            if net is not None and n > 1:
                linked[net] += n
        others = by_net.get(None, 0)
        right += same
        wrong += len(ms) * (len(ms) - 1) // 2 - others * (others - 1) // 2 - same
    return {"networks": len(size), "network_ads": sum(size.values()),
            "ads_linked_to_own_network": round(sum(linked.values()) / max(1, sum(size.values())), 4),
            "networks_half_recovered": sum(1 for net, n in size.items() if linked[net] * 2 >= n),
            "pairs_within_a_network": right, "pairs_joining_a_network_ad_to_another": wrong,
            "network_pair_precision": round(right / (right + wrong), 4) if right + wrong else None}


def _partition(labels: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for d, c in labels.items():
        groups.setdefault(c, set()).add(d)
    return {frozenset(g) for g in groups.values()}


if __name__ == "__main__":
    main()

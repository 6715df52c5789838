"""How posters reuse their wording: the aggregates the synthetic generator's reposting is fitted to.

    .venv/bin/python bench/link_fit.py --real ../shared/realdata/backpage-dev.jsonl
    .venv/bin/python bench/link_fit.py --docs 20000 --seed 3      # the realistic synthetic corpus's ads

Both go through bench/link_real.py's pipeline: poster = ads sharing a phone (extracted from the
unmasked ad), every identifier masked, the template linker's own skeleton and MinHash on what is
left. For each ad after its poster's first (in file order): the best wording overlap (MinHash
Jaccard estimate) with an earlier ad of the same poster, and whether their slots agree
(`templates.slots_agree`). Prints counts, shares and quantiles only, never text.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from typing import Any

import numpy as np
import orjson

import link_real  # bench/ is on sys.path when this script runs
from adtrace.linking import templates as tp

ADS = ("escort", "massage", "imb", "network")  # the real file holds only ads: reviews, jobs... left out


def reposts(masked: list[Any], records: list[dict[str, Any]], truth: dict[str, str]) -> dict[str, Any]:
    sigs = [tp.skeleton_signature(d.full_text, r) for d, r in zip(masked, records, strict=True)]
    slots = [tp.slot_values(r) for r in records]
    by_poster: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(masked):
        by_poster[truth[d.id]].append(i)
    best: list[float] = []
    agree: list[bool] = []
    no_sig = 0
    for ads in by_poster.values():
        for n, i in enumerate(ads[1:], 1):
            if sigs[i] is None:
                no_sig += 1
                continue
            earlier = [j for j in ads[:n] if sigs[j] is not None]
            if not earlier:
                continue
            js = [tp.jaccard(sigs[i], sigs[j]) for j in earlier]
            k = int(np.argmax(js))
            best.append(js[k])
            agree.append(tp.slots_agree(slots[i], slots[earlier[k]]))
    b = np.asarray(best)
    a = np.asarray(agree)
    return {"posters_2plus": sum(1 for v in by_poster.values() if len(v) > 1),
            "later_ads": len(b), "later_ads_without_skeleton": no_sig,
            "best_earlier_jaccard_quantiles": {f"p{q}": round(float(np.percentile(b, q)), 3)
                                               for q in (10, 25, 50, 75, 90)} if len(b) else {},
            "share_ge_0.65": round(float((b >= 0.65).mean()), 4) if len(b) else None,
            "share_ge_0.9": round(float((b >= 0.9).mean()), 4) if len(b) else None,
            "share_below_0.3": round(float((b < 0.3).mean()), 4) if len(b) else None,
            "slots_agree_when_ge_0.65": round(float(a[b >= 0.65].mean()), 4) if (b >= 0.65).any() else None}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", metavar="JSONL")
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--networks-only", action="store_true", help="synthetic: only network ads (truth)")
    ap.add_argument("--all-kinds", action="store_true",
                    help="synthetic: every kind of document (default: ads only, as in the real file)")
    args = ap.parse_args()
    out: dict[str, Any] = {}
    if args.real:
        masked, records, truth = link_real.masked_corpus(args.real, args.workers, out)
    else:
        from adtrace.synth import generate

        with tempfile.NamedTemporaryFile("wb", suffix=".jsonl") as fh:
            for doc, t in generate(args.docs, seed=args.seed):
                keep = t["category"] == "network" if args.networks_only else \
                    args.all_kinds or t["category"] in ADS
                if keep:
                    fh.write(orjson.dumps(doc) + b"\n")
            fh.flush()
            masked, records, truth = link_real.masked_corpus(fh.name, args.workers, out)
        out.update({"mode": "synthetic", "seed": args.seed, "networks_only": args.networks_only,
                    "all_kinds": args.all_kinds})
    out["reposts"] = reposts(masked, records, truth)
    sys.stdout.write(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode() + "\n")


if __name__ == "__main__":
    main()

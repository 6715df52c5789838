"""`adtrace synth`: throughput and how close the corpus is to real ads, as JSON.

    .venv/bin/python bench/synth.py [--docs 200000] [--sample 20000] [--job-sample 4000] [--seed 0]
        [--profile realistic]
        [--truth] [--no-speed] [--no-real]

Speed: documents per second and peak RSS writing `--docs` documents to /dev/null (no images/HTML).
Realism: on `--sample` generated documents (and `--job-sample` from a jobs-only mixture), the length distribution (title + "\\n" + text: median,
p10, p90, mean) of escort-like ads (escort, massage, IMB, network) beside
../shared/realdata/backpage-dev.jsonl and of job ads beside ../shared/realdata/emscad-dev.jsonl
(genuine vs legitimate, fraudulent vs deceptive), the ratio synthetic/real of each, and the share of
documents with each generic notation (bench/synth_fit.py's patterns) on both sides. Real files are
read for aggregate figures only.

Measured 2026-12-06 (--docs 100000 --truth --sample 20000, seed 0, 2 shared cores): 4,836 docs per
CPU-second, peak RSS 110 MB; escort-like ads median/p10/p90 435/243/679 characters against
backpage-dev's 423/225/691; jobs genuine 2,648/1,229/4,585 against emscad-dev's 2,618/1,165/4,593,
fraudulent 1,721/604/4,098 against 1,639/533/4,221.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth_fit import NOTATIONS, REAL, _quantiles, _rows

ADS = frozenset({"escort", "massage", "imb", "network"})


def _summary(lengths: list[int]) -> dict[str, float]:
    q = _quantiles(lengths)
    return {"n": len(lengths), "median": q["p50"], "p10": q["p10"], "p90": q["p90"], "mean": q["mean"]}


def _ratio(syn: dict[str, float], real: dict[str, float]) -> dict[str, float]:
    return {k: round(syn[k] / real[k], 3) for k in ("median", "p10", "p90", "mean") if real[k]}


def _full(doc: dict[str, Any]) -> str:
    return (doc.get("title") or "") + "\n" + (doc.get("text") or "")


def realism(sample: int, job_sample: int, seed: int, profile: str, real: bool) -> dict[str, Any]:
    from adtrace.synth import Mixture, generate

    ads: list[str] = []
    jobs: dict[str, list[int]] = {"job_legit": [], "job_deceptive": []}
    for doc, truth in generate(sample, seed=seed, profile=profile):
        if truth["category"] in ADS:
            ads.append(_full(doc))
    # Job ads from a jobs-only mixture (60 % legitimate, like emscad-dev's 40 % fraudulent), so their
    # quantiles rest on thousands of postings, not the ~7 % of the default mixture.
    only_jobs = Mixture(rates={"job_legit": 0.6, "job_deceptive": 0.4})
    for doc, truth in generate(job_sample, seed=seed, mixture=only_jobs, profile=profile):
        jobs[truth["category"]].append(len(_full(doc)))
    out: dict[str, Any] = {"sample": sample, "job_sample": job_sample, "seed": seed, "profile": profile}
    syn_ads = _summary([len(t) for t in ads])
    syn_jobs = {"genuine": _summary(jobs["job_legit"]), "fraudulent": _summary(jobs["job_deceptive"]),
                "all": _summary(jobs["job_legit"] + jobs["job_deceptive"])}
    emoji = re.compile(NOTATIONS["emoji"])
    out["escort_ads"] = {"synthetic": syn_ads,
                         "synthetic_emoji_per_doc_median": _quantiles([len(emoji.findall(t)) for t in ads])["p50"]}
    out["job_ads"] = {"synthetic": syn_jobs}
    rates = {name: round(sum(1 for t in ads if re.search(pat, t)) / max(1, len(ads)), 3)
             for name, pat in NOTATIONS.items()}
    out["notation_rates"] = {"synthetic_escort_ads": rates}
    if real and (REAL / "backpage-dev.jsonl").exists():
        rows = [_full(r) for r in _rows(REAL / "backpage-dev.jsonl")]
        bp = _summary([len(t) for t in rows])
        out["escort_ads"].update({"backpage_dev": bp, "ratio": _ratio(syn_ads, bp)})
        out["notation_rates"]["backpage_dev"] = {
            name: round(sum(1 for t in rows if re.search(pat, t)) / len(rows), 3) for name, pat in NOTATIONS.items()}
    if real and (REAL / "emscad-dev.jsonl").exists():
        em = _rows(REAL / "emscad-dev.jsonl")
        real_jobs = {"genuine": _summary([len(_full(r)) for r in em if r.get("fraudulent") == 0]),
                     "fraudulent": _summary([len(_full(r)) for r in em if r.get("fraudulent") == 1]),
                     "all": _summary([len(_full(r)) for r in em])}
        out["job_ads"].update({"emscad_dev": real_jobs,
                               "ratio": {k: _ratio(syn_jobs[k], real_jobs[k]) for k in real_jobs}})
    return out


def speed(n: int, seed: int, profile: str, with_truth: bool) -> dict[str, Any]:
    from adtrace.synth import write_corpus

    with open(os.devnull, "wb") as out, open(os.devnull, "wb") as truth:
        t0, c0 = time.perf_counter(), time.process_time()
        summary = write_corpus(n, seed, out, truth=truth if with_truth else None, profile=profile)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"docs": summary.documents, "networks": summary.networks, "truth": with_truth, "profile": profile,
            "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2), "docs_per_s": round(summary.documents / wall),
            "docs_per_cpu_s": round(summary.documents / cpu),
            "peak_rss_mb": round(rss / 1024 if sys.platform != "darwin" else rss / 2**20, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=200_000)
    ap.add_argument("--sample", type=int, default=20_000)
    ap.add_argument("--job-sample", type=int, default=4_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--profile", default="realistic")
    ap.add_argument("--truth", action="store_true", help="also write the truth file (to /dev/null)")
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--no-real", action="store_true", help="skip the real dev files")
    args = ap.parse_args()
    out: dict[str, Any] = {}
    if not args.no_speed:
        out["speed"] = speed(args.docs, args.seed, args.profile, args.truth)
    out["realism"] = realism(args.sample, args.job_sample, args.seed, args.profile, not args.no_real)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

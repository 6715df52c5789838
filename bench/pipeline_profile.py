"""Where the pipeline spends its time: docs per CPU-second, and µs per document for each stage.

    .venv/bin/python bench/pipeline_profile.py [--docs 3000] [--seed 5] [--repeat 3] [--real [PATH]]
        [--cprofile N] [--prescan-ab PASSES]

`--real` runs the stage figures on the real backpage-dev ads (../shared/realdata/backpage-dev.jsonl,
read only; only aggregate times are printed) instead of synthetic ones. `--cprofile N` adds the N
functions with the most cumulative and own time over one batched extraction pass (function names and
times only, never text).

Prints one JSON object. Times are CPU time of this process (`time.process_time()`), so other work
on the machine distorts them less than wall time; each figure is the best of `--repeat` runs, each
run on documents no earlier run has seen (another seed), so caches of pure functions (phone
validation, area codes) help only as much as they would on a fresh stream.
"extract"/"process" run one document at a time; the "_batched" figures run `extract_many` /
`process_many` (each stage over a batch of BATCH documents before the next stage), as the CLI,
ingest and the engines do. Stages are measured the batched way, on fresh documents in every run, so
the per-stage figures add up to the whole: each stage is timed once per batch in CPU time of the
process (`time.process_time_ns`: the machine is shared, wall time counted the neighbours). "total" is
their sum. Measured on backpage-dev (`--real --repeat 3`, best of 3, load 10-16) after the issue-17
speed work: extraction 1,744 and 1,600 docs per CPU-second (before: 1,617 and 1,467), extract +
indicate + score 1,237 and 1,241 (before 1,096 and 1,191); per-stage figures in docs/extraction.md.
Second pass (one automaton for indicator phrases and pattern literals, ahocorasick-rs, places folding),
same method, load 6-17: indicate 247 · 213 -> 125 · 138 µs per backpage-dev ad, places 151 · 137 -> 97 ·
106, names 65 · 60 -> 54 · 58; extract + indicate + score 1,096 · 1,187 -> 1,545 · 1,270 docs per CPU-second.
The stage figures call `indicate` directly with the cyclic collector on; the batched figures go through
`Pipeline._batch`, which pauses the collector per batch (tenth pass in docs/extraction.md: on realistic
synthetic, loaded, extract + indicate + score 2,800-3,092 docs per CPU-second against main's 2,690-3,147
beside it). `--prescan-ab PASSES` prints only each stage with the hyperscan pass (adtrace.text.prescan) on and off,
batch by batch alternating in one process (the comparison to trust on a loaded machine; fifth pass in
docs/extraction.md). Everything is warmed on a separate set of documents first (the gazetteer, phone metadata, lexicons
load lazily).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from adtrace.documents import Document
from adtrace.extractors import Context
from adtrace.indicators import indicate
from adtrace.pipeline import BATCH, Pipeline
from adtrace.pipeline.process import RECORD_FIELDS
from adtrace.scoring.rules import score
from adtrace.synth import generate


def _docs(n: int, seed: int) -> list[Document]:
    return [Document.from_dict(d) for d, t in generate(n, seed=seed) if t.get("type", "document") == "document"]


def _each(fn: Callable[[Any], object], items: list[Any]) -> float:
    """CPU seconds per item of `fn` over `items`."""
    start = time.process_time()
    for item in items:
        fn(item)
    return (time.process_time() - start) / len(items)


def _all(fn: Callable[[list[Any]], object], items: list[Any]) -> float:
    """CPU seconds per item of `fn` called once on all `items`."""
    start = time.process_time()
    fn(items)
    return (time.process_time() - start) / len(items)


def _stages(pipe: Pipeline, docs: list[Document]) -> dict[str, float]:
    """Seconds per document of each stage, stage by stage over batches as in `Pipeline.process_many`."""
    clock = time.process_time_ns  # CPU time: the machine is shared
    names = ["normalise"] + [ex.name for ex in pipe.extractors] + ["indicate", "score"]
    total = dict.fromkeys(names, 0)
    for i in range(0, len(docs), BATCH):
        batch = docs[i:i + BATCH]
        ctxs = [Context(doc, default_region=pipe.default_region) for doc in batch]
        for ctx in ctxs:
            ctx.record["id"] = ctx.doc.id
        t0 = clock()
        for ctx in ctxs:
            ctx.view  # noqa: B018  # builds the normalised view
        total["normalise"] += clock() - t0
        for ex in pipe.extractors:
            t0 = clock()
            for ctx in ctxs:
                ex.run(ctx)
            total[ex.name] += clock() - t0
        records = [{"id": c.doc.id, **{f: c.record.get(f, []) for f in RECORD_FIELDS}} for c in ctxs]
        t0 = clock()
        for ctx, record in zip(ctxs, records, strict=True):
            record["indicators"] = indicate(ctx.doc.full_text, record, ctx.doc.kind, ctx.view)
        t1 = clock()
        for record in records:
            score(record)
        total["indicate"] += t1 - t0
        total["score"] += clock() - t1
    out = {k: v / 1e9 / len(docs) for k, v in total.items()}
    out["total"] = sum(out.values())
    return out


def _batched(fn: Callable[[list[Document]], object]) -> Callable[[list[Document]], None]:
    def run(docs: list[Document]) -> None:
        for i in range(0, len(docs), BATCH):
            fn(docs[i:i + BATCH])
    return run


REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "backpage-dev.jsonl"


def _real_docs(path: Path) -> list[Document]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return [Document.from_dict({"id": r["id"], "source": r["source"], "url": r["url"], "title": r["title"],
                                "text": r["text"], "location": r["location_field"]}) for r in rows]


def _cprofile(pipe: Pipeline, docs: list[Document], top: int) -> dict[str, Any]:
    """The `top` functions by cumulative and by own time over one batched extraction pass."""
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    _batched(pipe.extract_many)(docs)
    prof.disable()
    stats = pstats.Stats(prof)
    rows = []
    for (file, line, func), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{Path(file).name}:{line}:{func}" if line else func
        rows.append((where, calls, tottime, cumtime))

    def fmt(r: tuple[str, int, float, float]) -> dict[str, Any]:
        return {"fn": r[0], "calls": r[1], "own_us_per_doc": round(r[2] / len(docs) * 1e6, 1),
                "cum_us_per_doc": round(r[3] / len(docs) * 1e6, 1)}

    return {"by_own": [fmt(r) for r in sorted(rows, key=lambda r: -r[2])[:top]],
            "by_cumulative": [fmt(r) for r in sorted(rows, key=lambda r: -r[3])[:top]]}


def _prescan_ab(pipe: Pipeline, docs: list[Document], passes: int) -> dict[str, dict[str, float]]:
    """µs per document of each stage with the hyperscan pass (adtrace.text.prescan) on and off, in one
    process: batches alternate between the two (and swap at every pass), so the neighbours' load on a
    shared machine falls on both alike. "reference" is the same code with the pass switched off (each
    caller's pure-Python path, as on platforms without hyperscan)."""
    from adtrace.extractors import literals
    from adtrace.text import lowered, prescan

    engine = prescan._hs  # switched off by hiding the engine, as without the wheel
    total: dict[str, dict[str, float]] = {"prescan": {}, "reference": {}}
    counted = dict.fromkeys(total, 0)
    try:
        for p in range(passes):
            for k, i in enumerate(range(0, len(docs), BATCH)):
                mode = "prescan" if (k + p) % 2 == 0 else "reference"
                prescan._hs = engine if mode == "prescan" else None
                for cache in (prescan.scan, literals.present, lowered.lowered):
                    cache.cache_clear()  # every batch starts cold, as a fresh stream does
                batch = docs[i:i + BATCH]
                for name, seconds in _stages(pipe, batch).items():
                    total[mode][name] = total[mode].get(name, 0.0) + seconds * len(batch)
                counted[mode] += len(batch)
    finally:
        prescan._hs = engine
    return {name: {mode: round(total[mode][name] / counted[mode] * 1e6, 1) for mode in total}
            for name in total["prescan"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--real", nargs="?", type=Path, const=REAL, default=None,
                    help="stage figures on the real backpage-dev ads (aggregates only)")
    ap.add_argument("--cprofile", type=int, default=0, metavar="N", help="add the N costliest functions")
    ap.add_argument("--prescan-ab", type=int, default=0, metavar="PASSES",
                    help="only: each stage with the hyperscan pass on and off, batches alternating, PASSES passes")
    args = ap.parse_args()

    pipe = Pipeline()
    for doc in _docs(1500, args.seed + 1000):  # warm: tables, caches of the code paths
        pipe.process(doc)
    if args.prescan_ab:
        docs = _real_docs(args.real) if args.real is not None else _docs(args.docs, args.seed)
        _batched(pipe.process_many)(docs[:4 * BATCH])  # warm on this corpus too (lazy tables it alone needs)
        print(json.dumps({"corpus": args.real.name if args.real is not None else f"synthetic seed {args.seed}",
                          "docs": len(docs), "passes": args.prescan_ab, "cpu": "process_time",
                          "us_per_doc": _prescan_ab(pipe, docs, args.prescan_ab)}, indent=1))
        return
    if args.real is not None:
        real = _real_docs(args.real)
        out_r: dict[str, Any] = {"corpus": args.real.name, "docs": len(real),
                                 "mean_chars": round(sum(len(d.full_text) for d in real) / len(real)),
                                 "cpu": f"process_time, best of {args.repeat} runs"}
        best_r: dict[str, float] = {}
        for _ in range(args.repeat):
            for name, seconds in [("extract_batched", _all(_batched(pipe.extract_many), real)),
                                  ("process_batched", _all(_batched(pipe.process_many), real)),
                                  *_stages(pipe, real).items()]:
                best_r[name] = min(best_r.get(name, float("inf")), seconds)
        out_r["extract_batched_docs_per_cpu_s"] = round(1 / best_r.pop("extract_batched"))
        out_r["process_batched_docs_per_cpu_s"] = round(1 / best_r.pop("process_batched"))
        out_r["us_per_doc"] = {k: round(v * 1e6, 1) for k, v in best_r.items()}
        if args.cprofile:
            out_r["cprofile"] = _cprofile(pipe, real, args.cprofile)
        print(json.dumps(out_r, indent=1))
        return
    seeds = iter(range(args.seed, args.seed + 1000))
    n = args.docs
    best: dict[str, float] = {}

    def keep(name: str, seconds: float) -> None:
        best[name] = min(best.get(name, float("inf")), seconds)

    for _ in range(args.repeat):
        keep("extract", _each(pipe.extract, _docs(n, next(seeds))))
        keep("process", _each(pipe.process, _docs(n, next(seeds))))
        keep("extract_batched", _all(_batched(pipe.extract_many), _docs(n, next(seeds))))
        keep("process_batched", _all(_batched(pipe.process_many), _docs(n, next(seeds))))

        for name, seconds in _stages(pipe, _docs(n, next(seeds))).items():
            keep(name, seconds)

    out: dict[str, Any] = {"docs_per_run": n, "cpu": f"process_time, best of {args.repeat} runs"}
    out["extract_docs_per_cpu_s"] = round(1 / best.pop("extract"))
    out["process_docs_per_cpu_s"] = round(1 / best.pop("process"))
    out["batch"] = BATCH
    out["extract_batched_docs_per_cpu_s"] = round(1 / best.pop("extract_batched"))
    out["process_batched_docs_per_cpu_s"] = round(1 / best.pop("process_batched"))
    out["us_per_doc"] = {k: round(v * 1e6, 1) for k, v in best.items()}
    if args.cprofile:
        out["cprofile"] = _cprofile(pipe, _docs(n, next(seeds)), args.cprofile)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

"""Where the pipeline spends its time: docs per CPU-second, and µs per document for each stage.

    .venv/bin/python bench/pipeline_profile.py [--docs 3000] [--seed 5] [--repeat 3]

Prints one JSON object. Times are CPU time of this process (`time.process_time()`), so other work
on the machine distorts them less than wall time; each figure is the best of `--repeat` runs, each
run on documents no earlier run has seen (another seed), so caches of pure functions (phone
validation, area codes) help only as much as they would on a fresh stream.
"extract"/"process" run one document at a time; the "_batched" figures run `extract_many` /
`process_many` (each stage over a batch of BATCH documents before the next stage), as the CLI,
ingest and the engines do. Stages are measured the batched way, on fresh documents in every run, so
the per-stage figures add up to the whole: each stage is timed once per batch with
`time.perf_counter_ns`; on a quiet machine wall and CPU time agree. "total" is their sum.
Everything is warmed on a separate set of documents first (the gazetteer, phone metadata, lexicons
load lazily).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
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
    clock = time.perf_counter_ns
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    pipe = Pipeline()
    for doc in _docs(1500, args.seed + 1000):  # warm: tables, caches of the code paths
        pipe.process(doc)
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
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

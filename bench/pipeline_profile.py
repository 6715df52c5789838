"""Where the pipeline spends its time: docs per CPU-second, and µs per document for each stage.

    .venv/bin/python bench/pipeline_profile.py [--docs 3000] [--seed 5] [--repeat 3]

Prints one JSON object. Times are CPU time of this process (`time.process_time()`), so other work
on the machine distorts them less than wall time; each figure is the best of `--repeat` runs, each
run on documents no earlier run has seen (another seed), so caches of pure functions (phone
validation, area codes) help only as much as they would on a fresh stream.
Extractors are measured extractor-major: each one runs over every pre-built Context before the
next starts, in pipeline order, so each sees the Record fields it requires. Everything is warmed on
a separate set of documents first (the gazetteer, phone metadata, lexicons load lazily).
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
from adtrace.pipeline import Pipeline
from adtrace.scoring.rules import score
from adtrace.synth import generate
from adtrace.text import normalise


def _docs(n: int, seed: int) -> list[Document]:
    return [Document.from_dict(d) for d, t in generate(n, seed=seed) if t.get("type", "document") == "document"]


def _each(fn: Callable[[Any], object], items: list[Any]) -> float:
    """CPU seconds per item of `fn` over `items`."""
    start = time.process_time()
    for item in items:
        fn(item)
    return (time.process_time() - start) / len(items)


def _contexts(pipe: Pipeline, docs: list[Document]) -> list[Context]:
    return [Context(d, default_region=pipe.default_region) for d in docs]


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

        # Per stage, extractor-major over pre-built Contexts.
        docs = _docs(n, next(seeds))
        keep("normalise", _each(normalise, [d.full_text for d in docs]))
        ctxs = _contexts(pipe, docs)
        for c in ctxs:
            c.record["id"] = c.doc.id
            _ = c.view  # measured above, not charged to the first extractor
        for ex in pipe.extractors:
            keep(ex.name, _each(ex.run, ctxs))
        stages = [(d, *pipe._extract(d)) for d in docs]
        keep("indicate", _each(lambda s: s[1].__setitem__("indicators", indicate(s[0].full_text, s[1], s[0].kind, s[2])),
                               stages))
        keep("score", _each(lambda s: score(s[1]), stages))

    out: dict[str, Any] = {"docs_per_run": n, "cpu": f"process_time, best of {args.repeat} runs"}
    out["extract_docs_per_cpu_s"] = round(1 / best.pop("extract"))
    out["process_docs_per_cpu_s"] = round(1 / best.pop("process"))
    out["us_per_doc"] = {k: round(v * 1e6, 1) for k, v in best.items()}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

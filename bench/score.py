"""Scoring benchmark: throughput of extract+indicate+score, quality on the synthetic truth, and on real data.

    .venv/bin/python bench/score.py [--docs 5000] [--seed 11] [--only synthetic|real] [--model-cv]
    .venv/bin/python bench/score.py --only real --emscad PATH --backpage PATH   # e.g. the kept-back halves

Real data (../shared/realdata, read its README): on EMSCAD job ads, ROC-AUC and PR-AUC of the rule
score (its log-odds, finer than the rounded 0-100 score) for `fraudulent`, how many ads each indicator
fires on and how many of those are fraudulent; with --model-cv, the learned model's cross-validated
figures with near-duplicates (`dup_group`) kept in one fold. On Backpage ads, the share at each level
and how often each indicator fires. Only aggregate figures are printed, never a text.

Prints JSON. "minor" predictions are documents at level `high` with at least one minor.* indicator;
"labor" predictions are `high` with at least one labor.* indicator. False-positive rates are the share
of benign documents (truth `benign`) at or above each level. Throughput is one process, one core, in
CPU seconds of this process (`time.process_time`) and in wall seconds, measured on whatever else the
machine is doing; the pipeline is warmed on other documents first, and Document parsing and corpus
generation stay outside the timed loops.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from adtrace.documents import Document
from adtrace.pipeline import BATCH, Outcome, Pipeline
from adtrace.scoring.rules import logit
from adtrace.synth import generate

REALDATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "realdata"

RANK = {"low": 0, "elevated": 1, "high": 2}


def _pr(pred: list[bool], truth: list[bool]) -> dict[str, Any]:
    tp = sum(p and t for p, t in zip(pred, truth, strict=True))
    fp = sum(p and not t for p, t in zip(pred, truth, strict=True))
    pos = sum(truth)
    return {"positives": pos, "flagged": tp + fp,
            "precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "recall": round(tp / pos, 4) if pos else None}


def _fpr(levels: list[str]) -> dict[str, Any]:
    n = len(levels)
    return {"documents": n, **{f"at_or_above_{lv}": round(sum(RANK[x] >= RANK[lv] for x in levels) / n, 4) if n else None
                               for lv in ("elevated", "high")}}


def _documents(n: int, seed: int) -> list[tuple[Document, dict[str, Any]]]:
    return [(Document.from_dict(d), t) for d, t in generate(n, seed=seed) if t.get("type", "document") == "document"]


def _summary(record: dict[str, Any]) -> tuple[str, set[str], tuple[str, ...]]:
    """(level, indicator categories, indicator ids): all the quality figures read from a Record."""
    return record["risk"]["level"], {i["category"] for i in record["indicators"]}, tuple(i["id"] for i in record["indicators"])


def _ok(record: Outcome) -> dict[str, Any]:
    assert not isinstance(record, Exception), record
    return record


def _rows(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def _records(pipe: Pipeline, docs: list[Document]) -> list[dict[str, Any]]:
    return [_ok(r) for i in range(0, len(docs), BATCH) for r in pipe.process_many(docs[i:i + BATCH])]


def _levels(records: list[dict[str, Any]]) -> dict[str, float]:
    n = len(records)
    c = Counter(r["risk"]["level"] for r in records)
    return {lv: round(c[lv] / n, 4) for lv in RANK} if n else {}


def _grouped_bootstrap(ys: list[int], scores: list[float], groups: list[str], reps: int = 2000,
                       seed: int = 0) -> list[float]:
    """Percentile 95 % interval of ROC-AUC over `reps` resamples of whole groups (near-duplicates move
    together, as in the cross-validation), so the dev half's figure says how much it could move on the
    kept-back half from sampling alone (not from rules fitted to this file: that only lowers it)."""
    import numpy as np
    from sklearn.metrics import roc_auc_score

    y, s = np.asarray(ys), np.asarray(scores, dtype=float)
    names, inverse = np.unique(np.asarray(groups), return_inverse=True)
    members = [np.flatnonzero(inverse == g) for g in range(len(names))]
    rng = np.random.default_rng(seed)
    aucs = []
    for _ in range(reps):
        idx = np.concatenate([members[g] for g in rng.integers(0, len(members), len(members))])
        if 0 < y[idx].sum() < len(idx):
            aucs.append(roc_auc_score(y[idx], s[idx]))
    low, high = np.percentile(aucs, [2.5, 97.5])
    return [round(float(low), 4), round(float(high), 4)]


def emscad(pipe: Pipeline, path: Path, model_cv: bool) -> dict[str, Any]:
    """The rule score against EMSCAD's `fraudulent` label (1 = deceptive posting)."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    rows = _rows(path)
    docs = [Document.from_dict({"id": r["id"], "source": r.get("source") or "emscad", "kind": "job",
                                "title": r.get("title"), "text": r.get("text") or ""}) for r in rows]
    records = _records(pipe, docs)
    ys = [int(r["fraudulent"]) for r in rows]
    logits = [logit(rec["indicators"]) for rec in records]
    fired: dict[str, Counter[int]] = {}
    for rec, y in zip(records, ys, strict=True):
        for ind in {i["id"] for i in rec["indicators"]}:
            fired.setdefault(ind, Counter())[y] += 1
    by_level: dict[str, Counter[int]] = {}
    for rec, y in zip(records, ys, strict=True):
        by_level.setdefault(rec["risk"]["level"], Counter())[y] += 1
    out: dict[str, Any] = {
        "file": path.name, "documents": len(rows), "fraudulent": sum(ys),
        "rules_roc_auc": round(float(roc_auc_score(ys, logits)), 4),
        "rules_pr_auc": round(float(average_precision_score(ys, logits)), 4),
        # How far another sample of the same size could fall: 95 % interval, resampling whole dup_groups.
        "rules_roc_auc_95ci": _grouped_bootstrap(ys, logits, [str(r["dup_group"]) for r in rows]),
        "pr_auc_of_chance": round(sum(ys) / len(ys), 4),
        "ads_with_any_indicator": sum(1 for rec in records if rec["indicators"]),
        "fraudulent_with_any_indicator": sum(1 for rec, y in zip(records, ys, strict=True) if y and rec["indicators"]),
        "ads_with_a_labor_indicator": sum(1 for rec in records if any(i["category"] == "labor" for i in rec["indicators"])),
        "levels": {lv: {"ads": sum(c.values()), "fraudulent": c[1]} for lv, c in sorted(by_level.items(), key=lambda kv: RANK[kv[0]])},
        # Per indicator: ads it fires on, how many of them are fraudulent (its precision on this file),
        # and the rule score's ROC-AUC with that indicator left out (how much the figure leans on it).
        "indicators": {k: {"ads": c[0] + c[1], "fraudulent": c[1],
                           "roc_auc_without": round(float(roc_auc_score(
                               ys, [logit(i for i in rec["indicators"] if i["id"] != k) for rec in records])), 4)}
                       for k, c in sorted(fired.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))},
    }
    if model_cv:
        from adtrace.scoring.evaluate import cross_validate

        texts = [d.full_text for d in docs]
        levels = [rec["risk"]["level"] for rec in records]
        cv = cross_validate(texts, logits, levels, ys, folds=5, groups=[str(r["dup_group"]) for r in rows])
        out["model_grouped_cv"] = {"folds": cv["folds"], "grouped_by": "dup_group", **(cv["model"] or {})}
        # The queue's order once the app has learned: rule score and out-of-fold probability combined.
        out["queue_order_grouped_cv"] = cv.get("combined")
    return out


def backpage(pipe: Pipeline, path: Path) -> dict[str, Any]:
    """Real adult ads without an outcome label: how the levels and indicators fall on them."""
    rows = _rows(path)
    docs = [Document.from_dict({"id": r["id"], "source": r.get("source") or "backpage", "title": r.get("title"),
                                "text": r.get("text") or "", "location": r.get("location_field")}) for r in rows]
    records = _records(pipe, docs)
    n = len(records)
    counts = Counter(i for rec in records for i in {x["id"] for x in rec["indicators"]})
    return {"file": path.name, "documents": n, "levels": _levels(records),
            "indicators": {k: {"ads": c, "share": round(c / n, 4)} for k, c in counts.most_common()}}


def real(model_cv: bool, paths: dict[str, Path | None] | None = None) -> dict[str, Any]:
    """`paths`: another file per corpus (the kept-back halves are measured by the same code); the dev
    halves in ../shared/realdata by default."""
    pipe = Pipeline()
    out: dict[str, Any] = {}
    for name, fn in (("emscad", lambda p: emscad(pipe, p, model_cv)), ("backpage", lambda p: backpage(pipe, p))):
        path = (paths or {}).get(name) or REALDATA / f"{name}-dev.jsonl"
        out[f"real_{name}"] = fn(path) if path.is_file() else {"skipped": f"{path} not found"}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--only", choices=("synthetic", "real"), help="Run one half of the bench.")
    ap.add_argument("--model-cv", action="store_true", help="Also cross-validate the learned model on EMSCAD.")
    ap.add_argument("--emscad", type=Path, help="EMSCAD JSONL to measure (default: ../shared/realdata/emscad-dev.jsonl)")
    ap.add_argument("--backpage", type=Path, help="Backpage JSONL to measure (default: the dev half)")
    args = ap.parse_args()
    out: dict[str, Any] = {} if args.only == "real" else synthetic(args.docs, args.seed)
    if args.only != "synthetic":
        out.update(real(args.model_cv, {"emscad": args.emscad, "backpage": args.backpage}))
    print(json.dumps(out, indent=2))


def synthetic(n: int, seed: int) -> dict[str, Any]:
    args = argparse.Namespace(docs=n, seed=seed)
    pairs = _documents(args.docs, args.seed)
    pipe = Pipeline()
    # Warm on other documents: lexicons, the gazetteer and the code paths load lazily, and a warm-up
    # on the measured documents would fill the phone and area-code caches with their very numbers.
    for doc, _ in _documents(1000, args.seed + 1000):
        pipe.process(doc)
    # CPU time of this process: less distorted than wall time when other work shares the cores.
    # The timed loop keeps only what the quality figures need: holding every full Record made the
    # collector walk thousands of live dicts on each full collection, a cost of this bench, not of
    # the pipeline (the CLI writes each Record out and drops it).
    start, wall = time.process_time(), time.perf_counter()
    # In batches, as `adtrace score`, ingest and the engines run it (stage by stage per batch).
    docs = [doc for doc, _ in pairs]
    summaries = [_summary(_ok(r)) for i in range(0, len(docs), BATCH) for r in pipe.process_many(docs[i:i + BATCH])]
    elapsed, wall = time.process_time() - start, time.perf_counter() - wall
    # Extraction alone, on fresh documents of the same mixture (another seed), for the same reason.
    fresh = [doc for doc, _ in _documents(args.docs, args.seed + 2000)]
    extract_start, extract_wall = time.process_time(), time.perf_counter()
    for i in range(0, len(fresh), BATCH):
        pipe.extract_many(fresh[i:i + BATCH])
    extract_elapsed, extract_wall = time.process_time() - extract_start, time.perf_counter() - extract_wall

    truths = [t for _, t in pairs]
    levels = [lv for lv, _, _ in summaries]
    cats = [c for _, c, _ in summaries]
    minor_pred = [lv == "high" and "minor" in c for lv, c in zip(levels, cats, strict=True)]
    labor_pred = [lv == "high" and "labor" in c for lv, c in zip(levels, cats, strict=True)]
    jobs = [i for i, t in enumerate(truths) if t["category"] in ("job_legit", "job_deceptive")]
    by_cat: dict[str, Counter[str]] = {}
    for t, lv in zip(truths, levels, strict=True):
        by_cat.setdefault(t["category"], Counter())[lv] += 1
    out = {
        "documents": len(pairs),
        "seed": args.seed,
        "docs_per_cpu_s_extract_indicate_score": round(len(pairs) / elapsed, 1),
        "docs_per_wall_s_extract_indicate_score": round(len(pairs) / wall, 1),
        "docs_per_cpu_s_extract_only": round(len(fresh) / extract_elapsed, 1),
        "docs_per_wall_s_extract_only": round(len(fresh) / extract_wall, 1),
        "minor": {**_pr(minor_pred, [bool(t["minor"]) for t in truths]),
                  "recall_any_level_high": _pr([lv == "high" for lv in levels], [bool(t["minor"]) for t in truths])["recall"]},
        "benign_false_positive_rate": _fpr([lv for lv, t in zip(levels, truths, strict=True) if t["benign"]]),
        "labor": _pr([labor_pred[i] for i in jobs], [bool(truths[i]["labor_deception"]) for i in jobs]),
        "legit_jobs_false_positive_rate": _fpr([levels[i] for i in jobs if not truths[i]["labor_deception"]]),
        "levels_by_category": {k: dict(v) for k, v in sorted(by_cat.items())},
        "indicator_counts": dict(Counter(i for _, _, ids in summaries for i in ids).most_common()),
        "note": "measured while other processes shared the CPU",
    }
    return out


if __name__ == "__main__":
    main()

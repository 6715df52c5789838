"""Which learned-model configuration ranks real job ads best: grouped cross-validation on EMSCAD dev.

    .venv/bin/python bench/model_variants.py [--seeds 0 1 2] [--only NAME ...]
    .venv/bin/python bench/model_variants.py --fit-synthetic 20000   # fit time of the model in use

Each variant is fitted on the training folds only (vectorizer, and C when it is chosen by an inner
cross-validation on those folds) and scored on the held-out fold; near-duplicates (`dup_group`) stay
in one fold, outer and inner. Several fold seeds, because on 1,020 ads one split's ROC-AUC moves by
about as much as the differences measured here. Prints JSON: ROC-AUC and PR-AUC per variant (seed 0
is the split `bench/score.py --model-cv` uses, and the mean over seeds) and fit seconds. Only
aggregate figures, never a text. The variants are a short, fixed list of standard text-classification
configurations (not a search): the point is to pick a well-motivated one, not the best of many.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedGroupKFold
from sklearn.pipeline import FeatureUnion

from adtrace.documents import Document

REALDATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "realdata"
TOKENS = r"(?u)\b\w\w+\b"
C_GRID = [1.0, 4.0, 16.0, 64.0]  # a factor of 4 apart: inner CV multiplies the fit cost by 3 x len(C_GRID)


def words(ngrams: tuple[int, int] = (1, 3)) -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=ngrams, min_df=2, max_features=100_000, sublinear_tf=True,
                           token_pattern=TOKENS)


def chars() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, max_features=200_000,
                           sublinear_tf=True)


def union() -> FeatureUnion:
    return FeatureUnion([("words", words((1, 2))), ("chars", chars())])


Fit = Callable[[list[str], list[int], list[str], Any], Callable[[list[str], Any], np.ndarray]]


def linear(make_vec: Callable[[], Any], c: float | None, balanced: bool = True, extra: bool = False) -> Fit:
    """TF-IDF (+ optional extra columns) + logistic regression; c None: C by inner grouped CV."""

    def fit(texts: list[str], y: list[int], groups: list[str], x_extra: Any) -> Callable[[list[str], Any], np.ndarray]:
        vec = make_vec()
        x = vec.fit_transform(texts)
        if extra:
            x = hstack([x, x_extra], format="csr")
        weight = "balanced" if balanced else None
        if c is None:
            inner = StratifiedGroupKFold(n_splits=3, shuffle=True, random_state=1)
            search = GridSearchCV(LogisticRegression(class_weight=weight, max_iter=3000), {"C": C_GRID},
                                  scoring="roc_auc", cv=inner)
            search.fit(x, y, groups=groups)
            clf = search.best_estimator_
            fit.chosen.append(search.best_params_["C"])  # type: ignore[attr-defined]
        else:
            clf = LogisticRegression(C=c, class_weight=weight, max_iter=3000).fit(x, y)

        def proba(t: list[str], e: Any) -> np.ndarray:
            xt = vec.transform(t)
            if extra:
                xt = hstack([xt, e], format="csr")
            return np.asarray(clf.predict_proba(xt)[:, 1])

        return proba

    fit.chosen = []  # type: ignore[attr-defined]
    return fit


def nb_scaled(c: float) -> Fit:
    """NB-LR (Wang & Manning 2012): each TF-IDF column scaled by its naive-Bayes log-count ratio, then LR."""

    def fit(texts: list[str], y: list[int], groups: list[str], x_extra: Any) -> Callable[[list[str], Any], np.ndarray]:
        vec = words()
        x = vec.fit_transform(texts)
        ya = np.asarray(y)
        p = np.asarray(x[ya == 1].sum(axis=0)).ravel() + 1.0
        q = np.asarray(x[ya == 0].sum(axis=0)).ravel() + 1.0
        r = np.log((p / p.sum()) / (q / q.sum()))
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(x.multiply(r).tocsr(), y)
        return lambda t, e: np.asarray(clf.predict_proba(vec.transform(t).multiply(r).tocsr())[:, 1])

    return fit


def average(*fits: Fit) -> Fit:
    """Mean probability of several models (each fitted on the same training folds)."""

    def fit(texts: list[str], y: list[int], groups: list[str], x_extra: Any) -> Callable[[list[str], Any], np.ndarray]:
        parts = [f(texts, y, groups, x_extra) for f in fits]
        return lambda t, e: np.mean([p(t, e) for p in parts], axis=0)

    return fit


VARIANTS: dict[str, Callable[[], Fit]] = {
    "words13_C16 (current)": lambda: linear(words, 16.0),
    "words13_C16_unweighted": lambda: linear(words, 16.0, balanced=False),
    "words13_innerC": lambda: linear(words, None),
    "words13_C16_indicators": lambda: linear(words, 16.0, extra=True),
    "words12+char_wb35_C16": lambda: linear(union, 16.0),
    "words12+char_wb35_innerC": lambda: linear(union, None),
    "char_wb35_C16": lambda: linear(chars, 16.0),
    "nb_lr_words13_C16": lambda: nb_scaled(16.0),
    "mean(words13_C16, char_wb35_C16)": lambda: average(linear(words, 16.0), linear(chars, 16.0)),
}


def indicator_matrix(path: Path, docs: list[Document]) -> csr_matrix:
    """One 0/1 column per indicator id that fires on the document (the rules' reading, as features)."""
    from adtrace.pipeline import BATCH, Pipeline

    pipe = Pipeline()
    ids: list[set[str]] = []
    for i in range(0, len(docs), BATCH):
        for rec in pipe.process_many(docs[i:i + BATCH]):
            assert not isinstance(rec, Exception), rec
            ids.append({x["id"] for x in rec["indicators"]})
    names = sorted(set().union(*ids))
    col = {n: j for j, n in enumerate(names)}
    rows = [(i, col[n]) for i, s in enumerate(ids) for n in s]
    data = np.ones(len(rows))
    return csr_matrix((data, ([r for r, _ in rows], [c for _, c in rows])), shape=(len(docs), len(names)))


def fit_synthetic(n: int) -> dict[str, Any]:
    """CPU seconds and peak RSS of `adtrace.scoring.model.fit` (what `adtrace train` and the app's learner
    run) on n synthetic documents labelled 1 when not benign; the texts are generated, not timed."""
    import resource

    from adtrace.scoring import model as learned
    from adtrace.synth import generate

    pairs = [(Document.from_dict(d), t) for d, t in generate(n, seed=5) if t.get("type", "document") == "document"]
    texts = [d.full_text for d, _ in pairs]
    labels = [0 if t["benign"] else 1 for _, t in pairs]
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.process_time()
    learned.fit(texts, [0.0] * len(texts), labels)
    return {"synthetic_documents": len(texts), "positives": sum(labels), "fit_cpu_s": round(time.process_time() - t, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "peak_rss_mb_before_fit": round(rss0 / 1024, 1), "note": "CPU seconds on a shared, loaded machine"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fit-synthetic", type=int, default=0, help="time the model in use on N synthetic documents")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--only", nargs="*", default=None, help="variant names (default: all)")
    args = ap.parse_args()
    if args.fit_synthetic:
        print(json.dumps(fit_synthetic(args.fit_synthetic), indent=2))
        return
    path = REALDATA / "emscad-dev.jsonl"
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    docs = [Document.from_dict({"id": r["id"], "source": r.get("source") or "emscad", "kind": "job",
                                "title": r.get("title"), "text": r.get("text") or ""}) for r in rows]
    texts = [d.full_text for d in docs]
    y = np.array([int(r["fraudulent"]) for r in rows])
    groups = np.array([str(r["dup_group"]) for r in rows])
    wanted = [n for n in VARIANTS if not args.only or n in args.only]
    extra = indicator_matrix(path, docs) if any("indicators" in n for n in wanted) else csr_matrix((len(docs), 0))
    out: dict[str, Any] = {"file": path.name, "documents": len(rows), "positives": int(y.sum()),
                           "seeds": args.seeds, "variants": {}}
    for name in wanted:
        make = VARIANTS[name]
        rocs: list[float] = []
        prs: list[float] = []
        fit_s: list[float] = []
        chosen: list[float] = []
        for seed in args.seeds:
            oof = np.zeros(len(y))
            for train, test in StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=seed).split(texts, y, groups):
                f = make()
                t = time.process_time()
                proba = f([texts[i] for i in train], list(y[train]), list(groups[train]), extra[train])
                fit_s.append(time.process_time() - t)
                oof[test] = proba([texts[i] for i in test], extra[test])
                chosen += getattr(f, "chosen", [])
            rocs.append(float(roc_auc_score(y, oof)))
            prs.append(float(average_precision_score(y, oof)))
        out["variants"][name] = {
            "roc_auc_seed0": round(rocs[0], 4), "roc_auc_mean": round(statistics.fmean(rocs), 4),
            "roc_auc_per_seed": [round(r, 4) for r in rocs],
            "pr_auc_seed0": round(prs[0], 4), "pr_auc_mean": round(statistics.fmean(prs), 4),
            "fit_cpu_s_per_fold": round(statistics.fmean(fit_s), 2),
            **({"inner_cv_C": dict(sorted((str(c), chosen.count(c)) for c in set(chosen)))} if chosen else {}),
        }
        print(json.dumps({name: out["variants"][name]}), flush=True)
    out["note"] = "CPU seconds on a shared, loaded machine"
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

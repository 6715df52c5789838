"""Does training on the app's masked labels export change the learned model? Real job ads, grouped CV.

    .venv/bin/python bench/model_masking.py [--seeds 0 1 2] [--emscad PATH]

The app's **Export decisions as training labels** masks each ad's identifiers (`[phone 3fa9c1]`, and
capitalised given names as `[name ...]`) with one `Masker` per export, as case exports do;
`adtrace train --labels` then learns from those texts, while `adtrace score --model` and the app's own
learner see ads as written. Three arms on the same grouped outer folds (near-duplicates in one fold,
fold seeds as `bench/model_variants.py`), the model in use (`adtrace.scoring.model.fit`) each time:

- `raw_raw`: trained and scored on the texts as written (the app's background learner);
- `masked_raw`: trained on masked texts, scored on texts as written (export -> `adtrace train` -> score);
- `masked_masked`: both masked (what a model fed only exports would see).

Prints JSON: ROC-AUC per arm and seed, means, and how many training ads masking changed. Aggregates
only, never a text.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold

from adtrace.cases.redaction import Masker
from adtrace.documents import Document
from adtrace.pipeline import BATCH, Pipeline
from adtrace.scoring import model as learned

REALDATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "realdata"


def masked_texts(docs: list[Document]) -> list[str]:
    """Each ad's title and text masked as the labels export masks them (one Masker for the whole export)."""
    pipe, masker, out = Pipeline(), Masker(True), []
    for i in range(0, len(docs), BATCH):
        chunk = docs[i:i + BATCH]
        for doc, rec in zip(chunk, pipe.process_many(chunk), strict=True):
            assert not isinstance(rec, Exception), rec
            title, text = masker.document(rec, doc)
            out.append(f"{title}\n{text}" if doc.title else text)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--emscad", type=Path, default=REALDATA / "emscad-dev.jsonl")
    args = ap.parse_args()
    rows = [orjson.loads(line) for line in args.emscad.read_bytes().splitlines() if line.strip()]
    docs = [Document.from_dict({"id": r["id"], "source": r.get("source") or "emscad", "kind": "job",
                                "title": r.get("title"), "text": r.get("text") or ""}) for r in rows]
    raw = [d.full_text for d in docs]
    masked = masked_texts(docs)
    y = np.array([int(r["fraudulent"]) for r in rows])
    groups = np.array([str(r["dup_group"]) for r in rows])
    arms = {"raw_raw": (raw, raw), "masked_raw": (masked, raw), "masked_masked": (masked, masked)}
    out: dict[str, Any] = {"file": args.emscad.name, "documents": len(y),
                           "ads_changed_by_masking": sum(a != b for a, b in zip(raw, masked, strict=True)),
                           "seeds": args.seeds, "arms": {}}
    for name, (train_texts, test_texts) in arms.items():
        rocs = []
        for seed in args.seeds:
            oof = np.zeros(len(y))
            for train, test in StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=seed).split(raw, y, groups):
                m = learned.fit([train_texts[i] for i in train], [0.0] * len(train), list(y[train]))
                oof[test] = m.probability([test_texts[i] for i in test], [0.0] * len(test))
            rocs.append(float(roc_auc_score(y, oof)))
        out["arms"][name] = {"roc_auc_mean": round(statistics.fmean(rocs), 4),
                             "roc_auc_per_seed": [round(r, 4) for r in rocs]}
        print(json.dumps({name: out["arms"][name]}), flush=True)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

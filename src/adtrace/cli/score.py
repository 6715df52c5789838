"""`adtrace score`, `adtrace train`, `adtrace evaluate`: indicators, risk levels, learning from labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import typer

from adtrace.cli.extract import (
    ERRORS_FILE,
    FMT,
    ID_COL,
    IN_FORMAT,
    INPUTS,
    MAX_LINE_BYTES,
    ON_ERROR,
    OUT,
    PROFILES,
    REGION,
    TEXT_COL,
    TITLE_COL,
    URL_COL,
    load_profiles,
    source_options,
    write_records,
)
from adtrace.cli.io import ReadSummary, documents, err_console, progress
from adtrace.cli.main import app
from adtrace.documents import Document
from adtrace.i18n import gettext
from adtrace.pipeline import Outcome, Pipeline
from adtrace.sources import Options

LABELS = typer.Option(..., "--labels", help="CSV with columns id (or text) and label (1 = look first, 0 = benign); "
                      "an optional group column keeps each group in one cross-validation fold.")
CORPUS = typer.Option(None, "--corpus", help="Documents the label ids refer to (.jsonl/.csv); repeatable.")


@app.command("score")
def score_cmd(
    inputs: list[str] = INPUTS, out: str = OUT, fmt: str = FMT, in_format: str = IN_FORMAT,
    text_col: str = TEXT_COL, title_col: str = TITLE_COL, id_col: str = ID_COL, url_col: str = URL_COL,
    region: str = REGION, on_error: str = ON_ERROR, errors_file: str = ERRORS_FILE,
    max_line_bytes: int = MAX_LINE_BYTES, profiles: list[Path] = PROFILES,
    model_path: str = typer.Option(None, "--model", help="A model from `adtrace train`: adds risk.model."),
) -> None:
    """Extract entities, fire indicators and score risk. A level means 'indicators present', never a verdict."""
    load_profiles(profiles)
    opts = source_options(text_col, title_col, id_col, url_col, in_format, max_line_bytes)
    pipe = Pipeline(default_region=region.upper())
    model = _load_model(model_path)

    def make(docs: list[Document]) -> list[Outcome]:
        records = pipe.process_many(docs)
        if model is not None:
            for doc, record in zip(docs, records, strict=True):
                if not isinstance(record, Exception):
                    _add_model(model, doc, record)
        return records

    write_records(inputs, out, fmt, opts, on_error, errors_file, gettext("scoring"), make)


def _load_model(path: str | None) -> Any:
    if not path:
        return None
    from adtrace.scoring import model as learned

    return learned.load(path)


def _add_model(model: Any, doc: Document, record: dict[str, Any]) -> None:
    from adtrace.scoring.rules import logit

    rule = logit(record.get("indicators") or [])
    p = model.probability([doc.full_text], [rule])[0]
    record["risk"]["model"] = {"probability": round(p, 4), "terms": model.explain(doc.full_text, rule)}


def _labelled(labels: str, corpus: list[str] | None, region: str) -> tuple[list[str], list[float], list[str], list[int]]:
    """Texts, rule logits, rule levels and labels of the labelled documents."""
    from adtrace.scoring.labels import read_labels
    from adtrace.scoring.rules import logit

    docs: list[Document] = []
    if corpus:
        docs = list(documents(corpus, Options(), "fail", None, ReadSummary()))
    pairs = read_labels(labels, docs)
    pipe = Pipeline(default_region=region.upper())
    texts, logits, levels, ys = [], [], [], []
    with progress(gettext("scoring labelled documents"), len(pairs)) as bar:
        for doc, y in pairs:
            record = pipe.process(doc)
            texts.append(doc.full_text)
            logits.append(logit(record["indicators"]))
            levels.append(record["risk"]["level"])
            ys.append(y)
            bar.advance()
    return texts, logits, levels, ys


@app.command("train")
def train_cmd(
    labels: str = LABELS,
    corpus: list[str] = CORPUS,
    out: str = typer.Option("model.skops", "-o", "--output", help="Where to save the model (skops format)."),
    region: str = REGION,
) -> None:
    """Train a TF-IDF + logistic-regression model on analyst labels, combined with the rule score."""
    from adtrace.scoring import model as learned

    texts, logits, _, ys = _labelled(labels, corpus, region)
    m = learned.fit(texts, logits, ys)
    learned.save(m, out)
    err_console.print(gettext("trained on %(n)s documents (%(positive)s positive); saved %(out)s")
                      % {"n": f"{len(ys):,}", "positive": f"{sum(ys):,}", "out": out}, highlight=False)


@app.command("evaluate")
def evaluate_cmd(
    labels: str = LABELS,
    corpus: list[str] = CORPUS,
    folds: int = typer.Option(5, help="Cross-validation folds."),
    region: str = REGION,
) -> None:
    """Cross-validated precision, recall, PR-AUC, ROC-AUC, and the false-positive rate at each level.

    A `group` column in the labels keeps each group (e.g. near-duplicates) inside one fold.
    """
    from adtrace.scoring.evaluate import cross_validate
    from adtrace.scoring.labels import label_groups

    texts, logits, levels, ys = _labelled(labels, corpus, region)
    result = cross_validate(texts, logits, levels, ys, folds=folds, groups=label_groups(labels))
    typer.echo(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())

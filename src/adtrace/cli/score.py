"""`adtrace score`, `adtrace train`, `adtrace evaluate`: indicators, risk levels, learning from labels."""

from __future__ import annotations

from typing import Any

import orjson
import typer

from adtrace.cli.extract import INPUTS, _count_lines, source_options
from adtrace.cli.io import CsvWriter, ReadSummary, documents, err_console, output, progress, write_jsonl
from adtrace.cli.main import app
from adtrace.documents import Document
from adtrace.pipeline import Pipeline
from adtrace.sources import Options

LABELS = typer.Option(..., "--labels", help="CSV with columns id (or text) and label (1 = look first, 0 = benign).")
CORPUS = typer.Option(None, "--corpus", help="Documents the label ids refer to (.jsonl/.csv); repeatable.")
REGION = typer.Option("US", help="Phone region when the text names no country (ISO code).")


@app.command("score")
def score_cmd(
    inputs: list[str] = INPUTS,
    out: str = typer.Option("-", "-o", "--output", help="Where to write Records (default stdout)."),
    fmt: str = typer.Option("jsonl", "--format", help="Output format: jsonl or csv."),
    in_format: str = typer.Option(None, "--input-format", help="Force the input reader: jsonl or csv."),
    text_col: str = typer.Option("text", help="CSV column holding the ad body."),
    title_col: str = typer.Option("title", help="CSV column holding the title."),
    id_col: str = typer.Option("id", help="CSV column holding the document id."),
    url_col: str = typer.Option("url", help="CSV column holding the URL."),
    region: str = REGION,
    on_error: str = typer.Option("skip", help="A bad input line: 'skip' (log and count it) or 'fail'."),
    errors_file: str = typer.Option(None, help="Write skipped lines here as JSONL (file, line, reason)."),
    max_line_bytes: int = typer.Option(8 * 1024 * 1024, help="Refuse input lines longer than this."),
    model_path: str = typer.Option(None, "--model", help="A model from `adtrace train`: adds risk.model."),
) -> None:
    """Extract entities, fire indicators and score risk. A level means 'indicators present', never a verdict."""
    if fmt not in ("jsonl", "csv"):
        raise typer.BadParameter("use jsonl or csv", param_hint="--format")
    opts = source_options(text_col, title_col, id_col, url_col, in_format, max_line_bytes)
    pipe = Pipeline(default_region=region.upper())
    model = _load_model(model_path)
    summary = ReadSummary()
    with output(out) as fh, progress("scoring", _count_lines(inputs)) as bar:
        writer = CsvWriter(fh) if fmt == "csv" else None
        for doc in documents(inputs, opts, on_error, errors_file, summary):
            record = pipe.process(doc)
            if model is not None:
                _add_model(model, doc, record)
            if writer:
                writer.write(record)
            else:
                write_jsonl(fh, record)
            bar.advance()
        if writer:
            writer.close()
    err_console.print(summary.line(), highlight=False)


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
    with progress("scoring labelled documents", len(pairs)) as bar:
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
    err_console.print(f"trained on {len(ys):,} documents ({sum(ys):,} positive); saved {out}", highlight=False)


@app.command("evaluate")
def evaluate_cmd(
    labels: str = LABELS,
    corpus: list[str] = CORPUS,
    folds: int = typer.Option(5, help="Cross-validation folds."),
    region: str = REGION,
) -> None:
    """Cross-validated precision, recall, PR-AUC, ROC-AUC, and the false-positive rate at each level."""
    from adtrace.scoring.evaluate import cross_validate

    texts, logits, levels, ys = _labelled(labels, corpus, region)
    result = cross_validate(texts, logits, levels, ys, folds=folds)
    typer.echo(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())

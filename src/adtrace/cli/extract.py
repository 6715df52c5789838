"""`adtrace extract`: Records with entities and spans, one per document."""

from __future__ import annotations

from pathlib import Path

import typer

from adtrace.cli.io import CsvWriter, ReadSummary, documents, err_console, output, progress, write_jsonl
from adtrace.cli.main import app
from adtrace.pipeline import Pipeline
from adtrace.sources import Options

INPUTS = typer.Argument(None, help="Files to read (.jsonl, .csv, optionally .gz); '-' or nothing for stdin.")


def source_options(text_col: str, title_col: str, id_col: str, url_col: str, fmt: str | None,
                   max_line_bytes: int) -> Options:
    return Options(text_col=text_col, title_col=title_col, id_col=id_col, url_col=url_col, format=fmt,
                   max_line_bytes=max_line_bytes)


@app.command("extract")
def extract_cmd(
    inputs: list[str] = INPUTS,
    out: str = typer.Option("-", "-o", "--output", help="Where to write Records (default stdout)."),
    fmt: str = typer.Option("jsonl", "--format", help="Output format: jsonl or csv."),
    in_format: str = typer.Option(None, "--input-format", help="Force the input reader: jsonl or csv."),
    text_col: str = typer.Option("text", help="CSV column holding the ad body."),
    title_col: str = typer.Option("title", help="CSV column holding the title."),
    id_col: str = typer.Option("id", help="CSV column holding the document id."),
    url_col: str = typer.Option("url", help="CSV column holding the URL."),
    region: str = typer.Option("US", help="Phone region when the text names no country (ISO code)."),
    on_error: str = typer.Option("skip", help="A bad input line: 'skip' (log and count it) or 'fail'."),
    errors_file: str = typer.Option(None, help="Write skipped lines here as JSONL (file, line, reason)."),
    max_line_bytes: int = typer.Option(8 * 1024 * 1024, help="Refuse input lines longer than this."),
) -> None:
    """Extract phones, emails, handles, URLs, ages, prices, places, payments and names."""
    if fmt not in ("jsonl", "csv"):
        raise typer.BadParameter("use jsonl or csv", param_hint="--format")
    opts = source_options(text_col, title_col, id_col, url_col, in_format, max_line_bytes)
    pipe = Pipeline(default_region=region.upper())
    summary = ReadSummary()
    total = _count_lines(inputs)
    with output(out) as fh, progress("extracting", total) as bar:
        writer = CsvWriter(fh) if fmt == "csv" else None
        for doc in documents(inputs, opts, on_error, errors_file, summary):
            record = pipe.extract(doc)
            if writer:
                writer.write(record)
            else:
                write_jsonl(fh, record)
            bar.advance()
        if writer:
            writer.close()
    err_console.print(summary.line(), highlight=False)


def _count_lines(inputs: list[str] | None) -> int | None:
    """Total for the progress bar, only for small plain files (never worth a second pass on big ones)."""
    if not inputs or not err_console.is_terminal:
        return None
    total = 0
    for p in inputs:
        path = Path(p)
        if p == "-" or p.endswith(".gz") or not path.is_file() or path.stat().st_size > 200_000_000:
            return None
        with path.open("rb") as fh:
            total += sum(1 for _ in fh)
    return total

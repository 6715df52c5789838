"""`adtrace extract`: Records with entities and spans, one per document."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from adtrace.cli.io import CsvWriter, ReadSummary, documents, err_console, output, progress, write_jsonl
from adtrace.cli.main import app
from adtrace.documents import Document
from adtrace.i18n import gettext
from adtrace.pipeline import Outcome, Pipeline, batches
from adtrace.sources import Options

if TYPE_CHECKING:
    from adtrace.sources.profiles import Profile

INPUTS = typer.Argument(None, help="Files to read (.jsonl, .csv, optionally .gz); '-' or nothing for stdin.")


def source_options(text_col: str, title_col: str, id_col: str, url_col: str, fmt: str | None,
                   max_line_bytes: int) -> Options:
    return Options(text_col=text_col, title_col=title_col, id_col=id_col, url_col=url_col, format=fmt,
                   max_line_bytes=max_line_bytes)


# Options shared by the commands that turn documents into Records (extract, score).
OUT = typer.Option("-", "-o", "--output", help="Where to write Records (default stdout).")
FMT = typer.Option("jsonl", "--format", help="Output format: jsonl or csv.")
IN_FORMAT = typer.Option(None, "--input-format", help="Force the input reader (jsonl, csv, json, twitter, ...).")
TEXT_COL = typer.Option("text", help="CSV column holding the ad body.")
TITLE_COL = typer.Option("title", help="CSV column holding the title.")
ID_COL = typer.Option("id", help="CSV column holding the document id.")
URL_COL = typer.Option("url", help="CSV column holding the URL.")
REGION = typer.Option("US", help="Phone region when the text names no country (ISO code).")
ON_ERROR = typer.Option("skip", help="A bad input line: 'skip' (log and count it) or 'fail'.")
ERRORS_FILE = typer.Option(None, help="Write skipped lines here as JSONL (file, line, reason).")
MAX_LINE_BYTES = typer.Option(8 * 1024 * 1024, help="Refuse input lines longer than this.")
PROFILES = typer.Option([], "--profiles", help="Folder or file of extra HTML site profiles.")


def load_profiles(paths: list[Path]) -> tuple[Profile, ...]:
    """Extra HTML site profiles, into this process's readers; returned, for `engine run` to hand them to its
    workers (other processes) in the read options."""
    if not paths:
        return ()
    from adtrace.sources.profiles import load_extra

    return tuple(p for path in paths for p in load_extra(path))


def write_records(inputs: list[str], out: str, fmt: str, opts: Options, on_error: str, errors_file: str | None,
                  label: str, make: Callable[[list[Document]], list[Outcome]]) -> None:
    """Read documents, turn each batch into Records with `make`, write JSONL or CSV, then print the summary."""
    if fmt not in ("jsonl", "csv"):
        raise typer.BadParameter("use jsonl or csv", param_hint="--format")
    summary = ReadSummary()
    with output(out) as fh, progress(label, _count_lines(inputs)) as bar:
        writer = CsvWriter(fh) if fmt == "csv" else None
        # Batches run stage by stage (faster); Records still come out in input order.
        for batch in batches(documents(inputs, opts, on_error, errors_file, summary)):
            for record in make(batch):
                if isinstance(record, Exception):
                    raise record
                if writer:
                    writer.write(record)
                else:
                    write_jsonl(fh, record)
            bar.advance(len(batch))
        if writer:
            writer.close()
    err_console.print(summary.line(), highlight=False)


@app.command("extract")
def extract_cmd(
    inputs: list[str] = INPUTS, out: str = OUT, fmt: str = FMT, in_format: str = IN_FORMAT,
    text_col: str = TEXT_COL, title_col: str = TITLE_COL, id_col: str = ID_COL, url_col: str = URL_COL,
    region: str = REGION, on_error: str = ON_ERROR, errors_file: str = ERRORS_FILE,
    max_line_bytes: int = MAX_LINE_BYTES, profiles: list[Path] = PROFILES,
    ocr: bool = typer.Option(False, "--ocr", help="Also read the text in the documents' local images "
                             "(RapidOCR and Tesseract; the 'ocr' extra): image_text, entities marked via image."),
    images: list[Path] = typer.Option([], "--images", help="Folder holding the documents' images (repeatable)."),
) -> None:
    """Extract phones, emails, handles, URLs, ages, prices, places, payments and names."""
    from adtrace.cli.io import use_ocr

    use_ocr(ocr, images)
    load_profiles(profiles)
    opts = source_options(text_col, title_col, id_col, url_col, in_format, max_line_bytes)
    pipe = Pipeline(default_region=region.upper())
    write_records(inputs, out, fmt, opts, on_error, errors_file, gettext("extracting"), pipe.extract_many)


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

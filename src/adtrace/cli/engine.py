"""`adtrace engine run` (the pipeline and linking on local/Dask/Spark, to Parquet) and `adtrace load`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import orjson
import typer

from adtrace.cli.extract import (
    ID_COL,
    MAX_LINE_BYTES,
    PROFILES,
    TEXT_COL,
    TITLE_COL,
    URL_COL,
    load_profiles,
    source_options,
)
from adtrace.cli.io import err_console, say_hint
from adtrace.cli.main import app
from adtrace.i18n import gettext, pgettext

engine_app = typer.Typer(help="Run the pipeline and linking over big inputs on Dask (default) or Spark.",
                         no_args_is_help=True)
app.add_typer(engine_app, name="engine")


def _say(message: str) -> None:
    err_console.print(message, highlight=False)


@engine_app.command("run")
def run_cmd(
    inputs: list[str] = typer.Option(..., "--input", "-i", help="Files, folders or quoted globs, e.g. "
                                     "'corpus/*.jsonl.gz' (repeatable)."),
    output: str = typer.Option(..., "--output", "-o", help="New folder for the Parquet output (shared by all "
                               "workers on a cluster)."),
    engine: str = typer.Option("dask", "--engine", help="local, dask or spark."),
    scheduler: str = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://host:8786) or Spark "
                                  "master (spark://host:7077); default: a local cluster."),
    workers: int = typer.Option(0, "--workers", help="Local cluster size (default: all cores)."),
    partition_mb: int = typer.Option(64, "--partition-mb", min=1, help="Split plain JSONL files into ranges "
                                     "of this size."),
    buckets: int = typer.Option(0, "--buckets", help="Key buckets for grouping (default: 4 per worker)."),
    cluster: str = typer.Option("auto", "--cluster", help="auto, driver (union-find) or distributed (label "
                                "propagation)."),
    max_driver_edges: int = typer.Option(20_000_000, "--max-driver-edges", help="auto: union-find on the "
                                         "driver up to this many edges."),
    signals: str = typer.Option(None, "--signals", help="What links documents, comma-separated: keys, images, "
                                "templates and any signal a plugin registers (default: all)."),
    region: str = typer.Option("US", help="Phone region when the text names no country (ISO code)."),
    source: str = typer.Option(None, help="Source name for documents that have none."),
    kind: str = typer.Option(None, help="Kind for documents that have none: ad, post, job, review, tip."),
    in_format: str = typer.Option(None, "--format", help="Force the reader (jsonl, json, csv, html, warc, twitter, telegram, reddit)."),
    text_col: str = TEXT_COL, title_col: str = TITLE_COL, id_col: str = ID_COL, url_col: str = URL_COL,
    max_line_bytes: int = MAX_LINE_BYTES, profiles: list[Path] = PROFILES,
) -> None:
    """Partition the input, run the pipeline on each document, keep each document's last version (as ingest does), group link keys, cluster, write Parquet."""
    from adtrace.engine import RunOptions, make_engine, run
    from adtrace.linking import signals as link_signals

    known = link_signals.names()
    chosen = tuple(s.strip() for s in signals.split(",") if s.strip()) if signals else known
    bad = [s for s in chosen if s not in known]
    if bad:
        raise typer.BadParameter(f"unknown signal(s) {', '.join(bad)}; use {', '.join(known)}",
                                 param_hint="--signals")
    extra = load_profiles(profiles)  # checked here, before any worker starts
    read = replace(source_options(text_col, title_col, id_col, url_col, in_format, max_line_bytes), source=source,
                   kind=kind, profiles=extra)
    opts = RunOptions(source=read, region=region.upper(),
                      signals=chosen, partition_bytes=partition_mb * 1024 * 1024, buckets=buckets,
                      cluster=cluster, max_driver_edges=max_driver_edges)
    eng = make_engine(engine, scheduler=scheduler, workers=workers)
    try:
        manifest = run(eng, inputs, output, opts, log=_say)
    finally:
        eng.close()
    _say(gettext("%(docs)s documents (%(rejected)s rejected, %(duplicates)s duplicates, %(updated)s updated by a "
                 "later version), %(clusters)s multi-document clusters, %(hubs)s hub keys; clustering: %(method)s")
         % {"docs": f"{manifest['documents']:,}", "rejected": f"{manifest['rejected']:,}",
            "duplicates": f"{manifest['duplicates']:,}", "updated": f"{manifest['updated']:,}",
            "clusters": f"{manifest['multi_doc_clusters']:,}", "hubs": f"{manifest['hub_keys']:,}",
            "method": manifest["cluster_method"]})
    label = pgettext("a rejected line", "rejected")  # not inside the f-string: pybabel misses calls there
    for err in manifest["errors"][:20]:
        where = err["path"] if err["line"] is None else f"{err['path']}:{err['line']}"  # None: no line known
        _say(f"[yellow]{label}[/] {where}: {err['message']}")
        say_hint(err.get("hint", ""))
    typer.echo(orjson.dumps({k: v for k, v in manifest.items() if k != "errors"}).decode())


@app.command("load")
def load_cmd(
    folder: str = typer.Argument(..., help="The --output folder of `adtrace engine run`."),
    db: str = typer.Option(None, "--db", help="An empty database: a file path, sqlite:///PATH or "
                           "postgresql://USER@HOST/DB (created/initialised when needed)."),
) -> None:
    """Bulk-load an engine run into an empty database (COPY on PostgreSQL), clusters included. All or nothing: a load that fails leaves the database as it found it."""
    from adtrace.engine.load import load

    report = load(folder, db, log=_say)
    if not report.clusters_agree:
        warning, why = gettext("warning"), gettext("the linker rebuilt from the saved state disagrees with the "
                                                   "engine's clusters; the database holds the linker's")
        _say(f"[yellow]{warning}[/] {why}")
    typer.echo(orjson.dumps(report.to_dict()).decode())

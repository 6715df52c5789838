"""`adtrace init`, `adtrace ingest` and `adtrace search`: the store from the command line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import IO, Any

import orjson
import typer

from adtrace import errors
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
from adtrace.cli.io import audit_cli, err_console, progress, say_hint
from adtrace.cli.main import app
from adtrace.i18n import gettext, ngettext, pgettext

DB = typer.Option(None, "--db", help="Database: a file path, sqlite:///PATH or postgresql://USER@HOST/DB "
                  "(default: $ADTRACE_DB, else adtrace.db in your data folder).")


@app.command("init")
def init_cmd(db: str = DB) -> None:
    """Create a database, or upgrade it to this version's schema. Safe to run again."""
    from adtrace.storage.connect import _safe, init_db, resolve_url

    before, after = init_db(db)
    where = _safe(resolve_url(db))
    if before == after:
        err_console.print(gettext("%(db)s is up to date (schema %(schema)s)") % {"db": where, "schema": after}, highlight=False)
    else:
        err_console.print(gettext("%(db)s: schema %(before)s → %(after)s") % {"db": where, "before": before or gettext("none"),
                                                                                 "after": after}, highlight=False)


@app.command("ingest")
def ingest_cmd(
    paths: list[str] = typer.Argument(..., help="Files or folders: .jsonl, .csv (optionally .gz), .html, "
                                      ".warc(.gz); '-' for JSONL on stdin."),
    db: str = DB,
    workers: int = typer.Option(0, help="Pipeline processes (0: all cores for big inputs)."),
    batch_size: int = typer.Option(500, help="Documents per transaction."),
    region: str = typer.Option("US", help="Phone region when the text names no country (ISO code)."),
    source: str = typer.Option(None, help="Source name for documents that have none."),
    kind: str = typer.Option(None, help="Kind for documents that have none: ad, post, job, review, tip."),
    in_format: str = typer.Option(None, "--format", help="Force the reader (jsonl, json, csv, html, warc, twitter, telegram, reddit)."),
    text_col: str = TEXT_COL, title_col: str = TITLE_COL, id_col: str = ID_COL, url_col: str = URL_COL,
    max_line_bytes: int = MAX_LINE_BYTES,
    profiles: list[Path] = PROFILES,
    on_error: str = typer.Option("skip", help="A bad document: 'skip' (report and go on) or 'fail'."),
    errors_file: str = typer.Option(None, help="Write rejected documents here as JSONL (file, line, reason)."),
    force: bool = typer.Option(False, help="Re-read files already ingested completely."),
    as_json: bool = typer.Option(False, "--json", help="Print the per-file summary as JSON on stdout."),
    raise_alerts: bool = typer.Option(True, "--alerts/--no-alerts",
                                      help="Check new and changed documents against watchlists and risk "
                                           "levels, raising alerts (app, e-mail, webhook as configured)."),
    ocr: bool = typer.Option(False, "--ocr", help="Read the text in the documents' local images (RapidOCR and Tesseract; "
                             "the 'ocr' extra): it becomes image_text and its identifiers link like the text's."),
    images: list[Path] = typer.Option([], "--images", help="Folder holding the documents' images (repeatable; "
                                      "default $ADTRACE_IMAGES); no other file is opened."),
) -> None:
    """Load documents into the store: idempotent, resumable after a crash, one transaction per batch."""
    from adtrace.cli.io import use_ocr
    from adtrace.storage import open_store
    from adtrace.storage.ingest import IngestOptions, ingest

    if on_error not in ("skip", "fail"):
        raise typer.BadParameter("use skip or fail", param_hint="--on-error")
    use_ocr(ocr, images)
    load_profiles(profiles)
    opts = IngestOptions(source=replace(source_options(text_col, title_col, id_col, url_col, in_format, max_line_bytes),
                                        source=source, kind=kind),
                         region=region.upper(), workers=workers, batch_size=max(1, batch_size), on_error=on_error,
                         force=force)
    log: IO[bytes] | None = Path(errors_file).open("wb") if errors_file else None  # noqa: SIM115
    shown = 0

    def reject(item: dict[str, Any]) -> None:
        nonlocal shown
        hint = item.pop("cli_hint", "")
        if log is not None:  # the file keeps the advice as `hint`, as `extract`'s and `engine run`'s do
            log.write(orjson.dumps({**item, "hint": hint} if hint else item) + b"\n")
        elif shown < 20:
            shown += 1
            label = pgettext("a rejected line", "rejected")  # not inside the f-string: pybabel misses calls there
            err_console.print(f"[yellow]{label}[/] {item['message']}", highlight=False)
            say_hint(hint)

    raised = 0
    try:
        with open_store(db) as store, progress(gettext("ingesting")) as bar:
            on_stored = None
            if raise_alerts:
                from adtrace.cases import alerts
                from adtrace.cases.notify import Notifier

                notifier = Notifier()

                def on_stored(ids: list[str]) -> None:
                    nonlocal raised
                    raised += len(alerts.evaluate(store, ids, notifier=notifier))

            summaries = ingest(store, paths, opts, reject=reject, advance=bar.advance, stored=on_stored)
    finally:
        if log is not None:
            log.close()
    many = len(summaries) > 20  # a folder of pages: show the total and only the files worth a look
    if many:
        total = {k: sum(getattr(s, k) for s in summaries) for k in ("read", "new", "updated", "duplicate",
                                                                     "rejected")}
        err_console.print(gettext("%(files)s files: %(read)s read, %(new)s new, %(updated)s updated, %(duplicate)s "
                                  "duplicate, %(rejected)s rejected")
                          % {"files": f"{len(summaries):,}", **{k: f"{v:,}" for k, v in total.items()}}, highlight=False)
    for s in summaries:
        if many and not s.rejected:
            continue
        if s.unchanged:
            line = gettext("%(path)s: unchanged since the last ingest, skipped (use --force to re-read)") % {
                "path": s.path}
        else:
            line = gettext("%(path)s: %(read)s read, %(new)s new, %(updated)s updated, %(duplicate)s duplicate, "
                           "%(rejected)s rejected") % {"path": s.path, "read": f"{s.read:,}", "new": f"{s.new:,}",
                                                       "updated": f"{s.updated:,}", "duplicate": f"{s.duplicate:,}",
                                                       "rejected": f"{s.rejected:,}"}
            if s.reasons:
                line += " (" + ", ".join(f"{c}×{n}" for c, n in sorted(s.reasons.items())) + ")"
            if s.resumed:
                line += gettext("; resumed after %(n)s items stored by an interrupted run") % {"n": f"{s.resumed:,}"}
        err_console.print(line, highlight=False)
    if as_json:
        typer.echo(orjson.dumps([s.to_dict() for s in summaries]).decode())
    if raised:
        err_console.print(gettext("%(n)s new alerts raised (adtrace alerts list)") % {"n": f"{raised:,}"}, highlight=False)
    if errors_file and any(s.rejected for s in summaries):
        err_console.print(gettext("rejected documents are listed in %(path)s") % {"path": errors_file}, highlight=False)


@app.command("search")
def search_cmd(
    query: str = typer.Argument("", help='Words (all must match), "a phrase", prefix*.'),
    db: str = DB,
    phone: str = typer.Option(None, help="Documents with this phone number (any format)."),
    email: str = typer.Option(None, help="Documents with this email address."),
    handle: str = typer.Option(None, help="Documents with this handle (with or without @)."),
    payment: str = typer.Option(None, help="Documents with this payment handle."),
    city: str = typer.Option(None, help="Documents naming this city (in the text or the site's location field)."),
    state: str = typer.Option(None, help="Documents naming this state or province."),
    phone_area: str = typer.Option(None, "--phone-area", help="Documents with a phone whose area code is this place."),
    sort: str = typer.Option("relevance", help="Order of hits: relevance, newest, score (risk score)."),
    source: str = typer.Option(None, help="Only this source."),
    kind: str = typer.Option(None, help="Only this kind: ad, post, job, review, tip."),
    level: str = typer.Option(None, "--level", help="Only this risk level: low, elevated, high."),
    indicator: str = typer.Option(None, help="Only documents where this indicator fired."),
    since: str = typer.Option(None, help="Posted on or after this date (ISO 8601)."),
    until: str = typer.Option(None, help="Posted on or before this date (ISO 8601)."),
    facet: list[str] = typer.Option([], "--facet", help="Count by: source, kind, risk_level, indicator, city, state, "
                                    "phone_area (the place of a phone's area code)."),
    limit: int = typer.Option(20, help="How many hits to show."),
    offset: int = typer.Option(0, help="Skip this many hits (paging)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Full-text search with filters and facet counts; entity lookups are served by an index."""
    from adtrace.storage import Query, charrefs, open_store

    q = Query(text=query, phone=phone, email=email, handle=handle, payment=payment, city=city, state=state,
              phone_area=phone_area, source=source, kind=kind, risk_level=level, indicator=indicator, date_from=since,
              date_to=until, facets=tuple(facet), sort=sort, limit=limit, offset=offset)
    if not any((query.strip(), phone, email, handle, payment, city, state, phone_area, source, kind, level, indicator,
                since, until)):
        raise errors.InputError.at(errors.MISSING_FIELD, gettext("nothing to search for"),
                                   hint=gettext("Give words to find or a filter such as --phone"))
    with open_store(db) as store:
        result = store.search(q)
        audit_cli(store.engine, "search", "", q=query, total=result.total,  # type: ignore[attr-defined]
                   **{k: v for k, v in (("phone", phone), ("email", email), ("handle", handle), ("payment", payment),
                                        ("city", city), ("state", state), ("phone_area", phone_area)) if v})
    if as_json:
        typer.echo(orjson.dumps(result.to_dict()).decode())
        return
    err_console.print(ngettext("%(n)s document", "%(n)s documents", result.total) % {"n": f"{result.total:,}"},
                      highlight=False)
    for h in result.hits:
        risk = f" [{h.risk_level} {h.risk_score:.0f}]" if h.risk_level and h.risk_score is not None else ""
        # The title as the pages show it (entities decoded, for display only); the snippet is decoded by the store.
        typer.echo(f"{h.id}  {h.source}  {h.posted_at or '-'}{risk}  {charrefs.decoded(h.title) or ''}\n    {h.snippet}")
    for name, counts in result.facets.items():
        typer.echo(f"{name}: " + ", ".join(f"{v} {n:,}" for v, n in counts.items()))

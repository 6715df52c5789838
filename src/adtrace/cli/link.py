"""`adtrace link`: link stored documents into clusters; show, export and review hub keys."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson
import typer

from adtrace import errors
from adtrace.cli.io import audit_cli, err_console, print_json, progress
from adtrace.cli.main import app
from adtrace.i18n import gettext

link_app = typer.Typer(help="Link stored documents into clusters (shared phones, emails, handles, photos, "
                       "templates) and show them. Run with no subcommand to link new documents.",
                       no_args_is_help=False)
app.add_typer(link_app, name="link")

DB = typer.Option(None, "--db", help="Database URL or path (default: $ADTRACE_DB, else adtrace.db).")


def _engine(db: str | None) -> Any:
    from adtrace.storage import open_store
    from adtrace.storage.db import engine_of

    return engine_of(open_store(db))


@link_app.callback(invoke_without_command=True)
def link_cmd(ctx: typer.Context, db: str = DB,
             rebuild: bool = typer.Option(False, "--rebuild", help="Forget the saved clusters and link everything "
                                          "again (same result as the incremental runs)."),
             images: list[Path] = typer.Option([], "--images", help="Folder holding the documents' images "
                                               "(repeatable; default $ADTRACE_IMAGES). Image paths are opened only "
                                               "inside these; others are skipped and counted.")) -> None:
    """Link documents added since the last run into the existing clusters (or all, with --rebuild)."""
    if ctx.invoked_subcommand is not None:
        return
    import os

    from adtrace.documents.images import ROOTS_ENV
    from adtrace.linking.run import link_store
    from adtrace.storage import corpus
    from adtrace.storage.db import read

    if images:  # the environment carries it to the worker processes that hash images
        os.environ[ROOTS_ENV] = os.pathsep.join(str(p) for p in images)
    engine = _engine(db)
    with read(engine) as conn:
        total = corpus.count(conn)
    with progress(gettext("linking"), total) as bar:
        report = link_store(engine, rebuild=rebuild, on_progress=bar.advance)
    if report.images_skipped:
        reasons = ", ".join(f"{n} {why}" for why, n in sorted(report.image_problems.items()))
        err_console.print(gettext("%(n)s images skipped (%(reasons)s); the rest linked")
                          % {"n": report.images_skipped, "reasons": reasons}, highlight=False)
    print_json(report.to_dict())


@link_app.command("show")
def show_cmd(cluster: str = typer.Argument(..., help="A cluster id, or the id of any document in it."),
             db: str = DB,
             geojson: bool = typer.Option(False, "--geojson", help="Print the route as GeoJSON instead.")) -> None:
    """One cluster: members' identifiers, names, ages, cities, route and circuit, the edges that join it."""
    from adtrace.linking.store import summary

    engine = _engine(db)
    summ = summary(engine, cluster)
    if summ is None:
        raise errors.InputError.at(errors.BAD_FIELD, gettext("no cluster with id or member %(cluster)r") % {"cluster": cluster},
                                   field_name="CLUSTER", cli_hint="run `adtrace link` first, or list clusters with "
                                   "`adtrace link export`")
    audit_cli(engine, "view_cluster", str(summ["cluster"]))
    print_json(_geo(summ) if geojson else summ)


def _geo(summ: dict[str, Any]) -> dict[str, Any]:
    from adtrace.places.movement import Stop, geojson, parse_time

    stops = []
    for s in summ["movement"]["stops"]:
        first, last = parse_time(s["first_seen"]), parse_time(s["last_seen"])
        assert first is not None and last is not None
        stops.append(Stop(s["city"], s["admin"], s["country"], s["lat"], s["lon"], first, last))
    return geojson(stops, {"cluster": summ["cluster"], "documents": summ["documents"]})


@link_app.command("export")
def export_cmd(db: str = DB,
               fmt: str = typer.Option("json", "--format", help="json (one summary per line) or geojson (one "
                                       "FeatureCollection of every route)."),
               min_docs: int = typer.Option(2, help="Only clusters with at least this many documents."),
               limit: int = typer.Option(0, help="At most this many clusters, biggest first (0: all).")) -> None:
    """Every cluster's summary, biggest first."""
    from adtrace.linking.store import summaries

    if fmt not in ("json", "geojson"):
        raise typer.BadParameter("use json or geojson", param_hint="--format")
    engine = _engine(db)
    items = summaries(engine, min_docs, limit or None)
    audit_cli(engine, "export", "clusters", format=fmt, min_docs=min_docs, limit=limit)
    if fmt == "json":
        for s in items:
            sys.stdout.buffer.write(orjson.dumps(s, option=orjson.OPT_APPEND_NEWLINE))
        return
    features = [f for s in items for f in _geo(s)["features"]]
    print_json({"type": "FeatureCollection", "features": features})


@link_app.command("hubs")
def hubs_cmd(db: str = DB) -> None:
    """Hub keys: identifiers, photos and templates shared too widely to join documents, with overrides."""
    from adtrace.linking.store import hub_keys
    from adtrace.storage.census import linked

    engine = _engine(db)
    if not linked(engine):
        raise errors.InputError.at(errors.BAD_FIELD, gettext("nothing linked yet"), cli_hint="run `adtrace link` first")
    hubs = hub_keys(engine)
    audit_cli(engine, "view_list", "hubs", keys=len(hubs))
    print_json(hubs)


@link_app.command("override")
def override_cmd(key: str = typer.Argument(..., help="A key as shown by `adtrace link hubs`, e.g. phone:+17025550100."),
                 hub: str = typer.Option(..., "--hub", help="yes (never join on it), no (always join on it) or "
                                         "clear (back to automatic)."),
                 note: str = typer.Option("", help="Why (kept with the override)."),
                 db: str = DB) -> None:
    """Override hub detection for one key; takes effect on the next `adtrace link`."""
    from adtrace.linking.store import set_override

    choice = {"yes": True, "no": False, "clear": None}
    if hub not in choice:
        raise typer.BadParameter("use yes, no or clear", param_hint="--hub")
    set_override(_engine(db), key, choice[hub], note)
    err_console.print(gettext("%(key)s: hub override %(hub)s. Run `adtrace link` to apply it.")
                      % {"key": key, "hub": hub}, highlight=False)

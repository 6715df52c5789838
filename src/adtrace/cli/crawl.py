"""`adtrace crawl`, `watch`, `watchlist add|list|remove` and `alerts list|ack` (docs/monitoring.md)."""

from __future__ import annotations

import getpass
import threading
from pathlib import Path

import orjson
import typer

from adtrace.cli.io import audit_cli, err_console
from adtrace.cli.main import app
from adtrace.i18n import gettext

DB = typer.Option(None, "--db", help="Database (default: $ADTRACE_DB, else adtrace.db in your data folder).")

watchlist_app = typer.Typer(help="Phones, e-mails, handles, image hashes and text patterns to be alerted on.",
                            no_args_is_help=True)
alerts_app = typer.Typer(help="Alerts raised by watchlists, high risk and partner signals.", no_args_is_help=True)
app.add_typer(watchlist_app, name="watchlist")
app.add_typer(alerts_app, name="alerts")


def _print(obj: object) -> None:
    typer.echo(orjson.dumps(obj).decode())


@app.command("crawl")
def crawl_cmd(
    profile: str = typer.Option(..., "--profile", help="Site profile with a 'crawl:' section, e.g. examplelist."),
    max_pages: int = typer.Option(0, "--max-pages", help="Ad pages per run (0: no limit)."),
    since: str | None = typer.Option(None, "--since", help="Store only ads posted on or after this ISO date."),
    every: str | None = typer.Option(None, "--every", help="Crawl again at this interval (30m, 2h, 1d) until "
                                     "stopped; resumes the schedule after a restart."),
    db: str | None = DB,
    warc_dir: str | None = typer.Option("warc", "--warc-dir", help="Folder for the raw pages (WARC.gz); '' "
                                        "to keep none."),
    delay: float | None = typer.Option(None, "--delay", help="Seconds between requests to one host "
                                       "(default: the profile's)."),
    user_agent: str | None = typer.Option(None, "--user-agent", help="How the crawler identifies itself."),
    start_url: list[str] | None = typer.Option(None, "--start-url", help="Replace the profile's start URLs "
                                               "(e.g. a mirror you are authorised to crawl)."),
    allow_domain: list[str] | None = typer.Option(None, "--allow-domain", help="Replace the allowed hosts."),
    allow_private_addresses: bool = typer.Option(False, "--allow-private-addresses", help="Also fetch allowed "
                                                 "hosts that resolve to loopback, private or link-local addresses "
                                                 "(a mirror on your network; refused by default)."),
    timeout: float = typer.Option(30.0, "--timeout", help="Seconds before a request is given up."),
    profiles: str | None = typer.Option(None, "--profiles", help="Folder of extra site profiles (YAML)."),
) -> None:
    """Crawl a site you are authorised to monitor: obeys robots.txt, throttles, fetches only new ads."""
    from adtrace.crawl import crawl, load_config, parse_every, schedule, stop_on_signals
    from adtrace.storage import open_store

    config = load_config(profile, profiles).with_(
        db=db, warc_dir=warc_dir or None, delay=delay, user_agent=user_agent, since=since, max_pages=max_pages,
        timeout=timeout, start_urls=tuple(start_url) if start_url else None,
        allowed_domains=tuple(d.lower() for d in allow_domain) if allow_domain else None,
        allow_private_addresses=allow_private_addresses or None)
    open_store(config.db).close()  # a missing or outdated database is reported before any fetch
    if not every:
        _print(crawl(config).to_dict())
        return
    interval = parse_every(every)
    stop = threading.Event()
    stop_on_signals(stop)
    runs = schedule(config, interval, stop, on_run=lambda s: _print(s.to_dict()),
                    on_wait=lambda w: err_console.print(gettext("next crawl of %(profile)s in %(s)s s")
                                                        % {"profile": profile, "s": f"{w:.0f}"}, highlight=False))
    err_console.print(gettext("stopped after %(n)s run(s)") % {"n": runs}, highlight=False)


@app.command("watch")
def watch_cmd(
    folder: Path = typer.Argument(..., help="Folder other tools export into (.jsonl, .csv, .html, .warc, ...)."),
    db: str | None = DB,
    settle: float = typer.Option(1.0, help="Seconds a file's size must stay the same before it is read."),
    require_marker: bool = typer.Option(False, "--require-marker", help="Read a file only once NAME.done exists."),
    poll: float = typer.Option(0.25, help="Seconds between looks at the folder."),
    once: bool = typer.Option(False, "--once", help="Ingest what is complete now, then exit."),
) -> None:
    """Ingest files as they are dropped into a folder and raise alerts on them; runs until stopped."""
    from adtrace.cases.notify import Notifier
    from adtrace.crawl import Feeder, FolderWatcher, stop_on_signals
    from adtrace.storage import open_store

    with open_store(db) as store:
        watcher = FolderWatcher(folder, Feeder(store, notifier=Notifier()), settle=settle,
                                require_marker=require_marker)

        def report(e: object) -> None:
            _print(e.__dict__)

        if once:
            watcher.settle = 0.0
            watcher.ready()  # first look records sizes; the second finds them unchanged
            for event in watcher.step():
                report(event)
            return
        stop = threading.Event()
        stop_on_signals(stop)
        err_console.print(gettext("watching %(folder)s (Ctrl-C to stop)") % {"folder": folder}, highlight=False)
        watcher.run(stop, poll=poll, on_event=report)


@watchlist_app.command("add")
def watchlist_add(
    kind: str = typer.Argument(..., help="phone | email | handle | pdq | regex | phrase"),
    value: str = typer.Argument(..., help="What to watch for."),
    name: str = typer.Option(..., "--name", help="The watchlist, e.g. 'Op Lantern'."),
    note: str = typer.Option("", "--note", help="Why it is watched."),
    owner: str | None = typer.Option(None, "--owner", help="Who owns it (default: your login name)."),
    distance: int | None = typer.Option(None, "--distance", help="PDQ: largest Hamming distance (default 31)."),
    db: str | None = DB,
) -> None:
    """Watch a phone, e-mail, handle, PDQ image hash, phrase or regular expression."""
    from adtrace.cases import watchlists
    from adtrace.storage import open_store

    with open_store(db) as store:
        entry = watchlists.add(store, kind, value, name=name, owner=owner or getpass.getuser(), note=note,
                               distance=distance)
        audit_cli(store.engine, "watchlist", f"{entry.kind}:{entry.value}",  # type: ignore[attr-defined]
                  op="add", entry=entry.id, watchlist=entry.name)
    _print(entry.to_dict())


@watchlist_app.command("list")
def watchlist_list(name: str | None = typer.Option(None, "--name"), all_: bool = typer.Option(
        False, "--all", help="Include removed entries."), db: str | None = DB) -> None:
    """Entries as JSON lines, by watchlist."""
    from adtrace.cases import watchlists
    from adtrace.storage import open_store

    with open_store(db) as store:
        found = watchlists.entries(store, active_only=not all_, name=name)
        audit_cli(store.engine, "view_list", "watchlists", ids=[e.id for e in found])  # type: ignore[attr-defined]
        for entry in found:
            _print(entry.to_dict())


@watchlist_app.command("remove")
def watchlist_remove(entry_id: int = typer.Argument(...), db: str | None = DB) -> None:
    """Stop watching an entry (it stays on record for the alerts that cite it)."""
    from adtrace.cases import watchlists
    from adtrace.storage import open_store

    with open_store(db) as store:
        entry = watchlists.remove(store, entry_id)
        audit_cli(store.engine, "watchlist", f"{entry.kind}:{entry.value}",  # type: ignore[attr-defined]
                  op="remove", entry=entry.id, watchlist=entry.name)
        _print(entry.to_dict())


@alerts_app.command("list")
def alerts_list(all_: bool = typer.Option(False, "--all", help="Include acknowledged alerts."),
                limit: int = typer.Option(50), db: str | None = DB,
                base_url: str | None = typer.Option(None, "--base-url", help="App address for links "
                                                    "(default: $ADTRACE_BASE_URL).")) -> None:
    """Newest alerts first, as JSON lines with their reasons and links."""
    from adtrace.cases import alerts
    from adtrace.cases.notify import NotifyConfig
    from adtrace.storage import open_store

    base = base_url or NotifyConfig.from_env().base_url
    with open_store(db) as store:
        found = alerts.list_alerts(store, open_only=not all_, limit=limit)
        audit_cli(store.engine, "view_list", "alerts", ids=[a.id for a in found])  # type: ignore[attr-defined]
        for alert in found:
            _print(alert.to_dict(base))


@alerts_app.command("ack")
def alerts_ack(alert_id: int = typer.Argument(...), note: str = typer.Option("", "--note"),
               actor: str | None = typer.Option(None, "--as", help="Who acknowledges (default: login name)."),
               db: str | None = DB) -> None:
    """Acknowledge an alert."""
    from adtrace.cases import alerts
    from adtrace.storage import open_store

    with open_store(db) as store:
        alert = alerts.ack(store, alert_id, actor or getpass.getuser(), note)
        audit_cli(store.engine, "alert_ack", str(alert_id), doc=alert.doc_id)  # type: ignore[attr-defined]
        _print(alert.to_dict())

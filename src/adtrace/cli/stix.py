"""`adtrace stix export`: a case, a cluster or a watchlist as a STIX 2.1 bundle for threat-intelligence tools."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer

from adtrace.cli.io import err_console, report_manifest
from adtrace.cli.main import app
from adtrace.i18n import gettext

stix_app = typer.Typer(help="STIX 2.1 bundles (OASIS, built with the stix2 library) of a case, a cluster or a watchlist. "
                       "Identifiers are masked unless --full.", no_args_is_help=True)
app.add_typer(stix_app, name="stix")


@stix_app.command("export")
def export_cmd(
    out: str = typer.Option(..., "-o", "--output", help="File to write (JSON)."),
    case: int = typer.Option(None, "--case", help="A case id: its documents, clusters' and entities' documents."),
    cluster: str = typer.Option(None, "--cluster", help="A cluster id (or any member document's id)."),
    watchlist: str = typer.Option(None, "--watchlist", help="A watchlist name: its active entries as indicators."),
    full: bool = typer.Option(False, "--full", help="Do not mask identifiers (audited; for those allowed to "
                              "see them, e.g. a referral to law enforcement)."),
    actor: str = typer.Option(None, "--as", help="Who exports, for the audit log (default: login name)."),
    db: str = typer.Option(None, "--db", help="Database URL or path (default: $ADTRACE_DB)."),
    keys: str = typer.Option(None, "--keys", help="Signing keys: the organisation's name in the bundle and the "
                             "evidence manifest (default: $ADTRACE_EXCHANGE_KEYS, else the user data dir)."),
) -> None:
    """Write the bundle: observed-data per ad, contact identities, indicators with STIX patterns."""
    from adtrace import evidence
    from adtrace.exchange import stix
    from adtrace.storage import open_store

    who = actor or getpass.getuser()
    with open_store(db) as store:
        data, what, seq = stix.export(store, case=case, cluster=cluster, watchlist=watchlist, redact=not full, actor=who,
                                      keys_dir=keys)
    Path(out).write_bytes(data)
    item = evidence.file_item(out, what=f"stix {what}{'' if full else ' masked'}")
    manifest = evidence.sign_if_keys(out, [item], created_by=who, purpose="stix export", keys_dir=keys)
    done = (gettext("STIX 2.1 bundle of %(what)s (masked; audit #%(seq)s) -> %(out)s") if not full else
            gettext("STIX 2.1 bundle of %(what)s (FULL, audited; audit #%(seq)s) -> %(out)s"))
    err_console.print(done % {"what": what, "seq": seq, "out": out}, highlight=False)
    report_manifest(manifest)

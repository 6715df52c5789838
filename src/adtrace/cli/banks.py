"""`adtrace exchange hma ...` (ThreatExchange/HMA bank files) and `adtrace exchange signal ...` (partner
signals: opinions, disable/enable one signal, quarantine)."""

from __future__ import annotations

import getpass

import typer

from adtrace.cli.exchange import DB, _engine, _print, ex_app
from adtrace.cli.io import err_console

hma_app = typer.Typer(help="Banks in the ThreatExchange/HMA file format (python-threatexchange): a watchlist's PDQ "
                      "photo hashes and text phrases, one 'TYPE SIGNAL' a line. Phones, e-mails and handles "
                      "stay adtrace-to-adtrace (keyed hashes).", no_args_is_help=True)
ex_app.add_typer(hma_app, name="hma")


@hma_app.command("export")
def hma_export_cmd(watchlist: str = typer.Option(..., "--watchlist", help="The watchlist's name."),
                   out: str = typer.Option(..., "-o", "--output", help="Bank file to write."), db: str = DB) -> None:
    """Write a watchlist's PDQ hashes (`pdq HEX`) and phrases (`raw_text TEXT`) as an HMA/ThreatExchange bank."""
    from adtrace.exchange import hma

    report = hma.export_bank(_engine(db), watchlist, out)
    err_console.print(f"{report.written:,} signals -> {out}" + (
        f" (left out, adtrace-to-adtrace only: {report.skipped})" if report.skipped else ""), highlight=False)
    _print(report.to_dict())


@hma_app.command("import")
def hma_import_cmd(bank: str = typer.Argument(..., help="A bank file: 'pdq HEX' / 'raw_text TEXT' lines."),
                   watchlist: str = typer.Option(..., "--watchlist", help="Watchlist to add the signals to."),
                   note: str = typer.Option("", help="Note on each new entry (default: the bank's file name)."),
                   actor: str = typer.Option(None, "--as", help="Owner of the new entries (default: login name)."),
                   db: str = DB) -> None:
    """Read a bank with the threatexchange library and watch its PDQ hashes and texts."""
    from adtrace.exchange import hma

    _print(hma.import_bank(_engine(db), bank, watchlist=watchlist, owner=actor or getpass.getuser(),
                           note=note).to_dict())

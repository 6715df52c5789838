"""`adtrace exchange hma ...` (ThreatExchange/HMA bank files) and `adtrace exchange signal ...` (partner
signals: opinions, disable/enable one signal, quarantine)."""

from __future__ import annotations

import getpass

import typer

from adtrace.cli.exchange import DB, _engine, ex_app
from adtrace.cli.io import audit_cli, err_console, print_json
from adtrace.i18n import gettext

hma_app = typer.Typer(help="Banks in the ThreatExchange/HMA file format (python-threatexchange): a watchlist's PDQ "
                      "photo hashes and text phrases, one 'TYPE SIGNAL' a line. Phones, e-mails and handles "
                      "stay adtrace-to-adtrace (keyed hashes).", no_args_is_help=True)
ex_app.add_typer(hma_app, name="hma")


@hma_app.command("export")
def hma_export_cmd(watchlist: str = typer.Option(..., "--watchlist", help="The watchlist's name."),
                   out: str = typer.Option(..., "-o", "--output", help="Bank file to write."), db: str = DB) -> None:
    """Write a watchlist's PDQ hashes (`pdq HEX`) and phrases (`raw_text TEXT`) as an HMA/ThreatExchange bank."""
    from adtrace.exchange import hma

    engine = _engine(db)
    report = hma.export_bank(engine, watchlist, out)
    audit_cli(engine, "share", f"hma:{watchlist}", signals=report.written, out=out)  # watched photos' hashes, phrases
    line = gettext("%(n)s signals -> %(out)s") % {"n": f"{report.written:,}", "out": out}
    if report.skipped:
        line += gettext(" (left out, adtrace-to-adtrace only: %(skipped)s)") % {"skipped": report.skipped}
    err_console.print(line, highlight=False)
    print_json(report.to_dict())


@hma_app.command("import")
def hma_import_cmd(bank: str = typer.Argument(..., help="A bank file: 'pdq HEX' / 'raw_text TEXT' lines."),
                   watchlist: str = typer.Option(..., "--watchlist", help="Watchlist to add the signals to."),
                   note: str = typer.Option("", help="Note on each new entry (default: the bank's file name)."),
                   actor: str = typer.Option(None, "--as", help="Owner of the new entries (default: login name)."),
                   db: str = DB) -> None:
    """Read a bank with the threatexchange library and watch its PDQ hashes and texts."""
    from adtrace.exchange import hma

    print_json(hma.import_bank(_engine(db), bank, watchlist=watchlist, owner=actor or getpass.getuser(),
                           note=note).to_dict())


signal_app = typer.Typer(help="Partner signals: list them with their opinions and state, give our opinion, "
                         "disable or enable one signal (not its whole bank), release one from quarantine.",
                         no_args_is_help=True)
ex_app.add_typer(signal_app, name="signal")
ACTOR = typer.Option(None, "--as", help="Who does it, for the audit log (default: login name).")
SIGNAL = typer.Argument(..., help="The signal's id (adtrace exchange signal list).")


@signal_app.command("list")
def signal_list_cmd(state: str = typer.Option(None, "--state", help="active, disabled, quarantined or withdrawn."),
                    issuer: str = typer.Option(None, "--issuer", help="Only this partner's signals."),
                    db: str = DB) -> None:
    """Signals with issuer, aggregate opinion (positive, negative, investigation, disputed), state, leads; a
    quarantined signal shows why."""
    from adtrace.exchange import opinions

    print_json({"signals": opinions.signals(_engine(db), issuer=issuer, state=state)})


@signal_app.command("show")
def signal_show_cmd(signal_id: int = SIGNAL, db: str = DB) -> None:
    """One signal with every organisation's opinion on it."""
    from adtrace.exchange import opinions

    print_json(opinions.get(_engine(db), signal_id))


@signal_app.command("opinion")
def signal_opinion_cmd(signal_id: int = SIGNAL,
                       opinion: str = typer.Argument(..., help="positive, negative or investigation."),
                       note: str = typer.Option("", help="Why (stays here; never shared)."),
                       actor: str = ACTOR, db: str = DB) -> None:
    """Our opinion on a partner signal; with a partner's it makes the aggregate (negative + positive: disputed)."""
    from adtrace.exchange import opinions

    print_json(opinions.set_opinion(_engine(db), signal_id, opinion, actor or getpass.getuser(), note))


@signal_app.command("disable")
def signal_disable_cmd(signal_id: int = SIGNAL, reason: str = typer.Option(..., "--reason", help="Why."),
                       actor: str = ACTOR, db: str = DB) -> None:
    """Stop one signal matching; its open leads leave the queue. The rest of its issuer's bank goes on."""
    from adtrace.exchange import opinions

    print_json(opinions.disable(_engine(db), signal_id, actor or getpass.getuser(), reason))


@signal_app.command("enable")
def signal_enable_cmd(signal_id: int = SIGNAL, actor: str = ACTOR, db: str = DB) -> None:
    """Undo disable: its leads return to the queue (not while withdrawn or quarantined)."""
    from adtrace.exchange import opinions

    print_json(opinions.enable(_engine(db), signal_id, actor or getpass.getuser()))


@signal_app.command("release")
def signal_release_cmd(signal_id: int = SIGNAL, actor: str = ACTOR, db: str = DB) -> None:
    """End a quarantine: its leads return to the queue (not while withdrawn or disabled); no second quarantine."""
    from adtrace.exchange import opinions

    print_json(opinions.release(_engine(db), signal_id, actor or getpass.getuser()))

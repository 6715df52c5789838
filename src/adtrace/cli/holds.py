"""`adtrace hold add|list|remove`: legal holds that retention never purges."""

from __future__ import annotations

import getpass

import typer

from adtrace.cli.io import print_json
from adtrace.cli.main import app
from adtrace.i18n import gettext

hold_app = typer.Typer(help="Legal holds: a case, cluster or document under hold is never purged by retention. "
                       "Who placed or released a hold, when and why is kept and audited.", no_args_is_help=True)
app.add_typer(hold_app, name="hold")
DB = typer.Option(None, "--db", help="Database URL or path (default: $ADTRACE_DB).")
ACTOR = typer.Option(None, "--as", help="Who does it, for the hold and the audit log (default: login name).")


@hold_app.command("add")
def add_cmd(
    reason: str = typer.Option(..., "--reason", help="Why (e.g. a CyberTipline report or court order reference)."),
    case: int = typer.Option(None, "--case", help="A case id."),
    cluster: str = typer.Option(None, "--cluster", help="A cluster id (or any member document's id)."),
    document: str = typer.Option(None, "--document", help="A document id."),
    actor: str = ACTOR, db: str = DB,
) -> None:
    """Place a hold on exactly one case, cluster or document."""
    from adtrace import errors
    from adtrace.cases import holds
    from adtrace.storage import open_store

    chosen = [(k, str(v)) for k, v in (("case", case), ("cluster", cluster), ("document", document)) if v is not None]
    if len(chosen) != 1:
        raise errors.InputError.at(errors.MISSING_FIELD, gettext("name exactly one of --case, --cluster, --document"))
    with open_store(db) as store:
        print_json(holds.place(store, chosen[0][0], chosen[0][1], actor or getpass.getuser(), reason).to_dict())


@hold_app.command("list")
def list_cmd(all_: bool = typer.Option(False, "--all", help="Released holds too."), db: str = DB) -> None:
    """Holds, newest first (active only unless --all)."""
    from adtrace.cases import holds
    from adtrace.storage import open_store

    with open_store(db) as store:
        print_json({"holds": [h.to_dict() for h in holds.list_holds(store, active_only=not all_)]})


@hold_app.command("remove")
def remove_cmd(hold_id: int = typer.Argument(..., help="The hold's id (adtrace hold list)."),
               reason: str = typer.Option(..., "--reason", help="Why the hold ends."),
               actor: str = ACTOR, db: str = DB) -> None:
    """Release a hold; its record stays, with who released it, when and why."""
    from adtrace.cases import holds
    from adtrace.storage import open_store

    with open_store(db) as store:
        print_json(holds.release(store, hold_id, actor or getpass.getuser(), reason).to_dict())

"""`adtrace draft ncmec|htcds --case N`: a case as a report draft (never sent) in a field's shape."""

from __future__ import annotations

import getpass
import sys

import orjson
import typer

from adtrace.cli.io import err_console
from adtrace.cli.main import app
from adtrace.i18n import gettext


@app.command("draft")
def draft_cmd(
    kind: str = typer.Argument(..., help="ncmec (CyberTipline report, possible child sex trafficking) or htcds "
                               "(IOM Human Trafficking Case Data Standard)."),
    case: int = typer.Option(..., "--case", help="The case id."),
    out: str = typer.Option("-", "-o", "--output", help="File to write (default: stdout)."),
    status: str = typer.Option(None, "--status", help="Trafficking status: 'possible' (set by you, --as), else "
                               "'not assessed'. Nothing stronger is allowed in a draft."),
    full: bool = typer.Option(False, "--full", help="Do not mask identifiers (audited; for the person who files it)."),
    actor: str = typer.Option(None, "--as", help="Who makes the draft and sets the status (default: login name)."),
    db: str = typer.Option(None, "--db", help="Database URL or path (default: $ADTRACE_DB)."),
    keys: str = typer.Option(None, "--keys", help="Signing keys for the evidence manifest written next to -o FILE "
                             "(default: $ADTRACE_EXCHANGE_KEYS, else the user data dir; none there: no manifest)."),
) -> None:
    """Write a JSON draft holding only what the ads show. adtrace never sends it: a person completes and files it."""
    from adtrace.cases import drafts
    from adtrace.storage import open_store

    who = actor or getpass.getuser()
    with open_store(db) as store:
        body, seq = drafts.export(store, case, kind, actor=who, redact=not full, status=status, set_by=who)
    data = orjson.dumps(body, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    if out == "-":
        sys.stdout.buffer.write(data)
    else:
        from adtrace import evidence

        with open(out, "wb") as fh:
            fh.write(data)
        item = evidence.file_item(out, what=f"draft {kind} case:{case}{'' if full else ' masked'}")
        if evidence.sign_if_keys(out, [item], created_by=who, purpose="report draft", keys_dir=keys):
            err_console.print(gettext("signed manifest -> %(path)s") % {"path": evidence.manifest_path(out)},
                              highlight=False)
    done = (gettext("DRAFT (%(kind)s, masked; audit #%(seq)s; not sent) -> %(out)s") if not full else
            gettext("DRAFT (%(kind)s, FULL; audit #%(seq)s; not sent) -> %(out)s"))
    err_console.print(done % {"kind": kind, "seq": seq, "out": out}, highlight=False)

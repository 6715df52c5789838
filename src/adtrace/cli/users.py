"""`adtrace user add|disable|enable|reset|token|tokens|revoke-token|list` and `adtrace audit verify|checkpoint`."""

from __future__ import annotations

import getpass

import orjson
import typer

from adtrace import errors
from adtrace.cli.io import err_console
from adtrace.cli.main import app
from adtrace.cli.store import DB
from adtrace.i18n import gettext

user_app = typer.Typer(help="Accounts for the web app: admin, analyst, reviewer, auditor, partner.",
                       no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")


def _engine(db: str | None):  # type: ignore[no-untyped-def]
    from adtrace.storage import open_store
    from adtrace.storage.db import engine_of

    return engine_of(open_store(db))


def _password(random: bool) -> tuple[str, bool]:
    from adtrace.app.accounts import random_password

    if random:
        return random_password(), True
    first = getpass.getpass("New password: ")
    if first != getpass.getpass("Repeat it: "):
        raise errors.InputError.at(errors.BAD_FIELD, gettext("the two passwords differ"), field_name="password",
                                   hint=gettext("Run the command again"))
    return first, False


@user_app.command("add")
def add(username: str, role: str = typer.Option("analyst", help="admin, analyst, reviewer, auditor or partner."),
        db: str = DB,
        random_password: bool = typer.Option(False, "--random-password", help="Make one up and print it once."),
        ) -> None:
    """Create an account."""
    from adtrace.app.accounts import add_user

    password, shown = _password(random_password)
    add_user(_engine(db), username, role, password, actor="cli")
    err_console.print(gettext("user %(user)s (%(role)s) created") % {"user": username, "role": role}, highlight=False)
    if shown:
        typer.echo(gettext("password for %(user)s (shown once): %(password)s") % {"user": username, "password": password})


@user_app.command("disable")
def disable(username: str, db: str = DB) -> None:
    """Disable an account: its sessions and API tokens stop working at once."""
    from adtrace.app.accounts import set_active

    set_active(_engine(db), username, False)
    err_console.print(gettext("user %(user)s disabled") % {"user": username}, highlight=False)


@user_app.command("enable")
def enable(username: str, db: str = DB) -> None:
    """Enable a disabled account again."""
    from adtrace.app.accounts import set_active

    set_active(_engine(db), username, True)
    err_console.print(gettext("user %(user)s enabled") % {"user": username}, highlight=False)


@user_app.command("role")
def role(username: str, new_role: str = typer.Argument(..., metavar="ROLE",
                                                       help="admin, analyst, reviewer, auditor or partner."),
         db: str = DB) -> None:
    """Give an account another role (its sessions end; the last active admin keeps theirs). Audited."""
    from adtrace.app.accounts import set_role

    set_role(_engine(db), username, new_role)
    err_console.print(gettext("user %(user)s is now %(role)s") % {"user": username, "role": new_role}, highlight=False)


@user_app.command("reset")
def reset(username: str, db: str = DB,
          random_password: bool = typer.Option(False, "--random-password", help="Make one up and print it once."),
          ) -> None:
    """Set a new password; unlocks the account and ends its sessions."""
    from adtrace.app.accounts import reset_password

    password, shown = _password(random_password)
    reset_password(_engine(db), username, password)
    err_console.print(gettext("password for %(user)s reset") % {"user": username}, highlight=False)
    if shown:
        typer.echo(gettext("password for %(user)s (shown once): %(password)s") % {"user": username, "password": password})


@user_app.command("token")
def token(username: str, name: str = typer.Option("api", help="A label for the token."), db: str = DB) -> None:
    """Make an API token (printed once; only its hash is stored)."""
    from adtrace.app.accounts import add_token

    typer.echo(add_token(_engine(db), username, name))


@user_app.command("list")
def list_cmd(db: str = DB) -> None:
    """List accounts, roles and lock state."""
    from adtrace.app.accounts import list_users

    for user, fails, locked in list_users(_engine(db)):
        state = "active" if user.active else "disabled"
        typer.echo(f"{user.username}\t{user.role}\t{state}\tfailed={fails}" + (f"\tlocked until {locked}" if locked else ""))


@user_app.command("tokens")
def tokens(username: str = typer.Argument(None, help="Only this user's tokens."), db: str = DB) -> None:
    """List API tokens (id, owner, label, created, state); never the tokens themselves."""
    from adtrace.app.accounts import list_tokens

    for t in list_tokens(_engine(db), username):
        typer.echo(f"{t['id']}\t{t['user']}\t{t['name']}\t{t['created_at']}\t{'revoked' if t['revoked'] else 'active'}")


@user_app.command("revoke-token")
def revoke_token(token_id: str = typer.Argument(..., help="The id from `adtrace user tokens` (or the token)."),
                 db: str = DB) -> None:
    """Revoke one API token (audited); running servers refuse it within ADTRACE_TOKEN_CACHE_SECONDS."""
    from adtrace.app.accounts import revoke_token as run

    t = run(_engine(db), token_id)
    err_console.print(gettext("token %(id)s (%(user)s, %(name)s) revoked") % {"id": t["id"], "user": t["user"], "name": t["name"]},
                      highlight=False)


@audit_app.command("verify")
def verify(db: str = DB, as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
           expect_head: str = typer.Option(None, "--expect-head", metavar="HASH",
                                           help="A head hash written down earlier: it must still be in the chain."),
           checkpoints: str = typer.Option(None, "--checkpoints", metavar="FILE",
                                           help="Signed checkpoints (adtrace audit checkpoint --out FILE) to check."),
           keys: str = typer.Option(None, "--keys", help="Exchange keys folder (default $ADTRACE_EXCHANGE_KEYS)."),
           ) -> None:
    """Check that no audit entry was edited or deleted. Exit code 1 when the chain is broken.

    The chain alone cannot see a cut tail with a moved head, a wiped log or a recomputed chain: pass a
    head hash you kept (--expect-head) or the signed checkpoints file (--checkpoints) to catch those.
    """
    from adtrace.app import checkpoints as cps
    from adtrace.storage.audit import verify as run

    engine = _engine(db)
    v = run(engine)
    if expect_head and not cps.has_head(engine, expect_head.strip().lower()):
        v.ok = False
        v.problems.append(f"the expected head {expect_head[:16]}... is not in the log (rows were cut, the log was "
                          "wiped or the chain was recomputed)")
    if checkpoints:
        c = cps.check(engine, cps.read_file(checkpoints), keys)
        v.ok = v.ok and c.ok
        v.problems += c.problems
    if as_json:
        typer.echo(orjson.dumps(v.to_dict()).decode())
    elif v.ok:
        typer.echo(gettext("audit log intact: %(n)s entries; head %(seq)s %(hash)s")
                   % {"n": f"{v.rows:,}", "seq": v.head_seq, "hash": v.head_hash})
    else:
        for p in v.problems:
            typer.echo(gettext("BROKEN: %(problem)s") % {"problem": p})
    if not v.ok:
        raise typer.Exit(errors.EXIT_BAD_INPUT)


@audit_app.command("checkpoint")
def checkpoint(out: str = typer.Option(..., "--out", metavar="FILE",
                                       help="Append the signed head here: a file outside the database."),
               db: str = DB,
               keys: str = typer.Option(None, "--keys", help="Exchange keys folder (default $ADTRACE_EXCHANGE_KEYS)."),
               ) -> None:
    """Sign the audit log's head with the organisation's key and append it to FILE (run it from cron)."""
    from adtrace.app import checkpoints as cps

    c = cps.make(_engine(db), keys)
    cps.write(c, out)
    typer.echo(gettext("checkpoint: row %(seq)s %(hash)s signed by %(org)s key %(key)s -> %(out)s")
               % {"seq": c["seq"], "hash": c["hash"], "org": c["org"], "key": c["key"], "out": out})

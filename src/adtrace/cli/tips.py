"""`adtrace tips route|copy|withdraw|update|import|leads|rules|hotline`: hand routed tips to partners (and
copies of lost hand-offs), withdraw or update a hand-off, import partners' hand-offs and their follow-ups."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import typer

from adtrace import errors
from adtrace.cli.exchange import KEYS, _engine, _read_json, _write_json, about
from adtrace.cli.io import audit_cli, print_json
from adtrace.cli.main import app
from adtrace.i18n import gettext

tips_app = typer.Typer(help="Public tips (docs/tips.md): sign and write the hand-offs of tips an analyst routed to a "
                       "partner (or a copy of a lost one), withdraw or update a hand-off, import a partner's hand-off "
                       "as a tip lead, routing rules, the hotline table.",
                       no_args_is_help=True)
app.add_typer(tips_app, name="tips")
DB = typer.Option(None, "--db", help="Database URL or path (default: $ADTRACE_DB).")
ACTOR = typer.Option(None, "--as", help="Who does it, for the audit log (default: login name).")


@tips_app.command("route")
def route_cmd(out: str = typer.Option(..., "--out", "-o", help="Directory for the hand-off files (one per tip)."),
              partner: str = typer.Option(None, "--partner", help="Only tips routed to this organisation."),
              db: str = DB, keys: str = KEYS, actor: str = ACTOR) -> None:
    """Sign a hand-off for every tip routed in the Tips queue and not yet handed off: the tip redacted as
    case exports are, its identifiers as keyed hashes. Each is marked handed off and audited (tip_handoff).
    Send each file to its partner (named in the file and its name)."""
    from adtrace.exchange import keys as xk
    from adtrace.storage import open_store
    from adtrace.tips import handoff

    ring, key = xk.load(keys), xk.consortium_key(keys)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with open_store(db) as store:
        for tip, body in handoff.send(store, ring, key, actor or getpass.getuser(), partner):
            path = folder / handoff.file_name(tip, body)
            _write_json(str(path), body)
            written.append({"tip": tip["id"], "to": body["to"], "file": str(path),
                            "handoff": handoff.handoff_id(body)})
    print_json({"handed_off": written})


@tips_app.command("handoffs")
def handoffs_cmd(partner: str = typer.Option(None, "--partner", help="Only tips handed off to this organisation."),
                 db: str = DB, limit: int = typer.Option(100, help="At most this many, newest first.")) -> None:
    """Tips handed off to partners, newest first: tip id, partner, when, hand-off id and who decided what
    when (no tip text, no reasons). A handed-off tip takes no more decisions; `tips copy` re-signs one."""
    from adtrace.tips import store as ts

    print_json({"handoffs": ts.handoffs(_engine(db), partner, limit)})


@tips_app.command("copy")
def copy_cmd(tips: list[int] = typer.Argument(..., help="Ids of tips handed off before."),
             out: str = typer.Option(..., "--out", "-o", help="Directory for the copies (one file per tip)."),
             db: str = DB, keys: str = KEYS, actor: str = ACTOR) -> None:
    """Sign again the hand-off of a tip handed off before, when its file was lost (an administrator's task):
    the same hand-off id, tip and file name, so the partner's import keeps one tip lead whichever copy it
    gets. The tip does not change; each copy is audited (tip_handoff_copy)."""
    from adtrace.tips import handoff

    print_json({"copied": [row for row, _body in _sign_each(tips, out, db, keys, actor, handoff.copy_of,
                                                             handoff.file_name)]})


def _sign_each(tips: list[int], out: str, db: str | None, keys: str | None, actor: str | None,
               sign: Callable[..., tuple[dict[str, Any], dict[str, Any]]],
               name: Callable[[dict[str, Any], dict[str, Any]], str]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Sign one file per tip (`sign(store, tip_id, keys, consortium_key, actor)`), each written to `out` under
    `name(tip, body)`; (what to print of it, the body) per tip."""
    return _write_signed(out, db, keys, actor, lambda store, ring, key, who: (
        sign(store, tip_id, ring, key, who) for tip_id in tips), name)


def _write_signed(out: str, db: str | None, keys: str | None, actor: str | None,
                  signed: Callable[..., Iterable[tuple[dict[str, Any], dict[str, Any]]]],
                  name: Callable[[dict[str, Any], dict[str, Any]], str]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The files `signed(store, keys, consortium_key, actor)` yields, each written to `out` under
    `name(tip, body)`; (what to print of it, the body) per file."""
    from adtrace.exchange import keys as xk
    from adtrace.storage import open_store

    ring, key = xk.load(keys), xk.consortium_key(keys)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with open_store(db) as store:
        for tip, body in signed(store, ring, key, actor or getpass.getuser()):
            path = folder / name(tip, body)
            _write_json(str(path), body)
            written.append(({"tip": tip["id"], "to": body["to"], "file": str(path), "handoff": body["id"]}, body))
    return written


@tips_app.command("withdraw")
def withdraw_cmd(tip: int = typer.Argument(..., help="Id of a tip handed off before."),
                 reason: str = typer.Option("", "--reason", help="Why, in a few words the partner will read "
                                            "(at most 300 characters), e.g. 'a hoax' or 'sent to the wrong partner'."),
                 out: str = typer.Option(..., "--out", "-o", help="Directory for the withdrawal file."),
                 db: str = DB, keys: str = KEYS, actor: str = ACTOR) -> None:
    """Withdraw a tip's hand-off (an administrator's task): a signed withdrawal telling the partner not to
    act on the tip. Their import marks the tip lead withdrawn, never deletes it. The tip's history says
    withdrawn, audited (tip_withdrawal). Run again on a withdrawn tip, it signs the same withdrawal again."""
    from adtrace.exchange import keys as xk
    from adtrace.tips import followup

    ring = xk.load(keys)
    done, body = followup.withdraw(_engine(db), tip, reason, ring, actor or getpass.getuser())
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / followup.file_name(done, body)
    _write_json(str(path), body)
    print_json({"withdrawn": {"tip": tip, "to": body["to"], "file": str(path), "handoff": body["id"],
                              "reason": body["withdrawal"]["reason"], "at": body["withdrawal"]["at"]}})


@tips_app.command("update")
def update_cmd(tips: list[int] = typer.Argument(None, help="Ids of tips handed off before; none: every tip with "
                                                         "additions not yet sent (to --partner)."),
               out: str = typer.Option(..., "--out", "-o", help="Directory for the update files (one per tip)."),
               partner: str = typer.Option(None, "--partner", help="Without ids: only tips handed off to this "
                                           "organisation."),
               db: str = DB, keys: str = KEYS, actor: str = ACTOR) -> None:
    """Sign an update of a tip's hand-off carrying every addition the tipster made since it, masked as the
    hand-off's text, with the tip's identifiers as keyed hashes. The partner's import puts them on the same
    tip lead, once whatever the order the files come in. Audited (tip_update). Without ids, one update for
    every handed-off tip (to --partner) whose additions were not all sent, withdrawn tips left out."""
    from adtrace.tips import followup

    if tips and partner:
        raise typer.BadParameter("give tip ids or --partner, not both", param_hint="--partner")
    if tips:
        signed = _sign_each(tips, out, db, keys, actor, followup.update, followup.file_name)
    else:
        signed = _write_signed(out, db, keys, actor, lambda store, ring, key, who: followup.send_updates(
            store, ring, key, who, partner), followup.file_name)
    print_json({"updated": [row | {"through": body["update"]["through"]} for row, body in signed]})


def _own_org(keys: str | None) -> str | None:
    """Our exchange organisation name, which a hand-off's `to` must name; None without organisation keys
    (a receiving-only installation with only the consortium key cannot check it)."""
    from adtrace.exchange import keys as xk

    try:
        return xk.load(keys).org
    except errors.ConfigError:
        return None


@tips_app.command("import")
def import_cmd(file: str = typer.Argument(..., help="A hand-off file from a trusted partner."), db: str = DB,
               keys: str = KEYS, actor: str = ACTOR) -> None:
    """Verify a partner's hand-off, match its keyed hashes against our ads and create a tip lead (audited
    tip_import); or a withdrawal or update of a hand-off imported before, which marks its lead withdrawn (the
    identifiers that came only with that tip stop matching; the answer says how many) or adds the tipster's
    additions to it (audited; an update that arrives after the withdrawal imports no identifier).
    Re-importing the same file changes nothing. A file addressed to another partner than the organisation
    of --keys is refused (AT127)."""
    from adtrace.exchange import keys as xk
    from adtrace.tips import handoff

    with about(file):
        lead = handoff.receive(_engine(db), _read_json(file), actor or getpass.getuser(), xk.consortium_key(keys),
                               _own_org(keys))
    print_json(lead)


@tips_app.command("leads")
def leads_cmd(db: str = DB, limit: int = typer.Option(100, help="At most this many, newest first.")) -> None:
    """Tip leads partners handed to us, each with our ads that carry the tip's identifiers, whether its
    sender withdrew it (withdrawn_at, withdrawn_reason) and the tipster's additions since (added_text)."""
    from adtrace.tips import handoff

    engine = _engine(db)
    leads = handoff.leads(engine, limit)
    audit_cli(engine, "view_list", "tip_leads", ids=[lead["id"] for lead in leads])
    print_json({"leads": leads})


@tips_app.command("rules")
def rules_cmd(db: str = DB,
              add: str = typer.Option(None, "--add", help="Add a rule for this partner (with --country/--about/--lang)."),
              country: str = typer.Option("", "--country", help="Two-letter code or name; empty: any."),
              about: str = typer.Option("", "--about", help="sex, labour, minor or unsure; empty: any."),
              lang: str = typer.Option("", "--lang", help="Two-letter language code; empty: any."),
              remove: int = typer.Option(None, "--remove", help="Remove the rule with this id."),
              actor: str = ACTOR) -> None:
    """List the routing rules; add or remove one (audited tip_rule)."""
    from adtrace.storage import audit
    from adtrace.tips import store as ts

    engine = _engine(db)
    who = actor or getpass.getuser()
    if add:
        rule_id = ts.add_rule(engine, who, add, country, about, lang)
        audit.append(engine, who, "tip_rule", str(rule_id), {"added": {"partner": add, "country": country,
                                                                       "about": about, "lang": lang}})
    if remove is not None:
        ts.remove_rule(engine, remove)
        audit.append(engine, who, "tip_rule", str(remove), {"removed": True})
    print_json({"rules": [r.__dict__ for r in ts.rules(engine)]})


@tips_app.command("hotline")
def hotline_cmd(country: str = typer.Argument(None, help="Country code or name; none: the whole table.")) -> None:
    """The shipped hotline table (source, date written, confidence), or one country's row."""
    from adtrace import errors
    from adtrace.places.hotlines import hotline_for, table

    if country is None:
        print_json({"hotlines": [h.to_dict() for h in table().values()]})
        return
    found = hotline_for(country)
    if found is None:
        raise errors.not_found(gettext("no hotline row for %(country)r; the table has %(countries)s")
                               % {"country": country, "countries": ", ".join(sorted(table()))},
                               country=country)
    print_json(found.to_dict())

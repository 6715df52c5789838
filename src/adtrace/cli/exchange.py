"""`adtrace screen` and `adtrace exchange ...`: screening files, keys, signed bundles, leads, PSI."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import typer

from adtrace import errors
from adtrace.cli.extract import INPUTS, source_options
from adtrace.cli.io import ReadSummary, audit_cli, documents, err_console, output, print_json, write_jsonl
from adtrace.cli.main import app
from adtrace.i18n import gettext

ex_app = typer.Typer(help="Share keyed-hash signals with partner organisations (signed bundles), match them, "
                     "and find shared identifiers privately (PSI). Raw identifiers never leave.",
                     no_args_is_help=True)
psi_app = typer.Typer(help="Private set intersection in three steps, with files: start, respond, finish.",
                      no_args_is_help=True)
app.add_typer(ex_app, name="exchange")
ex_app.add_typer(psi_app, name="psi")

DB = typer.Option(None, "--db", help="Database URL or path (default: $ADTRACE_DB).")
KEYS = typer.Option(None, "--keys", help="Keys directory (default: $ADTRACE_EXCHANGE_KEYS, else the user data dir).")


def _read_json(path: str) -> Any:
    p = Path(path)
    if not p.is_file():
        raise errors.InputError.at(errors.FILE_NOT_FOUND, gettext("no such file"), path=path,
                                   hint=gettext("Check the path"))
    try:
        return orjson.loads(p.read_bytes())
    except orjson.JSONDecodeError as exc:
        # The place in the reader's words; orjson's own (English) words only as the detail in brackets.
        raise errors.InputError.at(errors.BAD_JSON, gettext("broken JSON at column %(col)s (%(why)s)")
                                   % {"col": exc.colno, "why": exc.msg}, path=path, line=exc.lineno) from None


@contextmanager
def about(path: str) -> Iterator[None]:
    """An input error found in the content of the file at `path` names that file (the checks below the
    shell see only the decoded JSON)."""
    try:
        yield
    except errors.InputError as exc:
        if exc.detail.get("path"):
            raise
        raise exc.in_file(path) from None


def _write_json(path: str, obj: Any, private: bool = False) -> None:
    import os

    data = orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    if path == "-":
        sys.stdout.buffer.write(data)
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _engine(db: str | None) -> Any:
    from adtrace.storage import open_store

    store = open_store(db)
    return store.engine  # type: ignore[attr-defined]


@app.command("screen")
def screen_cmd(
    inputs: list[str] = INPUTS,
    out: str = typer.Option("-", "-o", "--output", help="Where to write results (JSONL, default stdout)."),
    db: str = typer.Option(None, "--db", help="Match partner signals imported into this database."),
    store: bool = typer.Option(False, "--store", help="Keep the documents (and their leads) in --db. "
                               "Default: stateless, nothing is written."),
    keys: str = KEYS,
    region: str = typer.Option("US", help="Phone region when the text names no country (ISO code)."),
    on_error: str = typer.Option("skip", help="A bad input line: 'skip' (log and count it) or 'fail'."),
) -> None:
    """Screen ads as a platform would at posting time: the same JSON per document as POST /api/v1/screen."""
    from adtrace.exchange import keys as xk
    from adtrace.exchange.screening import Screener
    from adtrace.pipeline import Pipeline

    if store and not db:
        raise typer.BadParameter("--store needs --db", param_hint="--store")
    the_store = None
    engine = None
    key = None
    if db:
        from adtrace.storage import open_store

        the_store = open_store(db)
        engine = the_store.engine  # type: ignore[attr-defined]
        try:
            key = xk.consortium_key(keys)
        except errors.ConfigError as exc:
            hint = f"; {exc.cli_hint}" if exc.cli_hint else ""
            off = gettext("partner matching off")
            err_console.print(f"[yellow]{off}[/] {exc.message}{hint}", highlight=False)
    screener = Screener(engine, key, Pipeline(default_region=region.upper()))
    summary = ReadSummary()
    opts = source_options("text", "title", "id", "url", None, 8 * 1024 * 1024)
    with output(out) as fh:
        batch: list[Any] = []
        for doc in documents(inputs, opts, on_error, None, summary):
            batch.append(doc)
            if len(batch) == 100:
                for res in screener.screen(batch, the_store if store else None):
                    write_jsonl(fh, res)
                batch = []
        for res in screener.screen(batch, the_store if store else None) if batch else []:
            write_jsonl(fh, res)
    err_console.print(summary.line(), highlight=False)


@ex_app.command("keys")
def keys_cmd(
    keys: str = KEYS,
    org: str = typer.Option(None, "--org", help="Make the first keypair for this organisation."),
    rotate: bool = typer.Option(False, "--rotate", help="Make a new current signing key; old ones stay to verify."),
    public: bool = typer.Option(False, "--public", help="Print the public keys to give partners (for `trust`)."),
    new_consortium: bool = typer.Option(False, "--new-consortium-key", help="Make a random consortium HMAC key "
                                        "(once per consortium; share it with members over a secure channel)."),
    consortium_file: str = typer.Option(None, "--consortium-key", help="Install the consortium key from a file "
                                        "(64 hex digits)."),
) -> None:
    """Generate or rotate the organisation's Ed25519 keys; install the consortium key; show key ids."""
    from adtrace.exchange import keys as xk
    from adtrace.exchange.signals import consortium_key_id

    if org:
        xk.generate(org, keys)
    if rotate:
        xk.rotate(keys)
    if new_consortium:
        xk.set_consortium_key(None, keys)
    if consortium_file:
        try:
            raw = bytes.fromhex(Path(consortium_file).read_text().strip())
        except (OSError, ValueError):
            raise errors.InputError.at(errors.BAD_FIELD, gettext("not a hex key file"), path=consortium_file) from None
        xk.set_consortium_key(raw, keys)
    ring = xk.load(keys)
    info = ring.public_info()
    if public:
        print_json(info)
        return
    try:
        cid: str | None = consortium_key_id(xk.consortium_key(keys))
    except errors.ConfigError:
        cid = None
    print_json({"org": ring.org, "current": ring.current, "keys": [k["id"] for k in info["keys"]],
            "consortium_key_id": cid, "directory": str(xk.keys_dir(keys))})


@ex_app.command("trust")
def trust_cmd(public_keys: str = typer.Argument(..., help="A partner's `adtrace exchange keys --public` output."),
              db: str = DB, note: str = typer.Option("", help="How the key was checked (e.g. by phone, date).")) -> None:
    """Trust a partner's public keys, after checking them with the partner out of band."""
    from adtrace.exchange import store as xs

    with about(public_keys):
        added = xs.trust(_engine(db), _read_json(public_keys), "cli", note)
    print_json({"trusted": [{"org": o, "key_id": k} for o, k in added]})


@ex_app.command("export")
def export_cmd(
    out: str = typer.Option(..., "-o", "--output", help="Bundle file to write."),
    db: str = DB, keys: str = KEYS,
    since: str = typer.Option(None, "--since", help="Only documents ingested since this ISO date."),
    case: str = typer.Option(None, "--case", help="Only the documents of this case (id; with its clusters' "
                            "and entities' documents). Combines with --decision: add --decision '' for all of them."),
    decision: str = typer.Option("confirm", "--decision", help="Latest review decision to select ('' for any)."),
    min_level: str = typer.Option(None, "--min-level", help="Or select by risk level: elevated or high."),
    category: str = typer.Option("indicators_present", help="Category carried by every signal."),
    confidence: float = typer.Option(0.8, min=0.0, max=1.0, help="Confidence carried by every signal."),
    note: str = typer.Option("", help="A short note for every signal (must hold no identifier)."),
    opinion: str = typer.Option(None, help="Our opinion carried by every signal: positive (the default when "
                                "absent), negative or investigation."),
) -> None:
    """Sign and write a bundle of keyed-hash signals (never raw identifiers) for partners."""
    from adtrace.exchange import bundles, export
    from adtrace.exchange import keys as xk
    from adtrace.exchange import store as xs
    from adtrace.exchange.signals import consortium_key_id

    engine = _engine(db)
    key = xk.consortium_key(keys)
    signals = export.collect(engine, key, since=since, decision=decision or None, min_level=min_level, case=case,
                             category=category, confidence=confidence, note=note)
    if opinion:
        import dataclasses

        from adtrace.exchange.opinions import check_opinion

        signals = [dataclasses.replace(s, opinion=check_opinion(opinion)) for s in signals]
    bundle = bundles.make_signals(signals, xk.load(keys), consortium_key_id(key))
    _write_json(out, bundle)
    bid = xs.record_export(engine, bundle)
    audit_cli(engine, "share", bid, signals=len(signals), issuer=bundle["issuer"], out=out)  # DESIGN §6: shares too
    if out != "-":  # evidence: a signed SHA-256 manifest next to the bundle (adtrace evidence verify)
        from adtrace import evidence

        evidence.sign_if_keys(out, [evidence.file_item(out, what=f"exchange bundle {bid}")], created_by="cli",
                              purpose="exchange export", keys_dir=keys)
    err_console.print(gettext("%(n)s signals signed by %(issuer)s (%(key)s) -> %(out)s")
                      % {"n": f"{len(signals):,}", "issuer": bundle["issuer"], "key": bundle["key_id"], "out": out},
                      highlight=False)
    print_json({"bundle_id": bid, "signals": len(signals), "key_id": bundle["key_id"]})


@ex_app.command("import")
def import_cmd(bundle: str = typer.Argument(..., help="A bundle file from a trusted issuer."), db: str = DB,
               keys: str = KEYS) -> None:
    """Verify a bundle's signature, record its signals (or retraction) with provenance, and match them."""
    from adtrace.exchange import keys as xk
    from adtrace.exchange import match as xm
    from adtrace.exchange import store as xs
    from adtrace.exchange.signals import consortium_key_id

    engine = _engine(db)
    key = xk.consortium_key(keys)
    with about(bundle):
        report = xs.import_bundle(engine, _read_json(bundle), consortium_key_id(key))
    out = report.to_dict()
    if not report.already_imported:
        out["match"] = xm.match_store(engine, key, full=True).to_dict()
    print_json(out)


@ex_app.command("retract")
def retract_cmd(
    identifiers: list[str] = typer.Argument(..., help="type:value (e.g. phone:+12135550147) or type:HASH."),
    out: str = typer.Option(..., "-o", "--output", help="Signed retraction bundle to write."),
    db: str = DB, keys: str = KEYS, reason: str = typer.Option("", help="Why (shared with partners; no identifiers)."),
) -> None:
    """Withdraw signals we issued: a signed retraction bundle partners import like any other."""
    from adtrace.exchange import bundles, export
    from adtrace.exchange import keys as xk
    from adtrace.exchange import store as xs
    from adtrace.exchange.signals import consortium_key_id, keyed_hash, normalise

    key = xk.consortium_key(keys)
    items = []
    for ident in identifiers:
        kind, _, value = ident.partition(":")
        if len(value) == 64 and all(c in "0123456789abcdef" for c in value):
            items.append((kind, value))
        elif kind == "pdq":
            items.append((kind, normalise(kind, value)))
        else:
            items.append((kind, keyed_hash(key, kind, normalise(kind, value))))
    bundle = bundles.make_retraction(items, xk.load(keys), consortium_key_id(key), export.check_note(reason))
    _write_json(out, bundle)
    if db:
        xs.record_export(_engine(db), bundle)
    print_json({"retracted": len(items), "bundle_id": bundles.bundle_id(bundle)})


@ex_app.command("match")
def match_cmd(db: str = DB, keys: str = KEYS,
              full: bool = typer.Option(False, "--full", help="Match all documents, not only new ones.")) -> None:
    """Match imported signals against documents stored since the last run (run after `adtrace ingest`)."""
    from adtrace.exchange import keys as xk
    from adtrace.exchange import match as xm

    print_json(xm.match_store(_engine(db), xk.consortium_key(keys), full=full).to_dict())


@ex_app.command("leads")
def leads_cmd(db: str = DB, status: str = typer.Option("open", help="open, disabled, quarantined, withdrawn or all."),
              limit: int = typer.Option(100)) -> None:
    """Documents that matched a partner signal, with provenance. For review, never automatic action."""
    from adtrace.exchange import store as xs

    engine = _engine(db)
    leads = xs.leads(engine, None if status == "all" else status, limit)
    audit_cli(engine, "view_list", "exchange_leads", leads=len(leads), status=status)
    print_json({"leads": leads})


LINES = typer.Argument(..., help="File with one identifier a line: type:value (phone, email, handle, payment).")


@psi_app.command("start")
def psi_start(identifiers: str = LINES, request: str = typer.Option(..., "--request", help="File to send."),
              state: str = typer.Option(..., "--state", help="Private file to keep for `finish`.")) -> None:
    """Step 1 (initiator): blind our identifiers; send --request to the partner, keep --state."""
    from adtrace.exchange import psi

    req, st = psi.start(psi.read_identifiers(identifiers), identifiers)
    _write_json(request, req)
    _write_json(state, st, private=True)
    print_json({"sent_items": len(req["items"])})


@psi_app.command("respond")
def psi_respond(request: str = typer.Argument(..., help="The partner's request file."), identifiers: str = LINES,
                response: str = typer.Option(..., "--response", help="File to send back.")) -> None:
    """Step 2 (responder): re-blind their items and blind ours. We learn only how many they sent."""
    from adtrace.exchange import psi

    lines = psi.read_identifiers(identifiers)
    with about(request):
        resp = psi.respond(_read_json(request), lines, identifiers)
    _write_json(response, resp)
    print_json({"their_items": len(resp["double"]), "our_items": len(resp["items"])})


@psi_app.command("finish")
def psi_finish(state: str = typer.Argument(..., help="The state file from `start`."),
               response: str = typer.Argument(..., help="The partner's response file.")) -> None:
    """Step 3 (initiator): print the identifiers both organisations hold."""
    from adtrace.exchange import psi

    shared = psi.finish(_read_json(state), _read_json(response))
    print_json({"shared": shared, "count": len(shared)})

"""`adtrace evidence manifest|verify`: signed SHA-256 manifests of exports and WARC captures."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import orjson
import typer

from adtrace import errors
from adtrace.cli.io import err_console
from adtrace.cli.main import app
from adtrace.i18n import gettext, ngettext

evidence_app = typer.Typer(help="Evidence manifests: SHA-256 of each exported file or captured WARC record, "
                           "with time and source URL, signed with the organisation's Ed25519 key.",
                           no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")
KEYS = typer.Option(None, "--keys", help="Keys directory (default: $ADTRACE_EXCHANGE_KEYS, else the user data dir).")


@evidence_app.command("manifest")
def manifest_cmd(
    files: list[str] = typer.Argument(..., help="Exported files or WARC captures (.warc, .warc.gz)."),
    source_url: str = typer.Option(None, "--source-url", help="Where the file came from (e.g. the app's export URL)."),
    purpose: str = typer.Option("", help="What the evidence is for (no identifiers)."),
    actor: str = typer.Option(None, "--as", help="Who signs (default: login name)."),
    keys: str = KEYS,
) -> None:
    """Write FILE.manifest.json next to each file; a WARC gets one item per record (date, target URL)."""
    from adtrace import evidence
    from adtrace.exchange import keys as xk

    ring = xk.load(keys)
    for name in files:
        warc = name.endswith((".warc", ".warc.gz"))
        items = evidence.warc_items(name) if warc else [evidence.file_item(name, source_url=source_url)]
        out = evidence.write_for(name, items, ring, created_by=actor or getpass.getuser(), purpose=purpose)
        err_console.print(ngettext("%(num)s item signed by %(org)s (%(key)s) -> %(out)s",
                                   "%(num)s items signed by %(org)s (%(key)s) -> %(out)s", len(items))
                          % {"num": f"{len(items):,}", "org": ring.org, "key": ring.current, "out": out}, highlight=False)


@evidence_app.command("verify")
def verify_cmd(
    file: str = typer.Argument(..., help="A manifest, or the file it describes (FILE.manifest.json is read)."),
    public: str = typer.Option(None, "--public", help="The issuer's `adtrace exchange keys --public` file: the "
                               "signing key must be one of these (else only the embedded key is checked)."),
) -> None:
    """Check the signature and every item's SHA-256. Exit code 1 names each altered or missing item."""
    from adtrace import evidence

    trusted = None
    if public:
        try:
            info = orjson.loads(Path(public).read_bytes())
            trusted = {str(k["id"]): str(k["public"]) for k in info["keys"]}
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
            raise errors.InputError.at(errors.BAD_FIELD, gettext("not a public-key file"), path=public,
                                       cli_hint="pass the file `adtrace exchange keys --public` wrote") from None
    verdict = evidence.verify(file, trusted)
    sys.stdout.buffer.write(orjson.dumps(verdict.to_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    failed = gettext("FAILED")  # outside the f-string: pybabel does not extract calls inside one
    for problem in verdict.problems:
        err_console.print(f"[red]{failed}[/] {problem}", highlight=False)
    if not verdict.ok:
        raise typer.Exit(1)
    line = ngettext("verified: %(num)s item, signed by %(org)s key %(key)s",
                    "verified: %(num)s items, signed by %(org)s key %(key)s", verdict.items) % {
        "num": f"{verdict.items:,}", "org": verdict.issuer, "key": verdict.key_id}
    if trusted is None:
        line += " " + gettext("(embedded key: check the key id with the issuer)")
    err_console.print(line, highlight=False)

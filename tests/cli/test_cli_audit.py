"""Every command that prints or shares personal data from the store writes an audit row (DESIGN §6), as the
app's pages do; every other command is listed in EXEMPT with the reason it does not. The commands come from
the built command tree, so a new one fails here until it is classified (docs/security.md, second review)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
import typer
from tests.app.conftest import db_path, template  # noqa: F401  (fixtures: the app tests' synthetic store)
from typer.testing import CliRunner

from adtrace.cli import main
from adtrace.exchange import keys as xk

# Reads of personal data: the arguments to run each with (after --db). {keys}, {tmp}: filled in below.
READS: dict[str, list[str]] = {
    "search": ["--phone", "702-555-0100"],
    "watchlist list": [],
    "alerts list": [],
    "link show": ["{doc}"],
    "link export": ["--limit", "2"],
    "link hubs": [],
    "tips leads": [],
    "exchange leads": [],
    "exchange export": ["--keys", "{keys}", "-o", "{tmp}/bundle.json", "--decision", ""],
    "exchange hma export": ["--watchlist", "audit", "-o", "{tmp}/bank.txt"],
    "graph export": ["--cluster", "{doc}", "-o", "{tmp}/g.graphml", "--keys", "{keys}"],
    "stix export": ["--cluster", "{doc}", "-o", "{tmp}/s.json", "--keys", "{keys}"],
}
_OWN_FILES = "reads the operator's own input files, not the store"
EXEMPT: dict[str, str] = {
    "extract": _OWN_FILES, "score": _OWN_FILES, "evaluate": _OWN_FILES, "train": _OWN_FILES,
    "screen": _OWN_FILES + " (a partner's screening through the API is audited)",
    "exchange psi start": _OWN_FILES, "exchange psi respond": _OWN_FILES,
    "exchange psi finish": "prints which of the operator's own identifiers a partner also holds",
    "evidence manifest": "hashes of files", "evidence verify": "checks hashes and signatures",
    "init": "creates a database", "ingest": "stores documents (counts printed)", "load": "stores an engine run",
    "engine run": "processes files into an engine run (counts printed)", "synth": "synthetic data only",
    "demo": "synthetic data only", "crawl": "collects pages (counts printed)", "watch": "ingests files",
    "serve": "runs the app, whose routes audit (tests/app/test_audit_coverage.py)",
    "exchange match": "makes leads (counts printed); `exchange leads` shows them, audited",
    "exchange signal list": "partners' keyed hashes and their metadata: no identifier in the clear",
    "exchange signal show": "one keyed hash and its metadata",
    "hold list": "ids of held documents and cases, who and why",
    "tips rules": "routing rules (changes audited: tip_rule)", "tips hotline": "the hotline table",
    "user list": "staff accounts", "user tokens": "staff API tokens",
    "audit verify": "whether the chain is intact", "audit checkpoint": "signs the head (audited)",
    "draft": "audited by the draft itself (tests/cases/test_drafts.py): needs a case",
    "tips route": "audited per hand-off (tip_handoff, tests/tips/test_cli.py)",
    "tips copy": "audited per copy (tip_handoff_copy, tests/tips/test_handed_off.py)",
    "tips withdraw": "audited (tip_withdrawal, tests/tips/test_followup_cli.py)",
    "tips update": "audited per update (tip_update, tests/tips/test_followup_cli.py)",
    "tips handoffs": "tip ids, partners, dates, hand-off ids and who decided: no tip text, no reasons",
    "tips import": "audited (tip_import)", "exchange import": "audited (exchange_import)",
    "exchange keys": "key files", "exchange trust": "a partner's public key", "exchange retract": "our own bundle",
    "exchange hma import": "adds watchlist entries",
}
# Changes, not reads. The three the app audits when made on a page are checked below; the others audit in
# the library (holds, users, signals), which their own tests check.
CHANGES = ("alerts ack", "watchlist add", "watchlist remove", "hold add", "hold remove", "user add", "user disable",
           "user enable", "user reset", "user role", "user token", "user revoke-token", "exchange signal disable",
           "exchange signal enable", "exchange signal opinion", "exchange signal release", "link override")


def _commands() -> set[str]:
    main._register()

    def walk(command: object, prefix: str) -> list[str]:
        subs = getattr(command, "commands", None)
        if not subs:
            return [prefix]
        return [n for name, sub in subs.items() for n in walk(sub, f"{prefix} {name}".strip())]

    return set(walk(typer.main.get_command(main.app), ""))


def _rows(db: Path) -> int:
    with sa.create_engine(f"sqlite:///{db}").connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one())


def test_every_command_is_classified() -> None:
    commands = _commands()
    classified = set(READS) | set(EXEMPT) | set(CHANGES)
    assert commands - classified == set(), "classify the new command: READS (and audit it) or EXEMPT with why"
    assert classified - commands == set(), "no such command"


def test_every_read_command_writes_an_audit_row(db_path: Path, tmp_path: Path) -> None:  # noqa: F811
    from adtrace.cases import watchlists
    from adtrace.linking.run import link_store
    from adtrace.storage import open_store

    keys = tmp_path / "keys"
    xk.generate("ngo-a", keys)
    xk.set_consortium_key(bytes(range(32)), keys)
    with open_store(str(db_path)) as store:
        link_store(store.engine)  # type: ignore[attr-defined]
        watchlists.add(store, "phrase", "new in town", name="audit", owner="admin")
        doc = next(iter(store.iter_ids()))
    runner = CliRunner()
    silent = []
    for command, args in sorted(READS.items()):
        filled = [a.replace("{keys}", str(keys)).replace("{tmp}", str(tmp_path)).replace("{doc}", doc) for a in args]
        before = _rows(db_path)
        done = runner.invoke(main.app, [*command.split(), *filled, "--db", str(db_path)])
        assert done.exit_code == 0, (command, done.output)
        if _rows(db_path) == before:
            silent.append(command)
    assert silent == [], f"these commands printed or shared personal data without an audit row: {silent}"


def test_watchlist_changes_and_acknowledgements_are_audited_as_in_the_app(db_path: Path) -> None:  # noqa: F811
    from adtrace.cases import alerts
    from adtrace.storage import open_store

    with open_store(str(db_path)) as store:
        alert = alerts.raise_alert(store, "test", ["audit"], doc_id=next(iter(store.iter_ids())), dedup_key="a")
        assert alert is not None
    runner = CliRunner()
    for args in (["watchlist", "add", "phone", "702-555-0142", "--name", "audit"], ["watchlist", "remove", "1"],
                 ["alerts", "ack", str(alert.id)], ["link", "override", "phone:+17025550142", "--hub", "yes"]):
        before = _rows(db_path)
        done = runner.invoke(main.app, [*args, "--db", str(db_path)])
        assert done.exit_code == 0, (args, done.output)
        assert _rows(db_path) == before + 1, args

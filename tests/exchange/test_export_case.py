"""`adtrace exchange export --case N` selects the case's documents through the store (issue 22)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from adtrace import errors
from adtrace.cli.main import _register, app
from adtrace.storage import open_store

runner = CliRunner()
_register()


def _export(db: str, keys: Path, out: Path, *extra: str) -> tuple[int, str]:
    r = runner.invoke(app, ["exchange", "export", "--db", db, "--keys", str(keys), "-o", str(out), *extra])
    if isinstance(r.exception, errors.AdtraceError):  # what `adtrace` (cli.main.main) prints as "error ..."
        return r.exit_code, str(r.exception)
    return r.exit_code, r.output


def test_export_case_selects_only_the_case_documents(db: str, tmp_path: Path, ours: Path) -> None:
    from adtrace.cases import cases as cs

    with open_store(db) as store:
        case = cs.create(store, "bicycle", "tester")
        cs.add_item(store, case.id, "document", "ad3", "tester")
        other = cs.create(store, "phone", "tester")
        cs.add_item(store, other.id, "entity", "phone:213-473-0188", "tester")  # reaches ad1 and ad2
    out = tmp_path / "b.json"
    code, text = _export(db, ours, out, "--case", str(case.id), "--decision", "")
    assert code == 0, text
    signals = json.loads(out.read_text())["signals"]
    assert [s["type"] for s in signals] == ["email"]  # ad3 holds only the e-mail
    from adtrace import evidence

    assert evidence.verify(out).ok  # the export's signed manifest
    code, text = _export(db, ours, out, "--case", str(other.id), "--decision", "")
    assert code == 0, text
    types = sorted(s["type"] for s in json.loads(out.read_text())["signals"])
    assert types == ["handle", "payment", "pdq", "phone"]  # ad1 and ad2 through the case's phone
    # --decision still applies: nothing in the case is confirmed, so nothing is shared.
    code, text = _export(db, ours, out, "--case", str(other.id))
    assert code == 0, text
    assert json.loads(out.read_text())["signals"] == []


def test_export_unknown_or_bad_case_is_a_clear_error(db: str, tmp_path: Path, ours: Path) -> None:
    code, text = _export(db, ours, tmp_path / "b.json", "--case", "999", "--decision", "")
    assert code != 0 and "no case 999" in text
    code, text = _export(db, ours, tmp_path / "b.json", "--case", "abc", "--decision", "")
    assert code != 0 and "case id is a number" in text

"""The CLI end to end: keys, trust, export (confirmed documents), import with leads, retract, PSI, screen."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from adtrace.cli.main import _register, app
from adtrace.exchange import keys as xk
from adtrace.storage import open_store
from tests.exchange.conftest import ADS, CONSORTIUM

runner = CliRunner()
_register()


def _ok(*args: str) -> dict[str, object]:
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout[r.stdout.index("{"):])  # type: ignore[no-any-return]


def test_export_import_retract_between_two_databases(db: str, tmp_path: Path, partner: Path, ours: Path) -> None:
    from adtrace.cases import decide
    from adtrace.storage.db import write

    with open_store(db) as store, write(store.engine) as conn:  # type: ignore[attr-defined]
        decide(conn, "ad1", "confirm", "", "tester")
    bundle = tmp_path / "b.json"
    out = _ok("exchange", "export", "--db", db, "--keys", str(ours), "-o", str(bundle))
    assert out["signals"] == 3  # ad1: phone, instagram handle, photo
    assert "+12134730188" not in bundle.read_text() and "sweet_jane" not in bundle.read_text().lower()

    other = tmp_path / "other.db"
    from adtrace.pipeline import Pipeline
    from adtrace.storage import init_db
    from adtrace.storage.prepare import prepare
    from tests.exchange.conftest import docs  # the partner holds the same ads

    init_db(str(other))
    with open_store(str(other)) as store:
        store.put_batch([prepare(d, Pipeline().process(d)) for d in docs()])
    assert runner.invoke(app, ["exchange", "import", str(bundle), "--db", str(other), "--keys", str(partner)]).exit_code != 0
    public = tmp_path / "pub.json"
    public.write_text(json.dumps(xk.load(ours).public_info()))
    _ok("exchange", "trust", str(public), "--db", str(other))
    report = _ok("exchange", "import", str(bundle), "--db", str(other), "--keys", str(partner))
    assert report["added"] == 3 and report["match"]["new_leads"] == 4  # type: ignore[index]  # phone in ad1 and ad2
    retraction = tmp_path / "r.json"
    _ok("exchange", "retract", "phone:213-473-0188", "-o", str(retraction), "--keys", str(ours))
    assert _ok("exchange", "import", str(retraction), "--db", str(other), "--keys", str(partner))["retracted"] == 1
    leads = _ok("exchange", "leads", "--db", str(other))["leads"]
    assert sorted(x["type"] for x in leads) == ["handle", "pdq"]  # type: ignore[union-attr]


def test_psi_with_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("phone:+1 213 473 0188\nemail:x@example.org\n")
    (tmp_path / "b.txt").write_text("phone:2134730188\nemail:y@example.org\n")
    f = {n: str(tmp_path / n) for n in ("req.json", "state.json", "resp.json", "a.txt", "b.txt")}
    _ok("exchange", "psi", "start", f["a.txt"], "--request", f["req.json"], "--state", f["state.json"])
    _ok("exchange", "psi", "respond", f["req.json"], f["b.txt"], "--response", f["resp.json"])
    assert _ok("exchange", "psi", "finish", f["state.json"], f["resp.json"])["shared"] == ["phone:+12134730188"]


def test_screen_files_prints_one_result_per_document(tmp_path: Path) -> None:
    path = tmp_path / "ads.jsonl"
    path.write_text("\n".join(json.dumps(a) for a in ADS) + "\n")
    r = runner.invoke(app, ["screen", str(path)])
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    assert [x["id"] for x in lines] == ["ad1", "ad2", "ad3"]
    assert lines[0]["entities"]["phones"][0]["value"] == "+12134730188"
    assert CONSORTIUM  # fixture data shared with the other tests

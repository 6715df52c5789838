"""`adtrace ingest` raises alerts for new documents that match a watchlist (issue 8's flow, from the CLI)."""

import json
import subprocess
import sys
from pathlib import Path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "adtrace", *args], capture_output=True, text=True, timeout=300)


def test_ingest_raises_watchlist_alert(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    assert run("init", "--db", db).returncode == 0
    added = run("watchlist", "add", "phone", "+1 (702) 555-0147", "--name", "Op Test", "--db", db)
    assert added.returncode == 0, added.stderr
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps(d) for d in [
        {"id": "m1", "text": "New in town, call 7o2 555 o147"},
        {"id": "m2", "text": "Selling a bike, call 415 555 0190"},
    ]) + "\n")
    res = run("ingest", str(corpus), "--db", db)
    assert res.returncode == 0, res.stderr
    assert "new alerts raised" in res.stderr
    listed = run("alerts", "list", "--db", db)
    assert "m1" in listed.stdout and "m2" not in listed.stdout
    # Re-ingesting the same file stores nothing new and raises nothing new.
    again = run("ingest", str(corpus), "--db", db, "--force")
    assert "new alerts raised" not in again.stderr


def test_no_alerts_flag(tmp_path: Path) -> None:
    db = str(tmp_path / "b.db")
    run("init", "--db", db)
    run("watchlist", "add", "phone", "+17025550147", "--name", "Op Test", "--db", db)
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "m1", "text": "call 702 555 0147"}) + "\n")
    res = run("ingest", str(corpus), "--db", db, "--no-alerts")
    assert res.returncode == 0 and "new alerts raised" not in res.stderr
    assert "m1" not in run("alerts", "list", "--db", db).stdout

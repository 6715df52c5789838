"""`adtrace score`: JSONL and CSV output, error policy shared with `adtrace extract`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import orjson
from typer.testing import CliRunner

from adtrace.cli.main import _register, app


def _write(tmp_path: Path) -> Path:
    p = tmp_path / "in.jsonl"
    p.write_text('{"id": "a", "title": "New in town", "text": "Sweet teen 🍭🎀, 24/7"}\n'
                 '{"id": "b", "text": "Used bike for sale"}\n'
                 'not json\n', encoding="utf-8")
    return p


def test_score_jsonl(tmp_path: Path) -> None:
    _register()
    r = CliRunner().invoke(app, ["score", str(_write(tmp_path))])
    assert r.exit_code == 0, r.output
    recs = [orjson.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert [x["id"] for x in recs] == ["a", "b"]
    assert recs[0]["risk"]["level"] == "high" and recs[1]["risk"]["level"] == "low"
    assert recs[0]["risk"]["reasons"] and recs[1]["indicators"] == []


def test_score_csv(tmp_path: Path) -> None:
    _register()
    out = tmp_path / "out.csv"
    r = CliRunner().invoke(app, ["score", str(_write(tmp_path)), "--format", "csv", "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0]["risk_level"] == "high" and "minor.youth_terms.v1" in rows[0]["indicators"]


def test_score_fail_policy_exits_with_bad_input(tmp_path: Path) -> None:
    _register()
    r = CliRunner().invoke(app, ["score", str(_write(tmp_path)), "--on-error", "fail"])
    assert r.exit_code != 0

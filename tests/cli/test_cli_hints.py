"""The CLI prints an error's `cli_hint` (the command to run) under the message; pages never show it
(adtrace.errors, "What an error says"; the web side is tests/app/test_web_hints.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from adtrace.cli.main import main


def test_a_missing_database_names_the_command_that_makes_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "none.db"
    monkeypatch.setattr(sys, "argv", ["adtrace", "search", "x", "--db", str(db)])
    with pytest.raises(SystemExit) as exc:
        main()
    err = capsys.readouterr().err
    assert exc.value.code == 3
    message, hint = err.strip().splitlines()[:2]
    assert "AT202: no database at" in message and "adtrace init" not in message
    assert hint.strip() == f"hint: create it with `adtrace init --db sqlite:///{db}`"


def _rejected_with_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                       *commands: list[str]) -> tuple[str, str]:
    """Run `commands` (each given the CSV with no text column as {ads}); the rejection line and the line under it."""
    ads = tmp_path / "ads.csv"
    ads.write_text("a,b\n1,2\n", encoding="utf-8")
    for argv in commands:
        monkeypatch.setattr(sys, "argv", ["adtrace", *(str(ads) if a == "{ads}" else a for a in argv)])
        try:
            main()
        except SystemExit as exc:
            assert not exc.code
    err = capsys.readouterr().err.splitlines()
    rejected = next(n for n, line in enumerate(err) if "no column named 'text'" in line)
    return err[rejected], err[rejected + 1].strip()


def test_a_rejected_line_prints_the_flag_that_fixes_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The flag left the message (pages show it) for cli_hint: ingest still prints it under the rejection."""
    db = f"sqlite:///{tmp_path / 'x.db'}"
    line, hint = _rejected_with_hint(tmp_path, capsys, monkeypatch, ["init", "--db", db], ["ingest", "{ads}", "--db", db])
    assert "--text-col" not in line
    assert hint == "hint: name it with `--text-col`"


def test_an_engine_run_prints_a_rejected_lines_hint_too(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """As ingest: the flag that fixes a rejected line travels in the run's error records and is printed under it."""
    line, hint = _rejected_with_hint(tmp_path, capsys, monkeypatch,
                                     ["engine", "run", "--engine", "local", "-i", "{ads}", "-o", str(tmp_path / "out")])
    assert line.startswith("rejected") and "--text-col" not in line
    assert hint == "hint: name it with `--text-col`"

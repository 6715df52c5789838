"""The CLI prints an error's `cli_hint` (the command to run) under the message; pages never show it
(adtrace.errors, "What an error says"; the web side is tests/app/test_web_hints.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from adtrace import i18n
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
                       *commands: list[str], csv: str = "a,b\n1,2\n",
                       needle: str = "no column named 'text'") -> tuple[str, str]:
    """Run `commands` (each given `csv`, by default one with no text column, as {ads}); the rejection line that
    says `needle` and the line under it."""
    ads = tmp_path / "ads.csv"
    ads.write_text(csv, encoding="utf-8")
    for argv in commands:
        monkeypatch.setattr(sys, "argv", ["adtrace", *(str(ads) if a == "{ads}" else a for a in argv)])
        try:
            main()
        except SystemExit as exc:
            assert not exc.code
    err = capsys.readouterr().err.splitlines()
    rejected = next(n for n, line in enumerate(err) if needle in line)
    return err[rejected], (err[rejected + 1:] or [""])[0].strip()


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


def _pipeline_fails(*args: object, **kwargs: object) -> None:
    raise RuntimeError("a stage broke")


@pytest.mark.parametrize("module,command", [
    ("adtrace.engine.stages", ["engine", "run", "--engine", "local", "-i", "{ads}", "-o", "{out}"]),
    ("adtrace.storage.ingest", ["ingest", "{ads}", "--db", "{db}"]),
])
def test_a_document_the_pipeline_failed_on_is_reported_as_a_bug(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch, module: str,
                                                              command: list[str]) -> None:
    """A pipeline failure (AT500) is no fault of the input: the hint says it is a bug in adtrace and what to
    report, not how to fix the data."""
    monkeypatch.setattr(f"{module}.prepare", _pipeline_fails)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    named = {"{out}": str(tmp_path / "out"), "{db}": db}
    line, hint = _rejected_with_hint(tmp_path, capsys, monkeypatch, ["init", "--db", db],
                                     [named.get(a, a) for a in command], csv="id,text\nad-1,hello there\n",
                                     needle="pipeline failed on document ad-1")
    assert line.startswith("rejected") and "RuntimeError: a stage broke" in line
    assert hint.startswith("hint: a bug in adtrace, not in the input") and "`adtrace --version`" in hint, hint


def test_the_hint_label_is_in_the_readers_language(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """ADTRACE_LANG=es: the label before a CLI hint is Spanish (the command in it stays as typed). The label
    is extracted for translation only when its gettext call stands outside an f-string."""
    monkeypatch.setenv("ADTRACE_LANG", "es")
    monkeypatch.setattr(sys, "argv", ["adtrace", "search", "x", "--db", str(tmp_path / "none.db")])
    try:
        with pytest.raises(SystemExit):
            main()
    finally:
        i18n.set_locale(i18n.DEFAULT)  # main() set the process's language: the next tests read English
    hint = [line.strip() for line in capsys.readouterr().err.splitlines() if "`adtrace init" in line]
    assert hint and hint[0].startswith("sugerencia: "), hint



@pytest.mark.parametrize("command", [["ingest", "{ads}", "--db", "{db}"], ["extract", "{ads}", "-o", "{out}"]])
def test_an_errors_file_keeps_each_lines_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              command: list[str]) -> None:
    """With --errors-file the rejected lines go to the file, not the screen: the file keeps the advice as
    `hint`, as an engine run's error records do (before, ingest dropped it and extract never had it), and
    the flag it names works on ingest too (it had no --max-line-bytes)."""
    import orjson

    db = f"sqlite:///{tmp_path / 'x.db'}"
    ads, log = tmp_path / "ads.jsonl", tmp_path / "rejected.jsonl"
    ads.write_bytes(orjson.dumps({"text": "short ad"}) + b"\n" + orjson.dumps({"text": "x" * 3000}) + b"\n")
    named = {"{ads}": str(ads), "{db}": db, "{out}": str(tmp_path / "out.jsonl")}
    for argv in (["init", "--db", db],
                 [*(named.get(a, a) for a in command), "--errors-file", str(log), "--max-line-bytes", "1000"]):
        monkeypatch.setattr(sys, "argv", ["adtrace", *argv])
        try:
            main()
        except SystemExit as exc:
            assert not exc.code
    [record] = [orjson.loads(line) for line in log.read_bytes().splitlines()]
    assert (record["line"], record["code"]) == (2, "AT105")
    assert record["hint"] == "raise it with `--max-line-bytes`"


def test_every_flag_a_readers_hint_names_exists_on_every_reading_command() -> None:
    """A reader's cli_hint is printed by every command that reads files (ingest, engine run, extract, score):
    the flags it names must exist on each (engine run named --text-col and had none; ingest named
    --max-line-bytes and had none)."""
    import re

    import typer.main

    from adtrace.cli import main as cli

    cli._register()
    sources = Path(__file__).parents[2] / "src" / "adtrace" / "sources"
    hints = {m for f in sources.rglob("*.py") for m in re.findall(r'cli_hint="([^"]*)"', f.read_text(encoding="utf-8"))}
    flags = {flag for hint in hints for flag in re.findall(r"`(--[a-z-]+)", hint)}
    assert {"--text-col", "--max-line-bytes", "--format"} <= flags
    root = typer.main.get_command(cli.app)
    for path in (["ingest"], ["engine", "run"], ["extract"], ["score"]):
        cmd = root
        for name in path:
            cmd = cmd.commands[name]  # type: ignore[attr-defined]
        options = {o for p in cmd.params for o in p.opts}
        # "--format" is the input's format except on extract and score, whose hints name --input-format too
        wanted = flags - {"--format", "--input-format"} | ({"--input-format"} if "--input-format" in options else {"--format"})
        missing = wanted - options
        assert not missing, (path, missing)


def test_on_off_flags_show_no_value_type_in_help(capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """typer printed `--force  --no-force  <bool>`, which reads as `--force true` (then taken as a path):
    a flag's type column is empty; options that take a value keep theirs."""
    monkeypatch.setattr(sys, "argv", ["adtrace", "ingest", "--help"])
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit):
        main()
    lines = capsys.readouterr().out.splitlines()
    flags = [line for line in lines if "--force" in line or "--ocr" in line or "--json" in line]
    assert len(flags) == 3 and not any("<bool>" in line for line in flags), flags
    assert any("--region" in line and "<str>" in line for line in lines)

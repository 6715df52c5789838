"""A file or column name holding "%" never reaches a format string (errors build the place through i18n).

`InputError.at` and `_place` put the path, line and field into translated patterns as values only; a
name like "ads %(where)s %d 100%.jsonl" or a column "%(what)s" must come out as written, in every
language, never as a KeyError, a TypeError or a traceback. Synthetic files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

NAME = "ads %(where)s %(x)s %d %s 100%"


def run(args: list[str], lang: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ADTRACE_LANG"} | ({"ADTRACE_LANG": lang} if lang else {})
    return subprocess.run([sys.executable, "-m", "adtrace", *args], capture_output=True, env=env, timeout=300,
                          text=True)


@pytest.mark.parametrize("lang", [None, "es", "zh_Hans"])
def test_percent_signs_in_names_are_shown_as_written(tmp_path: Path, lang: str | None) -> None:
    feed = tmp_path / f"{NAME}.jsonl"
    feed.write_text('{"id": "p-1", "text": "hello"}\n{"id": "p-2", "text": ""}\n{oops\n[1]\n', "utf-8")
    items = tmp_path / f"{NAME}.json"
    items.write_text('[{"id": "p-3", "text": "hi"}, {"id": "%(x)s/..", "text": "x"}, 5]', "utf-8")
    done = run(["extract", str(feed), str(items)], lang)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.count(NAME) >= 5, done.stderr  # each rejected line names its file as it is
    sheet = tmp_path / f"{NAME}.csv"
    sheet.write_text("%(what)s,%d\nhello,1\n", "utf-8")
    done = run(["extract", str(sheet), "--text-col", "%(where)s"], lang)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "AT103" in done.stderr  # the column is missing
    assert NAME in done.stderr and "%(what)s, %d" in done.stderr and "'%(where)s'" in done.stderr, done.stderr

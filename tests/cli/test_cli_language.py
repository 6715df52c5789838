"""The CLI speaks the language ADTRACE_LANG names (issue 21); without it, English (scripts parse it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from adtrace import i18n


def run(args: list[str], lang: str | None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "ADTRACE_LANG"}
    if lang:
        env["ADTRACE_LANG"] = lang
    return subprocess.run([sys.executable, "-m", "adtrace", *args], capture_output=True, env=env, timeout=300)


@pytest.mark.parametrize(("env", "want"), [({}, "en"), ({"ADTRACE_LANG": "es"}, "es"),
                                           ({"ADTRACE_LANG": "es_MX.UTF-8"}, "es"),
                                           ({"ADTRACE_LANG": "zh_Hans"}, "zh_Hans"), ({"ADTRACE_LANG": "xx"}, "en"),
                                           ({"LANG": "es_ES.UTF-8"}, "en")])  # POSIX LANG is not read
def test_language_from_environment(env: dict[str, str], want: str) -> None:
    assert i18n.from_environment(env) == want


def test_error_and_messages_in_spanish_and_chinese(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.jsonl")
    english = run(["extract", missing], None)
    assert english.returncode == 1 and english.stderr.decode().startswith("error AT107")
    spanish = run(["extract", missing], "es").stderr.decode()
    assert spanish.startswith("error AT107") and "AT107: un archivo de entrada que no existe" in spanish
    chinese = run(["extract", missing], "zh_Hans").stderr.decode()
    assert chinese.startswith("错误 AT107") and "不存在的输入文件" in chinese
    db = str(tmp_path / "t.db")
    assert "está al día" not in run(["init", "--db", db], "es").stderr.decode()  # first run: created
    assert "está al día" in run(["init", "--db", db], "es").stderr.decode()
    assert "已是最新" in run(["init", "--db", db], "zh_Hans").stderr.decode()


def test_read_summary_in_spanish_and_chinese_with_plurals() -> None:
    """extract/score/screen end with how many documents they read: translated, in the right plural."""
    one = b'{"id": "a1", "text": "call 702-555-0147"}\n'
    two = one + b'{"id": "a2", "text": "hello"}\n'

    def summary(stdin: bytes, lang: str | None) -> str:
        env = {k: v for k, v in os.environ.items() if k != "ADTRACE_LANG"} | ({"ADTRACE_LANG": lang} if lang else {})
        done = subprocess.run([sys.executable, "-m", "adtrace", "extract"], input=stdin, capture_output=True, env=env,
                              timeout=300)
        assert done.returncode == 0, done.stderr.decode()
        return done.stderr.decode()

    assert "1 document read, 0 rejected" in summary(one, None)
    assert "2 documents read, 0 rejected" in summary(two, None)
    assert "1 documento leído (rechazados: 0)" in summary(one, "es")
    assert "2 documentos leídos (rechazados: 0)" in summary(two, "es")
    assert "读取 2 个文档，拒绝 0 个" in summary(two, "zh_Hans")


def test_rejected_lines_say_where_and_why_in_the_readers_language(tmp_path: Path) -> None:
    """Was: under ADTRACE_LANG=es a rejected line read "line 2, field 'text': no text. Give each document..."
    (the located place and Document's messages were not marked) and a broken line ended in orjson's English
    words alone. English stays as it was, word for word."""
    src = tmp_path / "ads.jsonl"
    src.write_bytes(b'{"id": "a1", "text": "call 702-555-0147"}\n{"id": "a2", "text": " "}\n{oops\n')
    db = str(tmp_path / "t.db")
    assert run(["init", "--db", db], None).returncode == 0
    english = run(["ingest", str(src), "--db", db, "--no-alerts", "--force"], None).stderr.decode()
    assert (f"rejected {src}, line 2, field 'text': no text. Give each document a non-empty 'text' (or map the "
            "column that holds it to 'text')") in english
    assert f"rejected {src}, line 3: broken JSON at column 2 (" in english
    spanish = run(["ingest", str(src), "--db", db, "--no-alerts", "--force"], "es").stderr.decode()
    assert f"rechazado {src}, línea 2, campo 'text': sin texto. Dé a cada documento un 'text' no vacío" in spanish
    assert f"{src}, línea 3: JSON roto en la columna 2 (" in spanish
    assert "line 2" not in spanish and "no text" not in spanish and "field 'text'" not in spanish
    chinese = run(["ingest", str(src), "--db", db, "--no-alerts", "--force"], "zh_Hans").stderr.decode()
    assert f"已拒绝 {src}，第 2 行，字段 'text'：没有文本。" in chinese
    assert f"{src}，第 3 行：JSON 损坏，位于第 2 列（" in chinese

"""`--help` speaks the language ADTRACE_LANG names, like the CLI's messages (issue 21); English by default."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import typer

from adtrace import i18n
from adtrace.cli import helptext, main


def help_of(args: list[str], lang: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "ADTRACE_LANG"}
    if lang:
        env["ADTRACE_LANG"] = lang
    env["COLUMNS"] = "200"  # long help lines stay whole, so a phrase is found in one piece
    done = subprocess.run([sys.executable, "-m", "adtrace", *args, "--help"], capture_output=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


def test_root_help_in_english_by_default_and_in_spanish() -> None:
    english = help_of([], None)
    assert "Find likely human trafficking in online ads" in english
    assert "Print the version and exit." in english
    spanish = help_of([], "es")
    assert "Encontrar probable trata de personas en anuncios en línea" in spanish  # the app's help
    assert "Imprimir la versión y salir." in spanish  # an option's help
    assert "Crear una base de datos" in spanish  # a command's summary (its docstring)
    assert "Find likely human trafficking" not in spanish and "Print the version" not in spanish


def test_ingest_help_in_chinese() -> None:
    chinese = help_of(["ingest"], "zh_Hans")
    assert "将文档载入存储" in chinese  # the command's docstring
    assert "数据库" in chinese and "显示此帮助信息并退出" in chinese  # --db's help, click's own --help
    assert "--db" in chinese  # option names are never translated
    english = help_of(["ingest"], None)
    assert "Load documents into the store" in english and "将文档" not in english


def _texts(command: Any) -> list[str]:
    out = [t for t in (command.help, command.short_help) if t]
    out += [p.help for p in command.params if getattr(p, "help", None)]
    for sub in (getattr(command, "commands", None) or {}).values():
        out += _texts(sub)
    return out


def test_every_help_text_has_a_translation() -> None:
    """Every help text of the built command tree is in both catalogues (the extractor found it) - so
    no command shows English help in a translated CLI. The .po completeness is tests/i18n's job."""
    main._register()
    texts = _texts(typer.main.get_command(main.app))
    assert len(texts) > 300  # the tree really was walked (412 texts, 310 distinct, when this was written)
    for lang in ("es", "zh_Hans"):
        catalogue = i18n.translations(lang)
        untranslated = [t for t in texts if catalogue.gettext(t) == t and not t.startswith("phone | email")]
        assert not untranslated, (lang, untranslated[:5])


def test_translate_is_a_no_op_in_english() -> None:
    main._register()
    command = typer.main.get_command(main.app)
    before = _texts(command)
    with i18n.use("en"):
        helptext.translate(command)
    assert _texts(command) == before

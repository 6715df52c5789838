"""A pybabel extractor for the indicator catalogue (babel.cfg): each indicator's description is a
message, and so is what its evidence source found, so pages, explanations and reports can show them in
the reader's language.

The YAML stays the one source of what an indicator means; translators see the indicator id as the
message's comment.
"""

from __future__ import annotations

import ast
import inspect
import io
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any, cast

import yaml


def extract_catalogue(fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str],
                      options: Mapping[str, Any]) -> Iterator[tuple[int, str, str, list[str]]]:
    """(line, funcname, message, comments) for every indicator description and evidence finding."""
    text = fileobj.read().decode("utf-8")
    data = yaml.safe_load(text) or {}
    lines = text.splitlines()

    def line_of(needle: str) -> int:
        for n, line in enumerate(lines, 1):
            if needle in line:
                return n
        return 0

    for ind in data.get("indicators") or []:
        description = ind.get("description")
        if description:
            yield line_of(f"id: {ind['id']}"), "gettext", str(description), [f"indicator {ind['id']}"]
        # What the indicator's research source found (indicators.wording.support shows it translated).
        finding = (ind.get("evidence") or {}).get("finding")
        if finding:
            yield line_of(f"id: {ind['id']}"), "gettext", str(finding), [f"evidence of {ind['id']}"]


def extract_cli(fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str],
                options: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    """The CLI's modules (babel.cfg): their marked messages as for any Python file, and every `--help`
    text in them - each `help=` string and each command's docstring - so the help can be translated
    without a second copy of it in the source (adtrace.cli.helptext translates it when the app is built).
    Texts are cleaned as typer/click clean them (`inspect.cleandoc`), so the ids match at run time."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, cast(Any, options))
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "help" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    yield kw.value.lineno, "gettext", inspect.cleandoc(kw.value.value), ["--help"]
        elif isinstance(node, ast.FunctionDef) and any(_is_command(d) for d in node.decorator_list):
            doc = ast.get_docstring(node)  # typer's inspect.getdoc: the same cleaning
            if doc:
                yield node.lineno, "gettext", doc, ["--help"]


def _is_command(decorator: ast.expr) -> bool:
    """`@app.command(...)` / `@app.callback(...)` without a help= (typer then shows the docstring)."""
    return (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in ("command", "callback")
            and not any(kw.arg == "help" for kw in decorator.keywords))

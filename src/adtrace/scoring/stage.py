"""The pipeline stage `indicate_and_score(doc, record)`: adds `indicators` and `risk` to a Record."""

from __future__ import annotations

from typing import Any

from adtrace.documents import Document
from adtrace.indicators import active_indicators, indicate
from adtrace.scoring.rules import score
from adtrace.text import View


def indicate_and_score(doc: Document, record: dict[str, Any], view: View | None = None) -> None:
    record["indicators"] = indicate(doc.full_text, record, doc.kind, view)
    record["risk"] = score(record)


def reads() -> set[str]:
    """The Record fields the active indicators read (`reads:` in catalogue.yaml); the pipeline checks its
    extractors assign them all before it scores."""
    return {f for ind in active_indicators() for f in ind.reads}


indicate_and_score.reads = reads  # type: ignore[attr-defined]  # what the pipeline's stage check asks

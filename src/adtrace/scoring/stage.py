"""The pipeline stage `indicate_and_score(doc, record)`: adds `indicators` and `risk` to a Record."""

from __future__ import annotations

from typing import Any

from adtrace.documents import Document
from adtrace.indicators import active_indicators, indicate
from adtrace.scoring.rules import score
from adtrace.text import View


def indicate_and_score(doc: Document, record: dict[str, Any], view: View | None = None) -> None:
    record["indicators"] = indicate(_full_text(doc, view), record, doc.kind, view)
    record["risk"] = score(record)


def _full_text(doc: Document, view: View | None) -> str:
    """`doc.full_text`, or the view's original when it is that very text: then no second copy of the
    text is built, and `indicate` sees in one identity test that the view is the text's (speed)."""
    return view.original if view is not None and doc.is_full_text(view.original) else doc.full_text


def reads() -> set[str]:
    """The Record fields the active indicators read (`reads:` in catalogue.yaml); the pipeline checks its
    extractors assign them all before it scores."""
    return {f for ind in active_indicators() for f in ind.reads}


indicate_and_score.reads = reads  # type: ignore[attr-defined]  # what the pipeline's stage check asks

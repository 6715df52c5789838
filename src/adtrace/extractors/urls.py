"""Web addresses written in the text (with or without a scheme): adtrace.text.links finds them."""

from __future__ import annotations

from adtrace.extractors.base import Context, Extractor, entity
from adtrace.extractors.registry import register
from adtrace.text.links import find_urls

__all__ = ["find_urls"]


def _run(ctx: Context) -> None:
    view = ctx.view
    # The phones step already listed them (a private key, not in the Record).
    found = ctx.record.get("_text_urls")
    for value, (start, end) in found if found is not None else find_urls(view.text):
        ctx.add("urls", entity(value, view.span(start, end)))
    ctx.record.setdefault("urls", [])


register(Extractor("urls", _run, assigns=("urls",)))

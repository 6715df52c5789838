"""Web addresses written in the text (with or without a scheme)."""

from __future__ import annotations

import re

from adtrace.extractors.base import Context, Extractor, entity
from adtrace.extractors.registry import register

_URL = re.compile(
    r"(?<![@\w.])(?:(?:https?://|www\.)[^\s<>\"'()]+"
    r"|[a-z0-9][a-z0-9-]{1,62}\.(?:com|net|org|info|biz|me|co|io|tv|xxx|us|ca|uk|club|online|site|top|vip)"
    r"(?:/[^\s<>\"'()]*)?)(?![\w@])",
    re.I,
)
_TRAIL = ".,;:!?)]}'\""


def find_urls(text: str) -> list[tuple[str, tuple[int, int]]]:
    out = []
    for m in _URL.finditer(text):
        value = m.group(0)
        end = m.end()
        while value and value[-1] in _TRAIL:
            value = value[:-1]
            end -= 1
        if value:
            out.append((value, (m.start(), end)))
    return out


def _run(ctx: Context) -> None:
    view = ctx.view
    for value, (start, end) in find_urls(view.text):
        ctx.add("urls", entity(value, view.span(start, end)))
    ctx.record.setdefault("urls", [])


register(Extractor("urls", _run, assigns=("urls",)))

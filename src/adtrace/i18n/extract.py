"""A pybabel extractor for the indicator catalogue (babel.cfg): each indicator's description is a
message, so pages, explanations and reports can show it in the reader's language.

The YAML stays the one source of what an indicator means; translators see the indicator id as the
message's comment.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

import yaml


def extract_catalogue(fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str],
                      options: Mapping[str, Any]) -> Iterator[tuple[int, str, str, list[str]]]:
    """(line, funcname, message, comments) for every indicator description and ILO code label."""
    text = fileobj.read().decode("utf-8")
    data = yaml.safe_load(text) or {}
    lines = text.splitlines()

    def line_of(needle: str) -> int:
        for n, line in enumerate(lines, 1):
            if needle in line:
                return n
        return 0

    for ind in data.get("indicators") or []:
        description = ind.get("description")
        if description:
            yield line_of(f"id: {ind['id']}"), "gettext", str(description), [f"indicator {ind['id']}"]

"""Text assembled from tokens that know what they plant, so the truth gets every entity's span.

A part is a list of tokens `(surface, note)`. `note` is None for plain wording, an entity
(`{"kind", "value", ...}`) or a trap (`{"trap", "value", "not"}`: text that looks like an entity and
must not be read as one, with the readings it must not give). `render` joins the parts and records
each note with `field` and `span` = [start, end) as Python string (code point) offsets, so
`document[field][start:end]` is exactly the planted surface.
"""

from __future__ import annotations

import re
from typing import Any

Note = dict[str, Any]
Token = tuple[str, Note | None]
Part = list[Token]

_INT = re.compile(r"\d+")


def ent(kind: str, surface: str, value: Any, **extra: Any) -> Token:
    return surface, {"kind": kind, "value": value, **extra}


def trap(kind: str, surface: str, value: Any) -> Token:
    """A look-alike with the readings it must not give: ages 13-80, prices from 20, phones of 7+ digits."""
    ints = [int(x) for x in _INT.findall(surface)]
    digits = "".join(_INT.findall(surface))
    not_: dict[str, list[Any]] = {"age": sorted({v for v in ints if 13 <= v <= 80}),
                                  "price": sorted({v for v in ints if v >= 20})}
    if len(digits) >= 7:
        not_["phone"] = [digits]
    return surface, {"trap": kind, "value": value, "not": not_}


def text(s: str) -> Part:
    return [(s, None)]


def size(part: Part) -> int:
    return sum(len(s) for s, _ in part)


def render(parts: list[Part], joiner: str | Part, field: str, notes: list[Note]) -> str:
    """The parts joined by `joiner`; appends each note with its field and span to `notes`."""
    join = [(joiner, None)] if isinstance(joiner, str) else joiner
    out: list[str] = []
    pos = 0
    for k, part in enumerate(parts):
        if k:
            for s, _ in join:
                out.append(s)
                pos += len(s)
        for s, note in part:
            if note is not None:
                inner = note.get("_inner", ())
                notes.append({**{k: v for k, v in note.items() if k != "_inner"}, "field": field,
                              "span": [pos, pos + len(s)]})
                for off, length, sub in inner:  # e.g. the numeric id inside a URL
                    notes.append({**sub, "field": field, "span": [pos + off, pos + off + length]})
            out.append(s)
            pos += len(s)
    return "".join(out)

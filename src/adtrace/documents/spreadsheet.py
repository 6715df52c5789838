"""CSV for spreadsheets: the one writer every CSV adtrace produces goes through (case exports, labels.csv,
`adtrace extract --format csv`).

Ad text, ids, sources and places are attacker-controlled. A cell that a spreadsheet reads as a formula
(`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`, `+`, `-`, `@`, or any of them behind a leading TAB, CR, LF or
spaces) runs when an analyst opens the file. Every such cell is written with a leading apostrophe, which
spreadsheets show as text (OWASP "CSV injection"). Numbers stay numbers, and so does a cell that is one
signed number (an E.164 phone such as +17025550147): a spreadsheet reads it as that number, nothing runs.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

# Full-width forms too: some spreadsheet locales fold them to the ASCII operators.
_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
_SIGNED_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet must see it: ints, floats and None untouched; a string that could start
    a formula gets a leading apostrophe."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    stripped = text.lstrip(" ")
    if stripped and stripped[0] in _TRIGGERS and not _SIGNED_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeWriter:
    """`csv.writer` whose every cell passes through `safe_cell`."""

    def __init__(self, fh: IO[str], **fmt: Any) -> None:
        self._w = csv.writer(fh, **fmt)

    def writerow(self, row: Iterable[Any]) -> None:
        self._w.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(fh: IO[str], **fmt: Any) -> SafeWriter:
    """The CSV writer to use everywhere (a `csv.writer` that guards every cell)."""
    return SafeWriter(fh, **fmt)


def read_cell(value: str) -> str:
    """Undo `safe_cell` when reading our own CSV back (labels.csv into `adtrace train`)."""
    if value.startswith("'") and safe_cell(value[1:]) != value[1:]:
        return value[1:]
    return value

"""Bounded parameter types for the JSON API: an out-of-range number or a malformed date is a 422 in the
one error shape (FastAPI validates them), never a database overflow turned into a plain-text 500."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path, Query

MAX_ROW_ID = 2**53  # row ids stay below this (JSON-safe, and inside every database's 64-bit integer)

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="A row id (1 or more).")]
Limit = Annotated[int, Query(ge=0, le=10_000, description="How many rows at most.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip.")]
Since = Annotated[int, Query(ge=0, le=MAX_ROW_ID, description="Only rows with a larger id.")]
Before = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID, description="Only rows with a smaller seq.")]
Day = Annotated[date | None, Query(description="An ISO 8601 date, e.g. 2024-05-01.")]
Score = Annotated[float, Query(ge=0, le=100, description="A risk score, 0-100.")]
MaybeScore = Annotated[float | None, Query(ge=0, le=100, description="A risk score, 0-100; default: the "
                                                                      "`high` threshold in force.")]


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None

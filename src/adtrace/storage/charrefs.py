"""HTML character references in ad text, as the full-text index reads them (migration 0028).

Scraped ads keep entities in their stored text ("R&amp;B", "caf&eacute;", "&nbsp;", "&#128139;"). The
pages show the characters they stand for (`html.unescape`), so search indexes and cuts its snippets from
the same decoded text: "café" finds "caf&eacute;" and "nbsp" finds no ad for its entities. The stored
text stays as it came (evidence offsets index it).

SQLite: the writer and the FTS5 triggers call `adtrace_unescape`, this module's `decoded` registered on
every connection (adtrace/storage/sqlite.py); only values holding an "&" reach Python. PostgreSQL: a
PL/pgSQL function of the same name (migration 0028) follows `html.unescape` step by step; a test checks
both agree on every entity name and on the numeric edge cases.
"""

from __future__ import annotations

import sqlite3

from adtrace.text.charrefs import unescape

FUNCTION = "adtrace_unescape"


def decoded(text: str | None) -> str | None:
    """The text with its character references decoded, as `html.unescape` (and the pages) read them; never
    raises (a raise here would fail the writer's statement and every trigger: adtrace.text.charrefs)."""
    return unescape(text) if text and "&" in text else text


def sqlite_decoded(column: str) -> str:
    """SQL for `column` decoded: the Python function is called only for values holding an "&"."""
    return f"CASE WHEN instr({column}, '&') THEN {FUNCTION}({column}) ELSE {column} END"


def register(conn: sqlite3.Connection) -> None:
    """Make `adtrace_unescape` callable in SQL on this SQLite connection (its triggers need it)."""
    conn.create_function(FUNCTION, 1, decoded, deterministic=True)

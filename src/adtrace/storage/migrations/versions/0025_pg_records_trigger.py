"""PostgreSQL: a record's level moves its search row by the row's key, not by a join.

0023's `search_docs_records` trigger updated `search_docs` joined to `documents` on the record's doc id.
Run once per record inserted, its cached plan scanned `search_docs` (planned while the table was small or
unanalysed), so a bulk `adtrace load` into a new database slowed down as the table grew: 2.6 ms a record
over 6,000 synthetic documents, 80 s of table load for 15,000 (`bench/scale.py`, quiet machine). Now the
trigger looks up the document's seq by its id (the primary key of `documents`) and updates `search_docs`
by its primary key, and does nothing when the document has no search row yet (a record written in the
document's own transaction: the deferred `search_docs_at_commit` writes the row with the level then).
SQLite has no such trigger.

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import importlib
from typing import Any

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

_RECORDS = """
CREATE OR REPLACE FUNCTION search_docs_records() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s bigint;
    src text;
    knd text;
BEGIN
    SELECT d.seq, d.source, d.kind INTO s, src, knd FROM documents d WHERE d.id = NEW.doc_id;
    IF s IS NOT NULL THEN
        UPDATE search_docs SET combo = adtrace_facet_combo(src, knd, NEW.risk_level) WHERE seq = s;
    END IF;
    RETURN NULL;
END $$"""


def _cursor() -> Any:
    # The driver's own cursor: these bodies hold ':' and '%', which bind-parameter parsing would misread.
    return op.get_bind().connection.driver_connection.cursor()  # type: ignore[union-attr]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _cursor().execute(_RECORDS)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _cursor().execute(importlib.import_module("adtrace.storage.migrations.versions.0023_pg_facet_combos")._RECORDS)

"""SQLite: facet rows are written by the writer per batch, not by per-row insert/update triggers.

See adtrace/storage/facets.py for the measurement. Delete triggers stay (purges still clean up), and
PostgreSQL keeps all its triggers.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_WRITER_OWNED = ("facet_documents_ai", "facet_documents_au", "facet_records_ai", "facet_records_au",
                 "facet_entities_ai", "facet_indicator_hits_ai")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in _WRITER_OWNED:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # Recreate them as 0007 wrote them.
    import importlib

    m = importlib.import_module("adtrace.storage.migrations.versions.0007_search_facets")
    for name in ("facet_documents_ad", "facet_records_ad", "facet_entities_ad", "facet_indicator_hits_ad"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    m._sqlite_triggers()

"""Search facets: one narrow row per (document, facet, value), kept in step by triggers.

Counting facets by joining `documents` (wide rows: text and JSON) cost most of a broad search; this
table lets search count every facet from one index keyed by the document's integer `seq`, and filter
on a facet without touching `documents`. Triggers (not the writer) keep it in step, so every writer —
`adtrace ingest`, the engine's bulk load, later ones — fills it.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# What each facet is made of (the same as search counted before this table).
_BACKFILL = (
    "INSERT INTO facet_values (seq, facet, value) SELECT seq, 'source', source FROM documents",
    "INSERT INTO facet_values (seq, facet, value) SELECT seq, 'kind', kind FROM documents",
    "INSERT INTO facet_values (seq, facet, value) SELECT d.seq, 'risk_level', r.risk_level FROM records r "
    "JOIN documents d ON d.id = r.doc_id WHERE r.risk_level IS NOT NULL",
    "INSERT INTO facet_values (seq, facet, value) SELECT d.seq, 'city', e.value FROM entities e "
    "JOIN documents d ON d.id = e.doc_id WHERE e.kind = 'city'",
    "INSERT INTO facet_values (seq, facet, value) SELECT d.seq, 'indicator', h.indicator_id "
    "FROM indicator_hits h JOIN documents d ON d.id = h.doc_id",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # WITHOUT ROWID: the primary key is the table, so a document's facets are one contiguous read.
        op.execute("CREATE TABLE facet_values (seq INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL, "
                   "PRIMARY KEY (seq, facet, value)) WITHOUT ROWID")
    else:
        op.create_table(
            "facet_values",
            sa.Column("seq", SEQ, nullable=False),
            sa.Column("facet", sa.Text, nullable=False),
            sa.Column("value", sa.Text, nullable=False),
            sa.PrimaryKeyConstraint("seq", "facet", "value", name="facet_values_pk"),
        )
    for sql in _BACKFILL:
        op.execute(sql)
    # Filters (source = x, indicator = y, ...) read the documents holding one value.
    op.create_index("facet_values_value", "facet_values", ["facet", "value", "seq"])
    if dialect == "sqlite":
        _sqlite_triggers()
    elif dialect == "postgresql":
        _postgres_triggers()


def _sqlite_triggers() -> None:
    seq = "(SELECT seq FROM documents WHERE id = {}.doc_id)"
    op.execute("CREATE TRIGGER facet_documents_ai AFTER INSERT ON documents BEGIN "
               "INSERT OR IGNORE INTO facet_values VALUES (new.seq, 'source', new.source), (new.seq, 'kind', new.kind); "
               "END")
    op.execute("CREATE TRIGGER facet_documents_au AFTER UPDATE OF source, kind ON documents BEGIN "
               "DELETE FROM facet_values WHERE seq = old.seq AND facet IN ('source', 'kind'); "
               "INSERT OR IGNORE INTO facet_values VALUES (new.seq, 'source', new.source), (new.seq, 'kind', new.kind); "
               "END")
    op.execute("CREATE TRIGGER facet_documents_ad AFTER DELETE ON documents BEGIN "
               "DELETE FROM facet_values WHERE seq = old.seq; END")
    op.execute("CREATE TRIGGER facet_records_ai AFTER INSERT ON records WHEN new.risk_level IS NOT NULL BEGIN "
               f"INSERT OR IGNORE INTO facet_values SELECT {seq.format('new')}, 'risk_level', new.risk_level "
               f"WHERE {seq.format('new')} IS NOT NULL; END")
    op.execute("CREATE TRIGGER facet_records_au AFTER UPDATE OF risk_level ON records BEGIN "
               f"DELETE FROM facet_values WHERE seq = {seq.format('old')} AND facet = 'risk_level'; "
               f"INSERT OR IGNORE INTO facet_values SELECT {seq.format('new')}, 'risk_level', new.risk_level "
               f"WHERE new.risk_level IS NOT NULL AND {seq.format('new')} IS NOT NULL; END")
    op.execute("CREATE TRIGGER facet_records_ad AFTER DELETE ON records BEGIN "
               f"DELETE FROM facet_values WHERE seq = {seq.format('old')} AND facet = 'risk_level'; END")
    # Rows of entities and indicator_hits are never updated in place (the writer deletes and re-inserts).
    for table, facet, col, cond in (("entities", "city", "value", "{}.kind = 'city'"),
                                    ("indicator_hits", "indicator", "indicator_id", "")):
        when_new, when_old = (f"WHEN {cond.format('new')} ", f"WHEN {cond.format('old')} ") if cond else ("", "")
        op.execute(f"CREATE TRIGGER facet_{table}_ai AFTER INSERT ON {table} {when_new}BEGIN "
                   f"INSERT OR IGNORE INTO facet_values SELECT {seq.format('new')}, '{facet}', new.{col} "
                   f"WHERE {seq.format('new')} IS NOT NULL; END")
        op.execute(f"CREATE TRIGGER facet_{table}_ad AFTER DELETE ON {table} {when_old}BEGIN "
                   f"DELETE FROM facet_values WHERE seq = {seq.format('old')} AND facet = '{facet}' "
                   f"AND value = old.{col}; END")


_PG_FUNCTIONS = {
    "documents": """
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM facet_values WHERE seq = OLD.seq AND (TG_OP = 'DELETE' OR facet IN ('source', 'kind'));
        END IF;
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO facet_values VALUES (NEW.seq, 'source', NEW.source), (NEW.seq, 'kind', NEW.kind)
            ON CONFLICT DO NOTHING;
        END IF;""",
    "records": """
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM facet_values WHERE facet = 'risk_level'
            AND seq = (SELECT seq FROM documents WHERE id = OLD.doc_id);
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.risk_level IS NOT NULL THEN
            INSERT INTO facet_values SELECT seq, 'risk_level', NEW.risk_level FROM documents WHERE id = NEW.doc_id
            ON CONFLICT DO NOTHING;
        END IF;""",
    "entities": """
        IF TG_OP <> 'INSERT' AND OLD.kind = 'city' THEN
            DELETE FROM facet_values WHERE facet = 'city' AND value = OLD.value
            AND seq = (SELECT seq FROM documents WHERE id = OLD.doc_id);
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.kind = 'city' THEN
            INSERT INTO facet_values SELECT seq, 'city', NEW.value FROM documents WHERE id = NEW.doc_id
            ON CONFLICT DO NOTHING;
        END IF;""",
    "indicator_hits": """
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM facet_values WHERE facet = 'indicator' AND value = OLD.indicator_id
            AND seq = (SELECT seq FROM documents WHERE id = OLD.doc_id);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO facet_values SELECT seq, 'indicator', NEW.indicator_id FROM documents WHERE id = NEW.doc_id
            ON CONFLICT DO NOTHING;
        END IF;""",
}
_PG_EVENTS = {"documents": "INSERT OR DELETE OR UPDATE OF source, kind",
              "records": "INSERT OR DELETE OR UPDATE OF risk_level",
              "entities": "INSERT OR DELETE OR UPDATE", "indicator_hits": "INSERT OR DELETE OR UPDATE"}


def _postgres_triggers() -> None:
    for table, body in _PG_FUNCTIONS.items():
        op.execute(f"CREATE FUNCTION facet_values_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} "
                   "RETURN NULL; END $$")
        op.execute(f"CREATE TRIGGER facet_values_{table} AFTER {_PG_EVENTS[table]} ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION facet_values_{table}()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in _PG_FUNCTIONS:
            op.execute(f"DROP TRIGGER IF EXISTS facet_values_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS facet_values_{table}()")
    else:
        for name in ("documents_ai", "documents_au", "documents_ad", "records_ai", "records_au", "records_ad",
                     "entities_ai", "entities_ad", "indicator_hits_ai", "indicator_hits_ad"):
            op.execute(f"DROP TRIGGER IF EXISTS facet_{name}")
    op.drop_table("facet_values")

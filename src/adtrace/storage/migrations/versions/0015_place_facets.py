"""Place facets kept apart: `city`, `state` and `phone_area` (the place of a phone's area code).

The `city` facet held every place the entity index links to a document: states mixed in with cities,
and cities matched only through a phone number's area code, unlabelled (issue 19 item 6). Facet rows
are now derived from the Record's places (adtrace.storage.prepare.place_facets); the `city` filter
reads them too. Existing stores are re-derived here from their stored Records: no re-ingest.
SQLite's writer writes the rows; on PostgreSQL a trigger on `records` does (COPY included), and the
`entities` trigger no longer adds city rows.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from alembic import op

from adtrace.storage.facets import PLACE_FACETS_SQL

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_PG_PLACES = """
    SELECT d.seq, CASE WHEN p->>'via' = 'area_code' THEN 'phone_area' WHEN p->>'kind' = 'admin' THEN 'state'
                       ELSE 'city' END, lower(trim(p->>'name'))
    FROM {src}, jsonb_array_elements(CASE WHEN jsonb_typeof({rec}::jsonb->'places') = 'array'
                                          THEN {rec}::jsonb->'places' ELSE '[]'::jsonb END) p
    WHERE {cond} p->>'name' IS NOT NULL AND coalesce(p->>'kind', '') <> 'country'"""

_PG_TRIGGER = f"""
CREATE FUNCTION facet_values_places() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM facet_values WHERE facet IN ('city', 'state', 'phone_area')
    AND seq = (SELECT seq FROM documents WHERE id = NEW.doc_id);
    INSERT INTO facet_values (seq, facet, value)
    {_PG_PLACES.format(src="documents d", rec="NEW.record", cond="d.id = NEW.doc_id AND")}
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DELETE FROM facet_values WHERE facet IN ('city', 'state', 'phone_area')")
        op.execute(f"INSERT OR IGNORE INTO facet_values (seq, facet, value) {PLACE_FACETS_SQL}")
        return
    cur = op.get_bind().connection.driver_connection.cursor()  # type: ignore[union-attr]
    cur.execute("DROP TRIGGER IF EXISTS facet_values_entities ON entities")
    cur.execute(_PG_TRIGGER)
    cur.execute("CREATE TRIGGER facet_values_places AFTER INSERT OR UPDATE OF record ON records "
                "FOR EACH ROW EXECUTE FUNCTION facet_values_places()")
    cur.execute("DELETE FROM facet_values WHERE facet IN ('city', 'state', 'phone_area')")
    cur.execute("INSERT INTO facet_values (seq, facet, value) "
                + _PG_PLACES.format(src="records r JOIN documents d ON d.id = r.doc_id", rec="r.record", cond="")
                + " ON CONFLICT DO NOTHING")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS facet_values_places ON records")
        op.execute("DROP FUNCTION IF EXISTS facet_values_places()")
        op.execute("CREATE TRIGGER facet_values_entities AFTER INSERT OR DELETE OR UPDATE ON entities "
                   "FOR EACH ROW EXECUTE FUNCTION facet_values_entities()")
    op.execute("DELETE FROM facet_values WHERE facet IN ('city', 'state', 'phone_area')")
    op.execute("INSERT INTO facet_values (seq, facet, value) SELECT d.seq, 'city', e.value FROM entities e "
               "JOIN documents d ON d.id = e.doc_id WHERE e.kind = 'city'")

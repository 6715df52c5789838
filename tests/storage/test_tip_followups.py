"""Migration 0026 and the tipbook writes of a hand-off's withdrawal and updates, on SQLite and PostgreSQL
alike: the upgrade counts a tip handed off before it as having carried its whole text, and each write's
guard (once, never backwards) holds on both."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from adtrace.storage import connect, tipbook
from adtrace.storage.db import write

AT = "2026-01-01T00:00:00+00:00"


def _upgrade(url: str, to: str) -> None:
    engine = connect.make_engine(connect.resolve_url(url))
    try:
        cfg = connect._alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, to)
    finally:
        engine.dispose()


def test_0026_backfills_tips_handed_off_before_it_and_the_guards_hold(db_url: str) -> None:
    _upgrade(db_url, "0025")
    engine = connect.make_engine(connect.resolve_url(db_url))
    try:
        with engine.begin() as conn:
            for n, doc in enumerate(("tip-a", "tip-b"), 1):
                conn.execute(sa.text("INSERT INTO documents (id, source, kind, url, text, content_hash, doc_hash, doc, "
                                     "ingested_at, updated_at) VALUES (:d, 'public-tip', 'tip', :u, :x, :h, :h, '{}', "
                                     ":t, :t)"),
                             {"d": doc, "u": f"tip:{doc}", "x": "Seis personas, año 2026." * n, "h": doc, "t": AT})
                tipbook.insert_tip(conn, doc, f"r{n}", "MX", "labour", "es", AT)
            conn.execute(sa.text("UPDATE tips SET status = 'routed', partner = 'ngo-b', additions = 2, "
                                 "handed_off_at = :t, handoff_id = 'h1' WHERE doc_id = 'tip-a'"), {"t": AT})
        _upgrade(db_url, "head")
        with engine.connect() as conn:
            rows = {r.doc_id: (r.handoff_chars, r.sent_additions, r.withdrawn_at) for r in conn.execute(
                sa.text("SELECT doc_id, handoff_chars, sent_additions, withdrawn_at FROM tips"))}
        assert rows == {"tip-a": (len("Seis personas, año 2026."), 2, None), "tip-b": (None, 0, None)}  # characters

        with write(engine) as conn:
            [a, b] = [int(i) for i in conn.execute(sa.text("SELECT id FROM tips ORDER BY id")).scalars()]
            assert not tipbook.mark_withdrawn(conn, b, "x", "admin", AT)  # never handed off
            assert tipbook.mark_withdrawn(conn, a, "a hoax", "admin", AT)
            assert not tipbook.mark_withdrawn(conn, a, "again", "admin", AT)
            tipbook.mark_sent_additions(conn, a, 5)
            tipbook.mark_sent_additions(conn, a, 3)  # never lowered
            assert [tuple(r) for r in conn.execute(sa.text(
                "SELECT decision, reason, partner FROM tip_decisions WHERE tip_id = :i"), {"i": a})] == [
                ("withdraw", "a hoax", "ngo-b")]
            assert conn.execute(sa.text("SELECT sent_additions FROM tips WHERE id = :i"), {"i": a}).scalar() == 5
            lead = tipbook.insert_lead(conn, {"handoff_id": "h1", "issuer": "ngo-a", "signals_bundle": "b",
                                              "signals": "[]", "text": "t", "country": "MX", "about": "labour",
                                              "lang": "es", "indicators": "[]", "sent_at": AT, "imported_at": AT,
                                              "imported_by": "bo"})
            assert tipbook.update_lead(conn, lead, "two", 2, AT, "[]")
            assert not tipbook.update_lead(conn, lead, "one", 1, AT, "[]") and not tipbook.update_lead(
                conn, lead, "two", 2, AT, "[]")
            assert tipbook.withdraw_lead(conn, lead, "a hoax", AT, AT)
            assert not tipbook.withdraw_lead(conn, lead, "other", AT, AT)
            row = tipbook.lead_row(conn, lead)
        assert row is not None
        assert (row["status"], row["withdrawn_reason"], row["added_text"], row["added_through"]) == (
            "withdrawn", "a hoax", "two", 2)
    finally:
        engine.dispose()

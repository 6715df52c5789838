"""Migration 0026 and the tipbook writes of a hand-off's withdrawal and updates, on SQLite and PostgreSQL
alike: the upgrade counts a tip handed off before it as having carried its whole text, and each write's
guard (once, never backwards) holds on both."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from adtrace.storage import audit, connect, tipbook
from adtrace.storage import partnerbank as bank
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


def _downgrade(url: str, to: str) -> None:
    engine = connect.make_engine(connect.resolve_url(url))
    try:
        cfg = connect._alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, to)
    finally:
        engine.dispose()


def test_0027_keeps_which_bundles_carried_each_signal_and_the_withdrawals_use_it(db_url: str) -> None:
    """Before 0027 only each signal's latest bundle was kept: the upgrade backfills what is known (the latest
    bundle, each tip lead's hand-off and update bundles) and marks the signals of an issuer that also sent
    ordinary bundles as carried by `before-0027`, which no withdrawal stops."""
    _upgrade(db_url, "0026")
    engine = connect.make_engine(connect.resolve_url(db_url))
    try:
        with engine.begin() as conn:
            for bundle, issuer in (("T", "ngo-a"), ("U", "ngo-a"), ("R", "ngo-r")):
                bank.add_bundle(conn, bundle, issuer, "k", "signals", AT, "in", 1)
            for issuer, hash_, bundle in (("ngo-a", "h1", "T"), ("ngo-a", "h2", "U"), ("ngo-r", "h3", "R")):
                bank.put_signal(conn, None, {"i": issuer, "t": "phone", "h": hash_, "c": "tip", "conf": 0.5,
                                             "f": AT, "l": AT, "n": "", "b": bundle, "at": AT})
            lead = tipbook.insert_lead(conn, {"handoff_id": "h", "issuer": "ngo-a", "signals_bundle": "T",
                                              "signals": '[["phone", "h1"], ["phone", "h2"]]', "text": "t",
                                              "country": "MX", "about": "labour", "lang": "es", "indicators": "[]",
                                              "sent_at": AT, "imported_at": AT, "imported_by": "bo"})
            conn.execute(sa.text("UPDATE tip_leads SET withdrawn_at = :t WHERE id = :i"), {"t": AT, "i": lead})
        audit.append(engine, "bo", "tip_update_import", f"tip-lead-{lead}", {"signals_bundle": "U"})
        _upgrade(db_url, "head")
        with engine.connect() as conn:
            carried = {tuple(r) for r in conn.execute(sa.text(
                "SELECT issuer, hash, bundle_id FROM exchange_signal_bundles"))}
            links = {tuple(r) for r in conn.execute(sa.text("SELECT lead_id, bundle_id FROM tip_lead_bundles"))}
            late = conn.execute(sa.text("SELECT added_after_withdrawal FROM tip_leads")).scalar()
        assert carried == {("ngo-a", "h1", "T"), ("ngo-a", "h2", "U"), ("ngo-a", "h2", "T"), ("ngo-r", "h3", "R"),
                           ("ngo-r", "h3", "before-0027")}
        assert links == {(lead, "T"), (lead, "U")} and not late

        with write(engine) as conn:
            # ngo-a's identifiers came only with the withdrawn tip; ngo-r's with an ordinary bundle.
            assert not tipbook.carried_by_active(conn, "ngo-a", "phone", "h1")
            assert tipbook.carried_by_active(conn, "ngo-r", "phone", "h3")
            bank.carried_by(conn, "ngo-a", "phone", "h1", "T")  # once
            tipbook.link_bundle(conn, lead, "T")
            bank.add_bundle(conn, "T2", "ngo-a", "k", "signals", AT, "in", 1)
            bank.carried_by(conn, "ngo-a", "phone", "h1", "T2")
            tipbook.link_bundle(conn, lead, "T2")
            assert not tipbook.carried_by_active(conn, "ngo-a", "phone", "h1")
            other = tipbook.insert_lead(conn, {"handoff_id": "h-2", "issuer": "ngo-a", "signals_bundle": "T2",
                                               "signals": '[["phone", "h1"]]', "text": "t", "country": "MX",
                                               "about": "labour", "lang": "es", "indicators": "[]", "sent_at": AT,
                                               "imported_at": AT, "imported_by": "bo"})
            tipbook.link_bundle(conn, other, "T2")  # the same bundle may come with a second tip, not withdrawn
            assert tipbook.carried_by_active(conn, "ngo-a", "phone", "h1")
            before = bank.signals_version(conn)
            h1 = bank.signal_id(conn, "ngo-a", "phone", "h1")
            assert h1 is not None
            bank.set_withdrawn(conn, h1, AT, "a hoax")
            assert bank.signals_version(conn) != before
            assert {r["hash"] for r in bank.matching_signal_rows(conn)} == {"h2", "h3"}
            bank.put_retraction(conn, "ngo-r", "phone", "h3", "X", AT)  # a retraction forgets its carriers
            assert not tipbook.carried_by_active(conn, "ngo-r", "phone", "h3")
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM exchange_signal_bundles WHERE hash = 'h1'")).scalar() == 2
        _downgrade(db_url, "0026")
        _upgrade(db_url, "head")
    finally:
        engine.dispose()

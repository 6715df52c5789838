"""A withdrawn tip stops matching (adtrace.tips.followup, docs/tips.md "After the hand-off").

`exchange_signal_bundles`: which signals bundles carried each partner signal (until now only the latest
was kept, in `exchange_signals.bundle_id`), so that a withdrawal can tell an identifier that came only
with the withdrawn tip from one its issuer also shares in another bundle. `tip_lead_bundles` ties a
hand-off's or an update's embedded bundle to its tip lead (one bundle may come with two tips: the same
identifiers signed in the same second make the same bytes); a bundle whose every tip lead is withdrawn
is withdrawn. `exchange_signals.withdrawn_at`/`withdrawn_reason`: every bundle that carried the signal
was withdrawn, so it makes no leads (its leads stay, status `withdrawn`). `tip_leads.added_after_withdrawal`:
the lead's additions came in an update imported after the withdrawal (their identifiers were not imported).

Backfill, from what earlier versions kept: each signal's latest bundle; each tip lead's hand-off bundle
with the lead's identifiers; each update bundle named by a `tip_update_import` audit row. What is not known
is which *earlier* bundles carried a signal, so a signal of an issuer that sent any ordinary (non-tip)
bundle before this revision is also marked carried by `before-0027`, a bundle that is never withdrawn: a
withdrawal never stops such an identifier (it may be the issuer's routine sharing). The identifiers of a
tip lead withdrawn before this revision stop when its withdrawal file is imported again.

Revision ID: 0027
Revises: 0026
"""

from __future__ import annotations

import orjson
import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

LEGACY = "before-0027"  # stands for the bundles that carried a signal before their list was kept


def upgrade() -> None:
    op.create_table(
        "exchange_signal_bundles",
        sa.Column("issuer", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
        sa.Column("bundle_id", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("issuer", "type", "hash", "bundle_id", name="exchange_signal_bundles_pk"),
    )
    op.create_table(
        "tip_lead_bundles",
        sa.Column("lead_id", sa.Integer, nullable=False),
        sa.Column("bundle_id", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("lead_id", "bundle_id", name="tip_lead_bundles_pk"),
    )
    op.create_index("tip_lead_bundles_bundle", "tip_lead_bundles", ["bundle_id"])
    op.add_column("exchange_signals", sa.Column("withdrawn_at", sa.Text, nullable=True))
    op.add_column("exchange_signals", sa.Column("withdrawn_reason", sa.Text, nullable=True))
    op.add_column("tip_leads", sa.Column("added_after_withdrawal", sa.Boolean, nullable=False,
                                         server_default=sa.false()))
    _backfill(op.get_bind())


def _backfill(conn: sa.Connection) -> None:
    text = sa.text
    conn.execute(text("INSERT INTO exchange_signal_bundles (issuer, type, hash, bundle_id) "
                      "SELECT issuer, type, hash, bundle_id FROM exchange_signals"))
    links = {(int(lead_id), str(bundle)) for lead_id, bundle in conn.execute(text(
        "SELECT id, signals_bundle FROM tip_leads WHERE signals_bundle IS NOT NULL"))}
    for target, raw in conn.execute(text("SELECT target, detail FROM audit_log WHERE action = 'tip_update_import'")):
        bundle = (orjson.loads(raw or "{}") or {}).get("signals_bundle")
        if bundle and str(target).startswith("tip-lead-"):
            links.add((int(str(target).removeprefix("tip-lead-")), str(bundle)))
    for lead_id, bundle in sorted(links):
        conn.execute(text("INSERT INTO tip_lead_bundles (lead_id, bundle_id) VALUES (:l, :b)"),
                     {"l": lead_id, "b": bundle})
    for issuer, bundle, raw in conn.execute(text(
            "SELECT issuer, signals_bundle, signals FROM tip_leads WHERE signals_bundle IS NOT NULL")).all():
        for type_, hash_ in orjson.loads(raw or "[]"):
            _carried(conn, str(issuer), str(type_), str(hash_), str(bundle))
    routine = [str(i) for (i,) in conn.execute(text(
        "SELECT DISTINCT issuer FROM exchange_bundles b WHERE direction = 'in' AND kind = 'signals' "
        "AND NOT EXISTS (SELECT 1 FROM tip_lead_bundles k WHERE k.bundle_id = b.bundle_id)"))]
    for issuer in routine:
        conn.execute(text("INSERT INTO exchange_signal_bundles (issuer, type, hash, bundle_id) SELECT issuer, type, "
                          "hash, :b FROM exchange_signals WHERE issuer = :i"), {"b": LEGACY, "i": issuer})


def _carried(conn: sa.Connection, issuer: str, type_: str, hash_: str, bundle: str) -> None:
    params = {"i": issuer, "t": type_, "h": hash_, "b": bundle}
    if conn.execute(sa.text("SELECT 1 FROM exchange_signal_bundles WHERE issuer = :i AND type = :t AND hash = :h "
                            "AND bundle_id = :b"), params).first() is None:
        conn.execute(sa.text("INSERT INTO exchange_signal_bundles (issuer, type, hash, bundle_id) "
                             "VALUES (:i, :t, :h, :b)"), params)


def downgrade() -> None:
    with op.batch_alter_table("tip_leads") as batch:
        batch.drop_column("added_after_withdrawal")
    with op.batch_alter_table("exchange_signals") as batch:
        batch.drop_column("withdrawn_reason")
        batch.drop_column("withdrawn_at")
    op.drop_table("tip_lead_bundles")
    op.drop_table("exchange_signal_bundles")

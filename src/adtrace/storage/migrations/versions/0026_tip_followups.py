"""After a tip's hand-off: its withdrawal and the tipster's additions (adtrace.tips.followup, docs/tips.md).

Sender side (`tips`): `handoff_chars` is how much of the tip's text its hand-off carried, so an update
carries what was added after it; `sent_additions` how many additions the last signed file carried (the
Tips page shows the ones not yet sent); `withdrawn_at` when an admin withdrew the hand-off (the reason is
the `withdraw` decision's). Tips handed off before this revision count as having carried their whole
text as it is now: what a tipster added between their hand-off and the upgrade was never sent before
either, and an update sends only what comes after.

Receiving side (`tip_leads`): the sender's withdrawal (its reason, when signed, when imported) and the
latest update (the additions' text, how many additions it covers, when signed). A lead is never deleted.

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

_TIPS = ("handoff_chars", "sent_additions", "withdrawn_at")
_LEADS = ("withdrawn_at", "withdrawn_reason", "withdrawal_imported_at", "added_text", "added_through", "added_sent_at")


def upgrade() -> None:
    op.add_column("tips", sa.Column("handoff_chars", sa.Integer, nullable=True))
    op.add_column("tips", sa.Column("sent_additions", sa.Integer, nullable=False, server_default="0"))
    op.add_column("tips", sa.Column("withdrawn_at", sa.Text, nullable=True))
    op.execute("UPDATE tips SET handoff_chars = (SELECT length(d.text) FROM documents d WHERE d.id = tips.doc_id), "
               "sent_additions = additions WHERE handed_off_at IS NOT NULL")
    op.add_column("tip_leads", sa.Column("withdrawn_at", sa.Text, nullable=True))  # the sender's, as signed
    op.add_column("tip_leads", sa.Column("withdrawn_reason", sa.Text, nullable=True))
    op.add_column("tip_leads", sa.Column("withdrawal_imported_at", sa.Text, nullable=True))
    op.add_column("tip_leads", sa.Column("added_text", sa.Text, nullable=True))  # redacted by the sender
    op.add_column("tip_leads", sa.Column("added_through", sa.Integer, nullable=True))
    op.add_column("tip_leads", sa.Column("added_sent_at", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tip_leads") as batch:
        for name in _LEADS:
            batch.drop_column(name)
    with op.batch_alter_table("tips") as batch:
        for name in _TIPS:
            batch.drop_column(name)

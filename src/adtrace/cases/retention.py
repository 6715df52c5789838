"""Retention: delete documents older than the retention period unless a case or a legal hold holds them.

A document's age is its posting date (its ingest date when it has none). Documents in any case —
directly, as a member of a case's cluster or as a holder of a case's phone/email/handle — are kept,
and so are documents with a review decision (the decisions are the team's work and training labels)
and flagged documents still waiting in the review queue. Deleting a document also deletes its
record, entities, indicator hits, cluster membership and alerts (the schema's ON DELETE CASCADE).
A real purge may carry `confirm_count`, the number the person confirmed: when it differs from what
would now be deleted nothing is deleted (the settings page and the API require it). Every purge, and every dry run, writes one
audit entry with the counts and the cutoff; the ids themselves are not copied into the audit log.
After a purge, run `adtrace link --rebuild` so cluster summaries forget the deleted documents, and
delete the purged ads' image files from the image folder (the app never stored copies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from adtrace import errors
from adtrace.cases.cases import protected_ids
from adtrace.cases.holds import held_ids
from adtrace.storage import Store, audit, casebook
from adtrace.storage.db import engine_of, write

MIN_DAYS = 1


@dataclass
class PurgeReport:
    days: int
    cutoff: str
    dry_run: bool
    older: int = 0  # documents older than the cutoff
    kept_in_cases: int = 0  # ... of which a case holds (never deleted)
    kept_reviewed: int = 0  # ... of which have a review decision or wait in the review queue (never deleted)
    kept_on_hold: int = 0  # ... of which a legal hold holds (never deleted; may overlap the above)
    to_delete: int = 0  # what the purge deletes (dry run) or deleted: older less everything kept
    deleted: int = 0
    sample: list[str] = field(default_factory=list)  # up to 20 ids that would go (dry run) or went
    audit_seq: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def cutoff_of(days: int, at: datetime | None = None) -> str:
    if days < MIN_DAYS:
        raise errors.InputError.at(errors.BAD_FIELD, f"a retention period is at least {MIN_DAYS} day",
                                   field_name="days", hint="e.g. 365 keeps one year of documents")
    return ((at or datetime.now(UTC)) - timedelta(days=days)).replace(tzinfo=None).isoformat(timespec="seconds")


def purge(store: Store | sa.Engine, days: int, actor: str, *, dry_run: bool = True,
          at: datetime | None = None, confirm_count: int | None = None) -> PurgeReport:
    """Delete (or with dry_run, count) documents older than `days` that no case holds and nobody reviewed or
    has yet to review; audited either way. With `confirm_count`, delete only if that many would go."""
    engine = engine_of(store)
    report = PurgeReport(days, cutoff_of(days, at), dry_run)
    with write(engine) as conn:
        old = casebook.documents_before(conn, report.cutoff)
        keep, hold = protected_ids(conn), held_ids(conn)
        reviewed = casebook.reviewed_ids(conn)
        doomed = [d for d in old if d not in keep and d not in hold and d not in reviewed]
        report.older, report.kept_in_cases = len(old), sum(d in keep for d in old)
        report.kept_reviewed = sum(d in reviewed and d not in keep for d in old)
        report.kept_on_hold = sum(d in hold for d in old)
        report.to_delete = len(doomed)
        report.sample = doomed[:20]
        if not dry_run and confirm_count is not None and confirm_count != len(doomed):
            raise errors.InputError.at(errors.BAD_FIELD, f"you confirmed {confirm_count} but {len(doomed)} documents "
                                       "would be deleted now; nothing was deleted", field_name="confirm_count",
                                       hint="run a dry run again and confirm the new count")
        if not dry_run:
            casebook.delete_documents(conn, doomed)
            report.deleted = len(doomed)
        detail = {k: v for k, v in report.to_dict().items() if k not in ("sample", "audit_seq")}
        report.audit_seq = audit.append(engine, actor, "purge_dry_run" if dry_run else "purge", "documents", detail,
                                        conn=conn)
    return report

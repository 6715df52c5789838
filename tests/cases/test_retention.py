"""Retention purge: old documents go, documents in any case stay, every run (and dry run) is audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from adtrace import errors
from adtrace.cases import cases as cs
from adtrace.cases import retention
from adtrace.storage import Store, audit
from tests.cases.linked_fixtures import biggest_cluster, linked, linked_template  # noqa: F401  (fixtures)

AT = datetime(2024, 12, 31, tzinfo=UTC)
DAYS = 45  # cutoff 2024-11-16: most of the synthetic corpus (Oct-Dec 2024) is older


def _ids(store: Store) -> set[str]:
    return set(store.iter_ids())


def test_dry_run_deletes_nothing_and_is_audited(linked: Store) -> None:  # noqa: F811
    engine = linked.engine  # type: ignore[attr-defined]
    before = _ids(linked)
    report = retention.purge(linked, DAYS, "admin", dry_run=True, at=AT)
    assert report.older > 0 and report.deleted == 0 and _ids(linked) == before
    rows = audit.entries(engine, action="purge_dry_run")
    assert rows and rows[0].actor == "admin"


def test_purge_keeps_everything_a_case_holds(linked: Store) -> None:  # noqa: F811
    engine = linked.engine  # type: ignore[attr-defined]
    cid, members = biggest_cluster(linked)
    loose = sorted(_ids(linked) - set(members))
    phone_doc = next(d for d in loose if (linked.get_record(d) or {}).get("phones"))
    phone = linked.get_record(phone_doc)["phones"][0]["value"]  # type: ignore[index]
    by_phone = set(linked.lookup("phone", phone))
    direct = next(d for d in loose if d not in by_phone)
    case = cs.create(linked, "keep", "alice")
    cs.add_item(linked, case.id, "cluster", cid, "alice")
    cs.add_item(linked, case.id, "entity", f"phone:{phone}", "alice")
    cs.add_item(linked, case.id, "document", direct, "alice")
    kept = set(members) | by_phone | {direct}
    cut = retention.cutoff_of(DAYS, AT)
    with engine.connect() as conn:
        old = {r[0] for r in conn.execute(sa.text("SELECT id FROM documents WHERE COALESCE(posted_at, ingested_at) "
                                                  "< :c"), {"c": cut})}
        flagged = {r[0] for r in conn.execute(sa.text("SELECT doc_id FROM records WHERE risk_level IN "
                                                      "('high', 'elevated')"))}
    dry = retention.purge(linked, DAYS, "admin", dry_run=True, at=AT)
    report = retention.purge(linked, DAYS, "admin", dry_run=False, at=AT)
    assert report.older == len(old) and report.kept_in_cases == len(old & kept) > 0
    assert report.kept_reviewed == len((old - kept) & flagged)  # waiting in the review queue: kept too
    assert report.deleted == len(old - kept - flagged) == dry.older - dry.kept_in_cases - dry.kept_reviewed > 0
    after = _ids(linked)
    assert kept | (old & flagged) <= after and not (old - kept - flagged) & after
    with engine.connect() as conn:  # the cascade took records and entities with the documents
        orphans = conn.execute(sa.text("SELECT count(*) FROM records WHERE doc_id NOT IN (SELECT id FROM documents)"))
        assert orphans.scalar() == 0
    entry = audit.entries(engine, action="purge")[0]
    assert entry.actor == "admin" and entry.detail["deleted"] == report.deleted and entry.detail["dry_run"] is False
    assert audit.verify(engine).ok


def test_retention_needs_a_positive_period(linked: Store) -> None:  # noqa: F811
    with pytest.raises(errors.InputError):
        retention.purge(linked, 0, "admin")


def test_purge_keeps_reviewed_documents_and_checks_the_confirmed_count(linked: Store) -> None:  # noqa: F811
    """Issue 19 item 2: decisions are kept (their documents stay), and a confirmed count that no longer
    matches deletes nothing."""
    from adtrace.cases import decide

    engine = linked.engine  # type: ignore[attr-defined]
    dry = retention.purge(linked, DAYS, "admin", dry_run=True, at=AT)
    decided = dry.sample[0]
    with engine.begin() as conn:
        decide(conn, decided, "dismiss", "", "alice")
    before = _ids(linked)
    with pytest.raises(errors.InputError, match="nothing was deleted"):
        retention.purge(linked, DAYS, "admin", dry_run=False, at=AT, confirm_count=dry.older)
    assert _ids(linked) == before
    again = retention.purge(linked, DAYS, "admin", dry_run=True, at=AT)
    n = again.older - again.kept_in_cases - again.kept_reviewed
    report = retention.purge(linked, DAYS, "admin", dry_run=False, at=AT, confirm_count=n)
    assert report.deleted == n > 0 and decided in _ids(linked)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM review_decisions WHERE doc_id = :d"), {"d": decided}).scalar()

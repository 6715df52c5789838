"""Legal holds (issue 22): a purge never deletes a document held directly, through a held cluster or a
held case (then or now); placing and releasing are recorded and audited; SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from adtrace import errors
from adtrace.cases import cases as cs
from adtrace.cases import holds, retention
from adtrace.cli.main import _register, app
from adtrace.documents import Document
from adtrace.pipeline import Pipeline
from adtrace.storage import Store, audit, init_db, open_store
from adtrace.storage.prepare import prepare
from tests.cases.linked_fixtures import biggest_cluster, linked, linked_template  # noqa: F401  (fixtures)
from tests.storage.conftest import new_pg_database, pg_server  # noqa: F401  (the throwaway PostgreSQL)

AT = datetime(2024, 12, 31, tzinfo=UTC)
DAYS = 45  # as test_retention: most of the synthetic corpus (Oct-Dec 2024) is older than the cutoff
runner = CliRunner()
_register()


def _ids(store: Store) -> set[str]:
    return set(store.iter_ids())


def test_purge_never_deletes_what_a_hold_holds(linked: Store) -> None:  # noqa: F811
    _cid, members = biggest_cluster(linked)
    cut = retention.cutoff_of(DAYS, AT)
    with linked.engine.connect() as conn:  # type: ignore[attr-defined]
        old_all = {r[0] for r in conn.execute(sa.text("SELECT id FROM documents WHERE COALESCE(posted_at, "
                                                      "ingested_at) < :c"), {"c": cut})}
    assert old_all & set(members)  # the held cluster has members the purge would otherwise take
    old = old_all - set(members)
    direct = sorted(old)[0]
    case = cs.create(linked, "reported", "alice")
    via_case = sorted(old)[1]
    cs.add_item(linked, case.id, "document", via_case, "alice")
    h_doc = holds.place(linked, "document", direct, "alice", "court order 24-17")
    holds.place(linked, "cluster", members[0], "alice", "CyberTipline report (REPORT Act: one year)")
    h_case = holds.place(linked, "case", str(case.id), "alice", "referred to the task force")
    assert holds.get(linked, h_case.id).active and h_doc.placed_by == "alice"
    cs.remove_item(linked, case.id, "document", via_case)  # the case no longer holds it; the hold still does
    report = retention.purge(linked, DAYS, "admin", dry_run=False, at=AT)
    after = _ids(linked)
    assert {direct, via_case} | set(members) <= after
    assert report.deleted > 0 and report.kept_on_hold >= 2
    holds.release(linked, h_doc.id, "bob", "order lifted")
    holds.release(linked, h_case.id, "bob", "case closed")
    retention.purge(linked, DAYS, "admin", dry_run=False, at=AT)
    after = _ids(linked)
    assert direct not in after and via_case not in after and set(members) <= after  # the cluster hold stands
    released = holds.get(linked, h_doc.id)
    assert not released.active and released.released_by == "bob" and released.release_reason == "order lifted"
    trail = [(e.detail["op"], e.actor) for e in audit.entries(linked.engine, action=holds.AUDIT_ACTION)]  # type: ignore[attr-defined]
    assert sorted(trail) == [("place", "alice")] * 3 + [("release", "bob")] * 2
    assert audit.verify(linked.engine).ok  # type: ignore[attr-defined]


def test_hold_errors_are_clear(linked: Store) -> None:  # noqa: F811
    with pytest.raises(errors.InputError, match="needs a reason"):
        holds.place(linked, "document", sorted(_ids(linked))[0], "alice", "  ")
    with pytest.raises(errors.InputError, match="no document"):
        holds.place(linked, "document", "nope", "alice", "x")
    with pytest.raises(errors.InputError, match="no case 999"):
        holds.place(linked, "case", "999", "alice", "x")
    with pytest.raises(errors.InputError, match="unknown hold kind"):
        holds.place(linked, "entity", "phone:+1", "alice", "x")
    h = holds.place(linked, "document", sorted(_ids(linked))[0], "alice", "x")
    holds.release(linked, h.id, "bob", "done")
    with pytest.raises(errors.InputError, match="already released"):
        holds.release(linked, h.id, "bob", "again")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_cli_add_list_remove_and_purge(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = str(tmp_path / "h.db") if backend == "sqlite" else new_pg_database(request.getfixturevalue("pg_server"))
    init_db(url)  # runs the migrations, 0012 (legal_holds) included
    ads = [Document.from_dict({"id": f"ad{i}", "text": f"synthetic ad {i}, call 702-555-01{i:02d}",
                               "posted_at": f"2024-01-0{i + 1}T00:00:00"}) for i in range(3)]
    with open_store(url) as store:
        store.put_batch([prepare(d, Pipeline().process(d)) for d in ads])

    def ok(*args: str) -> dict[str, object]:
        r = runner.invoke(app, ["hold", *args, "--db", url])
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)  # type: ignore[no-any-return]

    placed = ok("add", "--document", "ad1", "--reason", "court order", "--as", "carol")
    assert placed["placed_by"] == "carol" and placed["active"] is True
    assert [h["ref"] for h in ok("list")["holds"]] == ["ad1"]  # type: ignore[index]
    with open_store(url) as store:
        report = retention.purge(store, DAYS, "admin", dry_run=False, at=AT)
        assert report.deleted == 2 and report.kept_on_hold == 1 and _ids(store) == {"ad1"}
    ok("remove", str(placed["id"]), "--reason", "order lifted", "--as", "dave")
    assert ok("list")["holds"] == [] and len(ok("list", "--all")["holds"]) == 1  # type: ignore[arg-type]
    with open_store(url) as store:
        retention.purge(store, DAYS, "admin", dry_run=False, at=AT)
        assert _ids(store) == set()

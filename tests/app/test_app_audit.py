"""The audit chain: appends link up, and editing or deleting any row (or the tail) is detected."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from adtrace.app import accounts
from adtrace.cli.main import _register
from adtrace.cli.main import app as cli_app
from adtrace.storage import audit
from adtrace.storage.db import write
from tests.app.conftest import csrf_of


def _engine(app: object) -> sa.Engine:
    return app.state.adtrace.engine  # type: ignore[attr-defined, no-any-return]


def _fill(engine: sa.Engine, n: int = 6) -> None:
    for i in range(n):
        audit.append(engine, "ana", "search", "", {"q": f"query {i}"})


def test_intact_chain_verifies(app: object) -> None:
    engine = _engine(app)
    _fill(engine)
    v = audit.verify(engine)
    assert v.ok and v.rows >= 6 and v.head_seq == v.rows


def test_edit_detected(app: object) -> None:
    engine = _engine(app)
    _fill(engine)
    with write(engine) as conn:
        conn.execute(sa.text("UPDATE audit_log SET detail = '{\"q\":\"nothing to see\"}' WHERE seq = 7"))
    v = audit.verify(engine)
    assert not v.ok and any("row 7" in p and "edited" in p for p in v.problems)


def test_delete_in_middle_detected(app: object) -> None:
    engine = _engine(app)
    _fill(engine)
    with write(engine) as conn:
        conn.execute(sa.text("DELETE FROM audit_log WHERE seq = 8"))
    v = audit.verify(engine)
    assert not v.ok and any("missing" in p for p in v.problems)


def test_delete_tail_detected(app: object) -> None:
    engine = _engine(app)
    _fill(engine)
    with write(engine) as conn:
        top = conn.execute(sa.text("SELECT max(seq) FROM audit_log")).scalar()
        conn.execute(sa.text("DELETE FROM audit_log WHERE seq = :s"), {"s": top})
    v = audit.verify(engine)
    assert not v.ok and any("head" in p for p in v.problems)


def test_rehash_without_fixing_next_row_detected(app: object) -> None:
    # A careful forger recomputes the edited row's own hash; the next row's link still breaks.
    engine = _engine(app)
    _fill(engine)
    with write(engine) as conn:
        r = conn.execute(sa.text("SELECT * FROM audit_log WHERE seq = 7")).first()
        assert r is not None
        detail = '{"q":"forged"}'
        h = audit.row_hash(r.prev_hash, 7, r.at, r.actor, r.action, r.target, detail)
        conn.execute(sa.text("UPDATE audit_log SET detail = :d, hash = :h WHERE seq = 7"), {"d": detail, "h": h})
    v = audit.verify(engine)
    assert not v.ok and any("row 8" in p for p in v.problems)


def test_views_searches_reveals_and_logins_are_audited(app: object, login: Callable[[str], TestClient]) -> None:
    engine = _engine(app)
    client = login("analyst")
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    doc_id = next(d for d in store.iter_ids() if (doc := store.get_document(d)) and doc.images)
    client.get(f"/documents/{doc_id}")
    client.get("/search", params={"q": "new"})
    r = client.post(f"/documents/{doc_id}/images/0/reveal", headers={"X-CSRF-Token": csrf_of(client)})
    assert r.status_code == 200
    actions = [(e.action, e.target) for e in audit.entries(engine, actor="analyst")]
    assert ("login", "analyst") in actions
    assert ("view_document", doc_id) in actions
    assert ("search", "") in actions
    assert ("reveal_image", doc_id) in actions
    assert audit.verify(engine).ok


def test_auditor_page_filters(app: object, login: Callable[[str], TestClient]) -> None:
    _fill(_engine(app), 3)
    client = login("auditor")
    page = client.get("/audit", params={"action": "search"}).text
    assert "query 2" in page and "user_add" not in page.split("<tbody>")[1]
    assert "Chain intact" in client.get("/audit/verify").text


def test_reading_the_audit_log_is_audited(app: object, login: Callable[[str], TestClient]) -> None:
    """Its rows carry searched identifiers (an analyst's "702-555-0142"), so reading it leaves a row too:
    the range of entries shown and the filters, page and API alike; an empty result writes nothing."""
    engine = _engine(app)
    _fill(engine, 3)
    client = login("auditor")
    assert client.get("/audit", params={"action": "search"}).status_code == 200
    token = accounts.add_token(engine, "auditor", "audit")
    r = client.get("/api/v1/audit", params={"actor": "ana"}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and len(r.json()["entries"]) == 3
    client.get("/audit", params={"actor": "nobody"})
    seen = [e for e in audit.entries(engine, actor="auditor", action="view_list") if e.target == "audit"]
    details = sorted((e.detail for e in seen), key=lambda d: "via" in d)
    assert [d.get("action") or d.get("actor") for d in details] == ["search", "ana"], details
    assert details[0]["rows"] == 3 and details[0]["seq_from"] < details[0]["seq_to"]
    assert details[1]["via"] == "api"


def test_cli_audit_verify_exit_codes(app: object, db_path: object) -> None:
    _register()
    runner = CliRunner()
    ok = runner.invoke(cli_app, ["audit", "verify", "--db", str(db_path)])
    assert ok.exit_code == 0 and "intact" in ok.output
    with write(_engine(app)) as conn:
        conn.execute(sa.text("UPDATE audit_log SET actor = 'someone' WHERE seq = 2"))
    broken = runner.invoke(cli_app, ["audit", "verify", "--db", str(db_path)])
    assert broken.exit_code == 1 and "BROKEN" in broken.output

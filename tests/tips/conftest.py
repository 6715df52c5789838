"""The app tests' synthetic store (tests/app/conftest.py), and helpers for the public tip form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from fastapi.testclient import TestClient

from adtrace.exchange import keys as xk
from tests.app.conftest import api, app, db_path, login, template  # noqa: F401  (fixtures shared with the app tests)

CONSORTIUM = bytes(range(32))  # the consortium key every test organisation shares
TABLES = ("documents", "records", "tips", "tip_decisions", "audit_log", "entities")


def rows(engine: sa.Engine) -> dict[str, int]:
    """Row counts of every table a tip could write to (nothing may change on a refused request)."""
    with engine.connect() as conn:
        return {t: int(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES}


def form_token(client: TestClient, path: str = "/public/tip") -> str:
    page = client.get(path).text
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def ad_phone(web: Any) -> tuple[str, list[str]]:
    """A phone some synthetic ads carry, and those ads."""
    store = web.state.adtrace.store
    for doc_id in store.iter_ids():
        for p in (store.get_record(doc_id) or {}).get("phones") or []:
            value = str(p.get("value") or "")
            if value.startswith("+1"):
                return value, sorted(store.lookup("phone", value))
    raise AssertionError("the synthetic store has no phones")


def org_keys(tmp_path: Path, org: str) -> Path:
    """An organisation's exchange keys (made once per test) with the shared consortium key."""
    d = tmp_path / f"keys-{org}"
    if not d.exists():
        xk.generate(org, d)
        xk.set_consortium_key(CONSORTIUM, d)
    return d


def audit_rows(engine: sa.Engine, action: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(actor, target, detail) of every audit row of one action, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT actor, target, detail FROM audit_log WHERE action = :a ORDER BY seq"),
                            {"a": action}).all()
    return [(str(a), str(t), orjson.loads(d)) for a, t, d in rows]

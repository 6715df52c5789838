"""The app tests' synthetic store (tests/app/conftest.py), and helpers for the public tip form."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.app.conftest import api, app, db_path, login, template  # noqa: F401  (fixtures shared with the app tests)

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

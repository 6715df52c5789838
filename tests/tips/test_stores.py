"""The tips tables and their SQL on both stores (SQLite and PostgreSQL): intake, additions, decisions,
rules, hand-off, and import into a second database of the same kind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adtrace.exchange import keys as xk
from adtrace.exchange import store as xs
from adtrace.storage import init_db, open_store
from adtrace.tips import handoff, intake
from adtrace.tips import store as ts
from tests.storage.conftest import db_url, new_pg_database, pg_server, store  # noqa: F401  (fixtures)

CONSORTIUM = bytes(range(32))


@pytest.fixture
def partner(request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> Iterator[Any]:  # noqa: F811
    url = str(tmp_path / "partner.db") if "://" not in db_url else new_pg_database(request.getfixturevalue("pg_server"))
    init_db(url)
    s = open_store(url)
    yield s
    s.close()


def test_tip_lifecycle_on_each_store(store: Any, partner: Any, tmp_path: Path) -> None:  # noqa: F811
    from adtrace.documents import Document
    from adtrace.pipeline import Pipeline
    from adtrace.storage.prepare import prepare

    ad = Document(id="ad-1", text="New in town, sweet girl, call 702-555-0147 now")
    for s in (store, partner):
        s.put_batch([prepare(ad, Pipeline().process(ad))])
    engine = store.engine
    first = intake.submit(store, intake.TipForm("Una chica menor, llaman al 702 555 0147", country="US",
                                                about="minor", lang="es"))
    second = intake.submit(store, intake.TipForm("Una chica menor, llaman al 702 555 0147", about="sex"))
    assert first.doc_id != second.doc_id  # equal texts stay two tips
    assert set(store.lookup("phone", "+17025550147")) == {"ad-1", first.doc_id, second.doc_id}
    assert intake.add(store, first.code, "Más datos")[0] == first.tip_id
    ts.add_rule(engine, "admin", "ngo-b", country="US", about="minor")
    rules = ts.rules(engine)
    assert [t["id"] for t in ts.queue(engine, "new")] == [first.tip_id, second.tip_id]
    assert ts.suggest(rules, "US", "minor", "es").partner == "ngo-b"  # type: ignore[union-attr]
    ts.decide(engine, second.tip_id, "dismiss", "analyst", "duplicate of tip 1")
    ts.decide(engine, first.tip_id, "route", "analyst", partner="ngo-b")
    assert ts.counts(engine) == {"new": 0, "accepted": 0, "routed": 1, "dismissed": 1}
    keys = tmp_path / "keys"
    xk.generate("ngo-a", keys)
    xk.set_consortium_key(CONSORTIUM, keys)
    [(_, body)] = handoff.send(store, xk.load(keys), CONSORTIUM, "analyst")
    xs.trust(partner.engine, xk.load(keys).public_info(), "admin")
    lead = handoff.receive(partner.engine, body, "analyst", CONSORTIUM)
    # This failed once on PostgreSQL with 2 signals (not reproduced since): say which identifiers were sent.
    sent = {k: (store.get_record(first.doc_id) or {}).get(k) for k in ("phones", "emails", "handles", "payments")}
    assert lead["signals"] == 1, ([s["type"] for s in body["signals"]["signals"]], sent)
    assert [a["doc_id"] for a in lead["ads"]] == ["ad-1"]
    assert [x["id"] for x in handoff.leads(partner.engine)] == [lead["id"]]

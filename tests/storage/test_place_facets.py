"""Place facets kept apart (issue 19 item 6): cities and states named in the ad, and the place of a
phone's area code, labelled as such; on SQLite and PostgreSQL, and re-derived for existing stores."""

from __future__ import annotations

from pathlib import Path

from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.storage import Query, Store, init_db, open_store
from adtrace.storage.prepare import prepare


def ad(doc_id: str, text: str) -> Document:
    return Document.from_dict({"id": doc_id, "source": "site", "text": text})


ADS = [
    ad("dal", "Sweet new girl in Dallas this week, visiting from Nevada. Call 702-555-0199"),
    ad("hou", "In town: Houston. Touring all of Texas this month. Text 415 555 0123"),
    ad("sf", "Relaxing massage in San Francisco, call 415 555 0188"),
]
FACETS = ("city", "state", "phone_area")


def put(store: Store) -> None:
    store.put_batch([prepare(d, process(d)) for d in ADS])


def check(store: Store) -> None:
    result = store.search(Query(facets=FACETS))
    assert result.facets["city"] == {"dallas": 1, "houston": 1, "san francisco": 1}
    assert result.facets["state"] == {"nevada": 1, "texas": 1}  # no longer in the city facet
    assert result.facets["phone_area"] == {"san francisco": 1}  # the 415 number in the Houston ad
    assert {h.id for h in store.search(Query(city="San Francisco")).hits} == {"sf"}  # not the area-code match
    assert {h.id for h in store.search(Query(phone_area="san francisco")).hits} == {"hou"}
    assert {h.id for h in store.search(Query(state="Texas")).hits} == {"hou"}


def test_place_facets_apart(store: Store) -> None:
    put(store)
    check(store)
    moved = ad("hou", "In town: Denver. Text 303 555 0123")  # an update re-derives its facets
    store.put_batch([prepare(moved, process(moved))])
    result = store.search(Query(facets=FACETS))
    assert "houston" not in result.facets["city"] and result.facets["city"].get("denver") == 1
    assert "texas" not in result.facets["state"] and result.facets["phone_area"] == {}


def test_existing_store_is_rederived_by_migration(tmp_path: Path) -> None:
    """A SQLite store written at 0014 (city rows from every linked place) is split by `adtrace init`."""
    from alembic import command

    from adtrace.storage.connect import _alembic_config, make_engine

    path = str(tmp_path / "old.db")
    # Written by today's writer, then taken down to 0014 (today's writer needs 0022's facet_combos).
    init_db(path)
    with open_store(path) as store:
        put(store)
    engine = make_engine(path)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0014")
    with engine.begin() as conn:  # what 0014's writer wrote: one city row per linked place
        conn.exec_driver_sql("DELETE FROM facet_values WHERE facet IN ('city', 'state', 'phone_area')")
        conn.exec_driver_sql("INSERT INTO facet_values (seq, facet, value) SELECT d.seq, 'city', e.value "
                             "FROM entities e JOIN documents d ON d.id = e.doc_id WHERE e.kind = 'city'")
        assert conn.exec_driver_sql("SELECT count(*) FROM facet_values WHERE facet = 'city' "
                                    "AND value = 'nevada'").scalar()
    engine.dispose()
    init_db(path)
    with open_store(path) as store:
        check(store)


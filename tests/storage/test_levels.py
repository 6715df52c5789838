"""Saved thresholds decide stored levels (adtrace.storage.levels), on SQLite and PostgreSQL: saving them
re-levels stored documents (column, Record, search facets and filters), new documents are levelled by
them, and only changed rows are rewritten."""

from __future__ import annotations

import orjson
import sqlalchemy as sa

from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.scoring import thresholds
from adtrace.storage import Query, Store
from adtrace.storage import levels as lv
from adtrace.storage.prepare import prepare

A = Document.from_dict({"id": "a", "source": "site", "text": "Sweet new girl in town, call 702-555-0199"})
B = Document.from_dict({"id": "b", "source": "site", "text": "Mature lady, write lady@example.com escorting"})
C = Document.from_dict({"id": "c", "source": "other", "kind": "post", "text": "Massage, new girl, text 702 555 0199"})

# A stated age under 18 scores high under the shipped thresholds; "24/7" and "cash only" score low.
HIGH = Document.from_dict({"id": "h", "source": "site", "text": "Sweet girl, 16 years old, text 702-555-0142"})
LOW = Document.from_dict({"id": "l", "source": "site", "text": "Relaxing massage, open 24/7, cash only"})


def _engine(store: Store) -> sa.Engine:
    return store.engine  # type: ignore[attr-defined, no-any-return]


def _state(store: Store, doc_id: str) -> tuple[str, str, float]:
    with _engine(store).connect() as conn:
        level, record, score = conn.execute(sa.text("SELECT risk_level, record, risk_score FROM records "
                                                    "WHERE doc_id = :d"), {"d": doc_id}).one()
    return str(level), str(orjson.loads(record)["risk"]["level"]), float(score)


def _facet(store: Store, level: str) -> int:
    return store.search(Query(facets=("risk_level",), limit=0)).facets.get("risk_level", {}).get(level, 0)


def _save(store: Store, minimums: dict[str, float]) -> int:
    with _engine(store).begin() as conn:
        conn.execute(sa.text("DELETE FROM app_settings WHERE key = :k"), {"k": lv.SETTING})
        conn.execute(sa.text("INSERT INTO app_settings (key, value) VALUES (:k, :v)"),
                     {"k": lv.SETTING, "v": orjson.dumps(minimums).decode()})
        return lv.relevel(conn, minimums)


def test_saved_thresholds_relevel_stored_and_new_documents(store: Store) -> None:
    store.put_batch([prepare(d, process(d)) for d in (A, B, C, HIGH)])
    level, in_record, score = _state(store, "h")
    assert level == in_record == "high" and score >= thresholds()["high"]
    before_high = _facet(store, "high")
    assert before_high >= 1

    # The high threshold moves above this document's score: it becomes elevated everywhere at once.
    assert _save(store, {"elevated": 40, "high": score + 1}) >= 1
    assert _state(store, "h")[:2] == ("elevated", "elevated")
    assert _facet(store, "high") == before_high - 1
    ids = [h.id for h in store.search(Query(risk_level="elevated", limit=50)).hits]
    assert "h" in ids
    assert _save(store, {"elevated": 40, "high": score + 1}) == 0  # nothing changes twice

    # A new document is levelled by the saved thresholds, not by levels.yaml.
    store.put_batch([prepare(LOW, process(LOW))])
    low_score = _state(store, "l")[2]
    assert _state(store, "l")[:2] == ("low", "low")
    _save(store, {"elevated": low_score, "high": 100})
    assert _state(store, "l")[:2] == ("elevated", "elevated")
    fresh = Document.from_dict({"id": "l2", "source": "site", "text": "Relaxing massage, open 24/7, cash only!"})
    store.put_batch([prepare(fresh, process(fresh))])
    assert _state(store, "l2")[:2] == ("elevated", "elevated")

    # Back to the shipped thresholds: every level is what ingest gave it first.
    with _engine(store).begin() as conn:
        lv.relevel(conn, thresholds())
        assert lv.in_force(conn) == {"elevated": low_score, "high": 100.0}
    assert _state(store, "h")[:2] == ("high", "high") and _state(store, "l")[:2] == ("low", "low")
    assert _facet(store, "high") == before_high

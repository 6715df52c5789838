"""Chinese / Japanese search (a word inside a longer run of characters) and hit order, on both backends.

The ads are synthetic, written for these tests. Before migration 0013 a two-character word inside a
longer run found nothing while the whole run was found (issue 19 item 5).
"""

from __future__ import annotations

import sqlite3

from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.storage import Query, Store, init_db, open_store
from adtrace.storage.cjk import grams
from adtrace.storage.prepare import prepare


def put(store: Store, *docs: Document) -> None:
    store.put_batch([prepare(d, process(d)) for d in docs])


def ad(doc_id: str, text: str, **kw: object) -> Document:
    return Document.from_dict({"id": doc_id, "source": "site", "text": text, **kw})


ADS = [
    ad("zh1", "北京按摩服务，新来的女孩，随时可以", title="北京按摩", posted_at="2024-05-03"),
    ad("zh2", "上海高端按摩，私人服务，电话联系", posted_at="2024-05-02"),
    ad("zh3", "北京招聘服务员，包吃包住，月薪八千", posted_at="2024-05-01"),
    ad("ja1", "東京のマッサージ、新人です。よろしくお願いします", posted_at="2024-04-30"),
    ad("mix", "Massage in town 按摩 available now", posted_at="2024-04-29"),
    ad("en", "Sweet new girl, relaxing massage, call now", posted_at="2024-04-28"),
]


def ids(store: Store, text: str, **kw: object) -> set[str]:
    return {h.id for h in store.search(Query(text=text, limit=50, **kw)).hits}  # type: ignore[arg-type]


def test_grams_cover_every_substring_of_a_run() -> None:
    assert grams("北京按摩") == "北京 京按 按摩 摩"
    assert grams("abc 按 x", None, "東京") == "按 東京 京"
    assert grams("no cjk here") == ""


def test_word_inside_a_longer_run_is_found(store: Store) -> None:
    put(store, *ADS)
    assert ids(store, "按摩") == {"zh1", "zh2", "mix"}  # inside "北京按摩服务", "高端按摩", and alone
    assert ids(store, "北京按摩") == {"zh1"}
    assert ids(store, "服务") == {"zh1", "zh2", "zh3"}
    assert ids(store, "北京 服务") == {"zh1", "zh3"}  # both runs must appear
    assert ids(store, '"北京服务"') == set()  # not adjacent anywhere
    assert ids(store, "按") == {"zh1", "zh2", "mix"}  # one character: also at the end of a run
    assert ids(store, "摩") == {"zh1", "zh2", "mix"}
    assert ids(store, "マッサージ") == {"ja1"} and ids(store, "新人") == {"ja1"}
    assert ids(store, "按摩 massage") == {"mix"}  # CJK and Latin words together
    assert ids(store, "massage") == {"mix", "en"}
    result = store.search(Query(text="按摩", facets=("source",)))
    assert result.total == 3 and result.facets["source"] == {"site": 3}


def test_updates_and_deletes_keep_the_cjk_index_in_step(store: Store) -> None:
    put(store, *ADS)
    put(store, ad("zh2", "上海高端足疗，私人服务", posted_at="2024-05-02"))  # no longer 按摩
    assert ids(store, "按摩") == {"zh1", "mix"} and ids(store, "足疗") == {"zh2"}
    engine = store.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM indicator_hits WHERE doc_id = 'zh1'")
        conn.exec_driver_sql("DELETE FROM entities WHERE doc_id = 'zh1'")
        conn.exec_driver_sql("DELETE FROM records WHERE doc_id = 'zh1'")
        conn.exec_driver_sql("DELETE FROM documents WHERE id = 'zh1'")
    assert ids(store, "按摩") == {"mix"}


def test_sort_newest_and_score(store: Store) -> None:
    put(store, *ADS)
    newest = [h.id for h in store.search(Query(text="按摩", sort="newest")).hits]
    assert newest == ["zh1", "zh2", "mix"]
    scored = store.search(Query(sort="score", limit=10)).hits
    scores = [h.risk_score if h.risk_score is not None else -1.0 for h in scored]
    assert scores == sorted(scores, reverse=True)
    browse = [h.id for h in store.search(Query(sort="newest", limit=3)).hits]
    assert browse == ["zh1", "zh2", "zh3"]


def test_existing_sqlite_store_gets_the_cjk_index_by_migration(tmp_path: object) -> None:
    """A store written at revision 0012 (no side index) finds the word after `adtrace init`, no re-ingest."""
    from pathlib import Path

    from alembic import command

    from adtrace.storage.connect import _alembic_config, make_engine

    path = str(Path(str(tmp_path)) / "old.db")
    engine = make_engine(path)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0012")
    engine.dispose()
    raw = sqlite3.connect(path)
    raw.execute("INSERT INTO documents (seq, id, source, kind, title, text, content_hash, doc_hash, doc, ingested_at, "
                "updated_at) VALUES (1, 'old', 'site', 'ad', NULL, '北京按摩服务', 'c', 'd', '{}', 'x', 'x')")
    raw.commit()
    raw.close()
    init_db(path)
    with open_store(path) as store:
        assert ids(store, "按摩") == {"old"}


SPLIT = [
    ad("url", "Call me https://example-classifieds.test/tampa/massage/new-ivy-123 today"),
    ad("acc", "Chica nueva, café y masaje, llámame"),
    ad("plain", "cafe near the station"),
    ad("keycap", "Text \u260e 2\ufe0f\u20e30\ufe0f\u20e36\ufe0f\u20e3 now"),
    ad("mail", "write to bunny.massage@example.com or e-mail me"),
]


def test_both_backends_split_words_as_fts5_does(store: Store) -> None:
    """PostgreSQL's parser kept URLs, e-mails, hyphenated words and keycap digits whole and accents
    unfolded; the realistic corpus's URL slugs made "massage" find 44 documents there and 46 on SQLite."""
    put(store, *SPLIT)
    assert ids(store, "massage") == {"url", "mail"}
    assert ids(store, "tampa massage") == {"url"} and ids(store, '"massage new ivy"') == {"url"}
    assert ids(store, "cafe") == {"acc", "plain"} and ids(store, "café") == {"acc", "plain"}
    assert ids(store, "llamame") == {"acc"}
    assert ids(store, "2") == {"keycap"} and ids(store, "mail") == {"mail"}
    assert ids(store, "e-mail") == {"mail"} and ids(store, "example") == {"url", "mail"}
    result = store.search(Query(text="massage", facets=("source", "kind", "risk_level", "indicator")))
    assert result.total == 2 and result.facets["source"] == {"site": 2} and result.facets["kind"] == {"ad": 2}

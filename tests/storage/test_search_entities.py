"""Search reads ad text as the pages show it: HTML entities decoded (migration 0028), on both backends.

Scraped ads keep entities in their stored text ("R&amp;B", "caf&eacute;", "&nbsp;"); the index was built
from that raw text, so "café" and "R&B" missed such ads and "amp" or "nbsp" found any ad holding one.
The ads are synthetic, written for these tests.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from tests.storage.conftest import new_pg_database

from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.storage import Query, Store, init_db, open_store
from adtrace.storage.prepare import prepare


def put(store: Store, *docs: Document) -> None:
    store.put_batch([prepare(d, process(d)) for d in docs])


def ad(doc_id: str, text: str, **kw: object) -> Document:
    return Document.from_dict({"id": doc_id, "source": "site", "text": text, **kw})


ADS = [
    ad("rnb", "Live R&amp;B tonight, new girl in town", title="R&amp;B night"),
    ad("cafe", "Meet me at the caf&eacute; downtown&nbsp;tonight"),
    ad("quote", "don&#39;t wait, call now &#128139; sweet&#x2764;love"),
    ad("plain", "Plain ad: rhythm and blues, call now"),
    ad("zh", "&#21271;&#20140;按摩服务 新来的"),
    ad("tag", "fun &lt;script&gt;alert(1)&lt;/script&gt; here"),
]


def ids(store: Store, text: str) -> set[str]:
    return {h.id for h in store.search(Query(text=text, limit=50)).hits}


def check_decoded(store: Store) -> None:
    assert ids(store, "café") == {"cafe"} and ids(store, "cafe") == {"cafe"}
    assert ids(store, "R&B") == {"rnb"} and ids(store, '"r b night"') == {"rnb"}
    assert ids(store, "nbsp") == set() and ids(store, "amp") == set() and ids(store, "eacute") == set()
    assert ids(store, "downtown tonight") == {"cafe"} and ids(store, '"downtown tonight"') == {"cafe"}
    assert ids(store, "don't") == {"quote"} and ids(store, "39") == set() and ids(store, "128139") == set()
    assert ids(store, "sweet") == {"quote"} and ids(store, "x2764") == set()
    assert ids(store, "北京") == {"zh"} and ids(store, "北京按摩") == {"zh"}  # numeric entities of a CJK run
    assert ids(store, "script alert") == {"tag"} and ids(store, "lt") == set()


def test_search_matches_the_decoded_text(store: Store) -> None:
    put(store, *ADS)
    check_decoded(store)
    hit = store.search(Query(text="café")).hits[0]
    assert "café downtown tonight" in hit.snippet and "&eacute;" not in hit.snippet  # decoded, cut around it
    tag = store.search(Query(text="script")).hits[0]
    assert "<script>alert(1)</script>" in tag.snippet  # decoded text; the page escapes it


def test_updates_and_deletes_keep_the_decoded_index_in_step(store: Store) -> None:
    put(store, *ADS)
    put(store, ad("cafe", "Now at the cr&ecirc;perie&nbsp;uptown"))  # an update: old entries must go
    assert ids(store, "café") == set() and ids(store, "crêperie") == {"cafe"} and ids(store, "nbsp") == set()
    put(store, ad("zh", "&#19978;&#28023;足疗"))
    assert ids(store, "北京") == set() and ids(store, "上海") == {"zh"}
    put(store, ad("gone", "cr&egrave;me br&ucirc;l&eacute;e&nbsp;for two"))
    assert ids(store, "creme brulee") == {"gone"}
    with store.engine.begin() as conn:  # type: ignore[attr-defined]
        for table in ("indicator_hits", "entities", "records"):
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE doc_id IN ('rnb', 'zh', 'gone')")
        conn.exec_driver_sql("DELETE FROM documents WHERE id IN ('rnb', 'zh', 'gone')")
    assert ids(store, "R&B") == set() and ids(store, "上海") == set() and ids(store, "tonight") == set()
    # The total counts index entries, not joined documents: an entry deleted with other values than it was
    # indexed from (SQLite's external content) would leave "creme" and "brulee" behind.
    assert store.search(Query(text="creme brulee")).total == 0 and store.search(Query(text="上海")).total == 0


# Every way html.unescape reads a reference: named with and without ";", the longest known prefix,
# numeric (decimal, hex, leading zeros, too big, surrogates, C1 controls read as Windows-1252, noncharacters).
TRICKY = ["R&amp;B", "caf&eacute", "&eacutex", "&notit;", "&notin;", "&ampfoo", "&AMP;", "&amp", "a&b", "&;", "& x",
          "&#39;", "&#039", "&#x27;", "&#X2764;", "&#0;", "&#13;", "&#128;", "&#x9F;", "&#xD800;", "&#1114112;",
          "&#99999999999999999999;", "&#x110000;", "&#xFFFE;", "&#1;", "&#x0000000041;", "&#65a", "&#xzz;", "&#;",
          "&nbsp;&nbsp", "&thinsp;x", "&NotNestedGreaterGreater;", "&acE;", "&" + "a" * 40 + ";", "x&amp;amp;y",
          "?a=1&b=2&copy=3&lang=en", "&frac12;&frac12", "\t&\tamp;", "&#x1F48B;", "&amp;#39;"]


def test_postgres_decodes_as_python_does(pg_server: str) -> None:
    """The trigger's `adtrace_unescape` must give what html.unescape gives, or the backends disagree."""
    from html.entities import html5

    from adtrace.storage.connect import make_engine

    url = new_pg_database(pg_server)
    init_db(url)
    engine = make_engine(url)
    names = sorted(html5)
    samples = [*TRICKY, *(f"&{n}" for n in names), *(f"x&{n}y" for n in names)]
    with engine.connect() as conn:
        got = conn.execute(sa.text("SELECT adtrace_unescape(t) FROM unnest(CAST(:s AS text[])) WITH ORDINALITY "
                                   "AS u(t, k) ORDER BY k"), {"s": samples}).scalars().all()
    engine.dispose()
    wrong = [(s, g, html.unescape(s)) for s, g in zip(samples, got, strict=True) if g != html.unescape(s)]
    assert not wrong, wrong[:10]


def _old_store(url: str, ads: list[Document] = ADS) -> None:
    """A store at revision 0027 holding `ads` as the writers of then indexed them (raw text)."""
    from alembic import command

    from adtrace.storage.connect import _alembic_config, make_engine

    engine = make_engine(url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0027")
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:
        for seq, d in enumerate(ads, 1):
            conn.execute(sa.text("INSERT INTO documents (seq, id, source, kind, title, text, content_hash, doc_hash, "
                                 "doc, ingested_at, updated_at) VALUES (:seq, :id, 'site', 'ad', :title, :text, "
                                 ":id, :id, '{}', 'x', 'x')"), {"seq": seq, "id": d.id, "title": d.title, "text": d.text})
        if sqlite:  # 0027's writer (as 0026's): raw text into FTS5, CJK grams of the raw text
            from adtrace.storage.cjk import grams

            conn.exec_driver_sql("INSERT INTO documents_fts (rowid, title, text, location) "
                                 "SELECT seq, title, text, location FROM documents")
            for seq, d in enumerate(ads, 1):
                if g := grams(d.title, d.text):
                    conn.execute(sa.text("INSERT INTO documents_cjk (seq, grams) VALUES (:s, :g)"), {"s": seq, "g": g})
            conn.exec_driver_sql("INSERT INTO documents_cjk_fts (rowid, grams) SELECT seq, grams FROM documents_cjk")
    engine.dispose()


def test_a_store_from_before_0028_answers_the_same_after_init(db_url: str) -> None:
    url = db_url
    _old_store(url)
    init_db(url)
    with open_store(url) as store:
        check_decoded(store)
        put(store, ad("rnb", "Soul &amp; R&amp;B only"))  # the migrated entries are replaced cleanly
        assert ids(store, "night") == set() and ids(store, "soul") == {"rnb"} and ids(store, "R&B") == {"rnb"}
    init_db(url)  # again: nothing to do, same answers
    with open_store(url) as store:
        assert ids(store, "café") == {"cafe"} and ids(store, "amp") == set()


# A decimal reference longer than Python's int conversion limit (4,300 digits): html.unescape raises on it.
HUGE = "&#" + "9" * 5000 + ";"


def test_a_huge_numeric_reference_neither_stops_a_batch_nor_breaks_the_index(store: Store) -> None:
    """Before: SQLite's decoder raised inside the writer's statement, so no document of the batch was stored
    (AT205, and re-running met the same ad); PostgreSQL read it as U+FFFD. Both now index it so."""
    put(store, ad("huge", f"call now {HUGE} sweet &#x{'f' * 5000}; caf&eacute;"), *ADS)
    assert ids(store, "sweet") == {"quote", "huge"} and ids(store, "café") == {"cafe", "huge"}
    hit = store.search(Query(text="now sweet")).hits
    assert [h.id for h in hit if h.id == "huge"] and "\ufffd sweet" in next(h for h in hit if h.id == "huge").snippet
    put(store, ad("huge", f"moved uptown {HUGE}"))  # the update trigger deletes what the insert indexed
    assert ids(store, "sweet") == {"quote"} and ids(store, "uptown") == {"huge"}
    with store.engine.begin() as conn:  # type: ignore[attr-defined]
        for table in ("indicator_hits", "entities", "records"):
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE doc_id = 'huge'")
        conn.exec_driver_sql("DELETE FROM documents WHERE id = 'huge'")
    assert store.search(Query(text="uptown")).total == 0


def test_a_store_holding_a_huge_reference_upgrades_to_0028(db_url: str) -> None:
    """A store at 0027 may hold such an ad (it was stored raw); the upgrade decodes every ad holding "&"."""
    _old_store(db_url, [*ADS, ad("huge", f"call now {HUGE} sweet caf&eacute;")])
    init_db(db_url)
    with open_store(db_url) as store:
        assert ids(store, "café") == {"cafe", "huge"} and ids(store, "amp") == set()
        put(store, ad("huge", "moved uptown"))
        assert ids(store, "uptown") == {"huge"} and store.search(Query(text="sweet")).total == 1


def test_snippet_is_cut_from_the_decoded_text(tmp_path: Path) -> None:
    path = str(tmp_path / "a.db")
    init_db(path)
    with open_store(path) as store:
        put(store, ad("long", "&amp; " * 60 + "caf&eacute; " + "&nbsp;" * 80))
        snippet = store.search(Query(text="café")).hits[0].snippet
    assert "café" in snippet and "&" + "nbsp" not in snippet and "amp;" not in snippet


def _index_state(url: str) -> list[Any]:
    """Every full-text and CJK entry, by document: what search reads."""
    from adtrace.storage.connect import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, documents_fts, instance)")
            rows = [conn.exec_driver_sql("SELECT term, doc, col, offset FROM temp.v ORDER BY 1, 2, 3, 4").all(),
                    conn.exec_driver_sql("SELECT seq, grams FROM documents_cjk ORDER BY seq").all()]
        else:
            rows = [conn.exec_driver_sql(f"SELECT seq, {col}::text FROM {table} ORDER BY seq").all()
                    for table, col in (("search_positions", "tsv"), ("search_docs", "words"), ("documents_cjk", "tsv"))]
    engine.dispose()
    return rows


def test_the_downgrade_restores_the_raw_index(db_url: str) -> None:
    from alembic import command

    from adtrace.storage.connect import _alembic_config, make_engine

    _old_store(db_url)
    raw = _index_state(db_url)
    init_db(db_url)
    assert _index_state(db_url) != raw
    engine = make_engine(db_url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0027")
    engine.dispose()
    assert _index_state(db_url) == raw

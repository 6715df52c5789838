"""The Search page over ads whose stored text keeps HTML entities (migration 0028): found by the
characters they stand for, snippets decoded once and escaped, the query's words marked, titles decoded.
The ads are synthetic, written for this test."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.storage.prepare import prepare

ADS = [
    {"id": "ent-a", "title": "R&amp;B night", "posted_at": "2030-01-02",
     "text": "Live R&amp;B at the caf&eacute; &amp;lt;b&amp;gt; &lt;script&gt;alert(1)&lt;/script&gt; tonight"},
    {"id": "ent-b", "title": "Plain", "posted_at": "2030-01-01", "text": "nothing&nbsp;here but amp talk"},
]


def test_search_page_finds_and_marks_decoded_text(app: object, login: Callable[[str], TestClient]) -> None:
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    store.put_batch([prepare(d, process(d)) for d in (Document.from_dict({"source": "ent-site", **a}) for a in ADS)])
    client = login("analyst")
    page = client.get("/search", params={"q": "café", "source": "ent-site"}).text
    assert "1 document" in page and '<mark class="q">café</mark>' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page  # decoded, then text
    assert "&amp;lt;b&amp;gt;" in page  # "&amp;lt;b&amp;gt;" stored reads "&lt;b&gt;": decoded once, not twice
    assert ">R&amp;B night</a>" in page and "R&amp;amp;B" not in page  # the title reads "R&B night"
    page = client.get("/search", params={"q": "R&B", "source": "ent-site"}).text
    assert "1 document" in page and '<mark class="q">R&amp;B</mark>' in page
    page = client.get("/search", params={"q": "nbsp", "source": "ent-site"}).text
    assert "ent-b" not in page and "ent-a" not in page


def test_highlight_folds_accents_as_the_index_does(app: object, login: Callable[[str], TestClient]) -> None:
    """`cafe` finds "caf&eacute;" (the index folds accents); its snippet marks "café", still escaped around it."""
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    store.put_batch([prepare(d, process(d)) for d in (Document.from_dict({"source": "ent-site", **a}) for a in ADS)])
    client = login("analyst")
    for q, marked in (("cafe", "café"), ("CAFE", "café"), ('"the cafe"', "the café")):
        page = client.get("/search", params={"q": q, "source": "ent-site"}).text
        assert "1 document" in page and f'<mark class="q">{marked}</mark>' in page, q
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


def test_highlight_marks_folded_words_and_escapes_the_rest() -> None:
    from adtrace.app.pages.search import highlight

    marked = str(highlight("Crème <b>brûlée</b> at the CAFÉ; İstanbul café", "creme brulee cafe istanbul"))
    assert marked == ('<mark class="q">Crème</mark> &lt;b&gt;<mark class="q">brûlée</mark>&lt;/b&gt; at the '
                      '<mark class="q">CAFÉ</mark>; <mark class="q">İstanbul</mark> <mark class="q">café</mark>')
    assert str(highlight("a café", "café")) == 'a <mark class="q">café</mark>'


def test_pages_show_an_ad_holding_a_huge_numeric_reference(app: object, login: Callable[[str], TestClient]) -> None:
    """html.unescape raises on a decimal reference of over 4,300 digits: the document page, search and the
    queue answered 500 for such an ad. It reads as U+FFFD, as any number past U+10FFFF does."""
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    doc = Document.from_dict({"id": "ent-huge", "source": "ent-site", "title": "Sweet &#" + "9" * 5000 + ";",
                              "text": "call now &#" + "9" * 5000 + "; sweet girl", "posted_at": "2030-01-03"})
    store.put_batch([prepare(doc, process(doc))])
    client = login("analyst")
    page = client.get("/documents/ent-huge")
    assert page.status_code == 200 and "call now \ufffd sweet girl" in page.text
    page = client.get("/search", params={"q": "sweet", "source": "ent-site"})
    assert page.status_code == 200 and "Sweet \ufffd" in page.text

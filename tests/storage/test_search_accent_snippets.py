"""A snippet is cut around the first query word the way the index matched it: accents folded (the index folds
"café" to "cafe" on both backends), so `cafe` shows the text around "café", and `café` the text around "cafe".
The ads are synthetic, written for this test."""

from __future__ import annotations

from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.storage import Query, Store
from adtrace.storage.prepare import prepare

FILLER = "Sunny afternoon walks by the river with friends and a long chat about books, films and music. " * 3


def test_fold_keeps_every_position() -> None:
    from adtrace.storage.search import fold

    text = "İstanbul CAFÉ ﬁne Ǆ straße"  # lowercasing "İ" or "ﬁ" alone would add characters
    folded = fold(text)
    assert len(folded) == len(text) and folded.index("cafe") == text.index("CAFÉ")
    assert fold("Crème Brûlée") == "creme brulee"


def test_snippet_is_cut_around_the_folded_word(store: Store) -> None:
    docs = [Document.from_dict({"id": "far-cafe", "source": "acc-site", "text": FILLER + "Meet me at the café downtown"}),
            Document.from_dict({"id": "far-plain", "source": "acc-site", "text": FILLER + "Meet me at the cafe uptown"})]
    store.put_batch([prepare(d, process(d)) for d in docs])
    hits = {h.id: h.snippet for h in store.search(Query(text="cafe", source="acc-site")).hits}
    assert set(hits) == {"far-cafe", "far-plain"}
    assert "café downtown" in hits["far-cafe"], hits["far-cafe"]
    hits = {h.id: h.snippet for h in store.search(Query(text="CAFÉ", source="acc-site")).hits}
    assert "cafe uptown" in hits["far-plain"] and "café downtown" in hits["far-cafe"], hits

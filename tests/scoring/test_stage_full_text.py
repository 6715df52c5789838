"""The scoring stage passes `indicate` the document's full text, taken from the view when it is that text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.documents import Document
from adtrace.scoring.stage import _full_text
from adtrace.text import normalise

_TEXT = st.lists(st.sampled_from(["a", "\n", " ", "é", "🌹", "x\ny"]), max_size=12).map("".join)


@settings(max_examples=500, deadline=None)
@given(_TEXT, st.one_of(st.none(), _TEXT), _TEXT, st.one_of(st.none(), _TEXT))
def test_full_text_equals_the_documents(body: str, title: str | None, other: str, other_title: str | None) -> None:
    doc = Document(id="d", text=body, title=title)
    view = normalise(doc.full_text)
    assert _full_text(doc, view) == doc.full_text
    assert _full_text(doc, view) is view.original  # no second copy
    assert _full_text(doc, None) == doc.full_text
    stranger = Document(id="s", text=other, title=other_title)  # a view of another text: the document's own
    assert _full_text(doc, normalise(stranger.full_text)) == doc.full_text


def test_a_view_of_a_look_alike_text_is_not_taken() -> None:
    doc = Document(id="d", text="b", title="a")
    assert _full_text(doc, normalise("a b")) == "a\nb"  # same length, title and body, another separator
    assert _full_text(doc, normalise("a\nbb")) == "a\nb"

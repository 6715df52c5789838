from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.documents import Document
from adtrace.extractors import Context
from adtrace.extractors.names import find_names
from adtrace.extractors.registry import EXTRACTORS, ordered


def names(text: str, places: list[str] | None = None) -> list[dict[str, Any]]:
    ordered(["names"])  # loads the built-ins
    ctx = Context(Document.from_dict({"text": text}))
    if places:
        ctx.record["places"] = [{"name": p} for p in places]
    EXTRACTORS["names"].run(ctx)
    return list(ctx.record["names"])


def values(text: str) -> list[str]:
    return [n["value"] for n in names(text)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Hi, my name is Candy and I love to play", ["Candy"]),
        ("my names Lola", ["Lola"]),
        ("I'm Candy, new in town", ["Candy"]),
        ("Hello gentlemen, I am Jasmine", ["Jasmine"]),
        ("ask for Jade at the door", ["Jade"]),
        ("call me Mia ;)", ["Mia"]),
        ("hey guys it's Lola again", ["Lola"]),
        ("it is Rosa", ["Rosa"]),
        ("this is Crystal!", ["Crystal"]),
        ("Hola, soy Ana", ["Ana"]),
        ("me llamo Sofía", ["Sofía"]),
        ("name: Ruby", ["Ruby"]),
        ("names: Jade and Ruby", ["Jade", "Ruby"]),
        ("MY NAME IS CANDY, CALL NOW", ["Candy"]),  # all-caps ads: title-cased
        ("Jade (555) 010-2233", ["Jade"]),  # a signature line
    ],
)
def test_names_found(text: str, want: list[str]) -> None:
    assert values(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "I'm new here",
        "I'm New in town",
        "I'M NEW",
        "I'm available now",
        "I'm Available 24/7",
        "I'm 19",
        "I'm Sweet and Sexy",
        "I'm here all week",
        "I'm in town",
        "I'm Looking for fun",
        "Call me Now",
        "call me at 555",
        "It's Time to play",
        "soy Latina",
        "Ask for Specials",
        "my name is candy",  # lower case: no telling a name from a word
        "IMAGINE THAT",
        "Call 555-010-2233",
        "I'm Located downtown",
        "Llámame 555-010-2233",    # Spanish labels of a number, not signatures
        "Escríbeme 555-010-2233",
        "Celular: 555-010-2233",
    ],
)
def test_not_names(text: str) -> None:
    assert values(text) == []


def test_place_names_are_not_signatures() -> None:
    assert values("Houston 713-555-0100") == ["Houston"]
    assert [n["value"] for n in names("Houston 713-555-0100", places=["Houston"])] == []


def test_span_is_the_name_in_the_original() -> None:
    text = "💋💋 ｈｉ, I'm Ｃａｎｄｙ 💋"
    (name,) = names(text)
    assert name["value"] == "Candy"
    assert text[slice(*name["span"])] == "Ｃａｎｄｙ"


def test_empty_list_when_nothing_found() -> None:
    assert names("nothing to see") == []


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_crashes_and_spans_are_inside(text: str) -> None:
    if not text.strip():
        return
    for name in names(text):
        start, end = name["span"]
        assert 0 <= start < end <= len(text)
        assert name["value"]


def test_signature_lines_anywhere_and_cues_after_the_first() -> None:
    # Signatures are tried at the starts of lines that hold digits; cue literals from the first one on.
    text = "🌹 hello\nJade (555) 010-2233\nno digits here\n  Kim: 555.010.2233\nwe are Amy and Bea"
    assert [n for n, _ in find_names(text)] == ["Jade", "Kim", "Amy", "Bea"]

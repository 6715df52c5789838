"""A site's location field is a list of parts naming one area (issue 16); synthetic fields only."""

from typing import Any

from adtrace.documents import Document
from adtrace.pipeline import extract


def field_places(location: str, text: str = "hello") -> list[tuple[str, str | None, str]]:
    rec: dict[str, Any] = extract(Document.from_dict({"id": "t", "text": text, "location": location}))
    return [(p["name"], p["admin"], p["country"]) for p in rec["places"] if p["via"] == "field"]


def test_a_word_inside_a_part_is_not_a_place() -> None:
    # "of", "bay", "come" are also the names of small towns abroad; inside a longer part they are words.
    assert field_places("City of Springfield, Illinois") == [("Springfield", "IL", "US")]
    assert field_places("Downtown, Come visit, Chicago") == [("Chicago", "IL", "US")]


def test_a_name_written_twice_is_not_its_own_qualifier() -> None:
    # "Victoria, Victoria": a city named twice, not a city in the Australian state of Victoria; with
    # nothing else to go by, the deployment's region (US) breaks the tie.
    assert field_places("Downtown, Victoria, Victoria") == [("Victoria", "TX", "US")]


def test_a_state_after_a_name_qualifies_it_only_when_the_name_lies_there() -> None:
    # No Fresno lies in Victoria (Australia): "Victoria" qualifies nothing and says nothing of the area.
    assert all(country == "US" for _, _, country in field_places("Metro, Fresno Victoria, Victoria"))


def test_the_parts_agree_on_one_area() -> None:
    # Each name alone would go to its most populous reading (Virginia, Texas, Arizona); the state
    # that all three share decides them.
    assert field_places("Richmond, Pasadena, Glendale") == [
        ("Richmond", "CA", "US"), ("Pasadena", "CA", "US"), ("Glendale", "CA", "US")]


def test_an_explicit_qualifier_still_wins() -> None:
    assert field_places("Toronto, ON") == [("Toronto", "ON", "CA")]
    assert field_places("London, UK")[0][2] == "GB"

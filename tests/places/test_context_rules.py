"""Context rules that keep names, words and local namesakes from being read as far-away cities, and keep
the real mentions (each case seen failing with its rule switched off)."""

from __future__ import annotations

from typing import Any

import pytest

from adtrace.documents import Document
from adtrace.pipeline import extract


def cities(text: str, location: str | None = None) -> list[tuple[str, str | None, str, str]]:
    rec: dict[str, Any] = extract(Document.from_dict({"id": "t", "text": text, "location": location}))
    return [(p["name"], p["admin"], p["country"], p["via"]) for p in rec["places"]]


def test_a_small_city_abroad_needs_context_in_an_ad_from_elsewhere() -> None:
    # Layla/Laylá (Saudi Arabia), Soma (Turkey): a worker's name and a neighbourhood, not the towns abroad.
    assert cities("Layla here, sweet and fun", "San Diego") == [("San Diego", "CA", "US", "field")]
    assert cities("Soma studio, discreet", "San Francisco") == [("San Francisco", "CA", "US", "field")]
    # With a cue, its country written after it, or no other country known, the town stays.
    assert ("Soma", None, "TR", "text") in cities("Just back from Soma", "San Francisco")
    assert ("Soma", None, "TR", "text") in cities("Soma, Turkey", "San Francisco")
    # A big city abroad needs nothing more.
    assert ("London", "ENG", "GB", "text") in cities("London girl", "San Diego")


def test_a_name_cue_makes_even_a_big_city_a_name() -> None:
    assert cities("Ask for London or call") == []
    assert cities("Hi, I'm Milan, new here") == []
    assert ("Milan", None, "IT", "text") in cities("I'm in Milan this week")


def test_a_street_is_not_a_city() -> None:
    assert cities("Incall off Alvarado St near the park") == []
    assert ("Alvarado", None, "MX", "text") in cities("Visiting Alvarado this week")


def test_a_one_word_alternate_name_needs_capitals_and_context() -> None:
    # "Thai" is one of Alor Setar's alternate names; "Vien" one of Vienna's.
    assert cities("Thai massage, relaxing") == []
    assert cities("Vien beauty") == []
    assert ("Vienna", None, "AT", "text") in cities("visiting Wien next week")
    assert ("Milan", None, "IT", "text") in cities("Milano centro, chiamami")  # a place word after it
    assert ("Hong Kong", None, "HK", "text") in cities("hongkong girl")  # the name without its space


@pytest.mark.parametrize("text", ["Now in. Come see me", "come visit ~ Mon-Sun", "READY TO COME SEE ME",
                                  "Looking To Date tonight"])
def test_a_cue_must_belong_to_the_name(text: str) -> None:
    # Comé (Benin), Mon (India), Date (Japan): the cue is another phrase's, a verb's, or in capitals.
    assert cities(text) == []


def test_cues_that_do_belong_to_the_name() -> None:
    assert ("Mobile", "AL", "US", "text") in cities("outcall to Mobile tonight")
    assert ("Dallas", "TX", "US", "text") in cities("Touring: Dallas")


def test_a_site_field_in_the_deployments_country_drops_namesakes_abroad() -> None:
    # Balboa (Colombia) and San Diego (Colombia) agree with each other; the field is still Californian.
    assert cities("Sweet and fun", "San Diego, Balboa Park") == [("San Diego", "CA", "US", "field")]
    assert cities("Sweet and fun", "San Francisco, SoMa") == [("San Francisco", "CA", "US", "field")]


def test_a_small_town_in_another_state_needs_context_when_the_field_names_the_state() -> None:
    # Eastlake (Ohio, 18,000 people) is also a neighbourhood of Chula Vista; Pittsburgh is big enough.
    assert cities("Eastlake studio, discreet", "Chula Vista, CA") == [("Chula Vista", "CA", "US", "field")]
    assert ("Eastlake", "OH", "US", "text") in cities("Back from Eastlake", "Chula Vista, CA")
    assert ("Pittsburgh", "PA", "US", "text") in cities("Pittsburgh girl", "Chula Vista, CA")
    # Without a field naming the state, an out-of-state town stays as before.
    assert ("Eastlake", "OH", "US", "text") in cities("Eastlake studio, discreet")


def test_a_site_field_naming_the_one_such_place_at_home_is_decided() -> None:
    # "San Diego" on a US site: Spain's, Colombia's and Costa Rica's are abroad, so the field names
    # California, and the state rule applies to the text.
    assert cities("Eastlake studio, discreet", "San Diego") == [("San Diego", "CA", "US", "field")]


def test_a_state_nickname_follows_the_documents_country() -> None:
    # "Cali" is California in a US ad and the city of Cali in a Colombian one (lexicon.STATE_NICKNAMES).
    assert ("California", "CA", "US", "text") in cities("Back in Cali this week", "Sacramento, CA")
    assert ("Cali", None, "CO", "text") in cities("New in town from Cali", "Bogotá, Colombia")
    assert ("Cali", None, "CO", "text") in cities("Nueva en Cali, Colombia")
    assert ("New Jersey", "NJ", "US", "text") in cities("Visiting Jersey for a few days", "Newark, NJ")
    assert cities("wearing my jersey") == []


def test_an_area_code_can_decide_a_state_reading() -> None:
    # Nothing else in the ad says which: the phone's area code does (916 Sacramento, 404 Atlanta).
    assert cities("Back in Cali this week, text 916-555-0101")[0] == ("California", "CA", "US", "text")
    assert cities("Visiting Georgia, text 404-555-0101")[0] == ("Georgia", "GA", "US", "text")
    assert cities("Estoy en Cali esta semana, llámame +57 312 555 0101")[0] == ("Cali", None, "CO", "text")

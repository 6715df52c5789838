"""Place matching in text: spans, abbreviations, ambiguity, common words and person names."""

from __future__ import annotations

import pytest

from adtrace.places import Match, find, lookup, resolve
from adtrace.text import normalise


def places(text: str) -> list[Match]:
    return find(normalise(text))


def names(text: str) -> list[tuple[str, str | None, str]]:
    return [(m.place.name, m.place.admin, m.place.country) for m in places(text)]


def test_known_city_with_state_span_slices_the_evidence() -> None:
    text = "New in Las Vegas, NV this week only"
    [m] = places(text)
    assert (m.place.name, m.place.admin, m.place.country) == ("Las Vegas", "NV", "US")
    assert text[m.span[0]:m.span[1]] == "Las Vegas, NV"
    assert 35 < m.place.lat < 37 and -116 < m.place.lon < -114


def test_city_without_state_any_case() -> None:
    text = "just landed in houston for the weekend"
    [m] = places(text)
    assert m.place.name == "Houston" and text[m.span[0]:m.span[1]] == "houston"


def test_whole_words_only() -> None:
    assert names("Renovated room, dallasite") == []  # "Reno" and "Dallas" inside longer words


@pytest.mark.parametrize(("text", "city"), [
    ("Back in LA tonight", "Los Angeles"),
    ("NYC tomorrow", "New York City"),
    ("vegas baby", "Las Vegas"),
    ("SF bay area", "San Francisco"),
    ("ATL peach", "Atlanta"),
    ("philly cheesesteak", "Philadelphia"),
    ("Nola for mardi gras", "New Orleans"),
    ("visiting DC", "Washington"),
    ("St. Louis arch", "St. Louis"),
    ("Ft Lauderdale beach", "Fort Lauderdale"),
])
def test_abbreviations(text: str, city: str) -> None:
    assert city in [n for n, _, _ in names(text)]


def test_lower_case_abbreviation_that_is_a_word_is_not_a_place() -> None:
    assert names("la chica mas bonita") == []
    assert names("dc comics and sf novels") == []


def test_state_code_after_city_is_consumed_not_a_second_place() -> None:
    assert names("Baton Rouge, LA") == [("Baton Rouge", "LA", "US")]


def test_standalone_state_code_needs_a_cue() -> None:
    assert names("now in NV") == [("Nevada", "NV", "US")]
    assert names("NV") == []


def test_ambiguous_name_resolved_by_following_state() -> None:
    assert names("Portland, Maine") == [("Portland", "ME", "US")]
    assert names("Portland OR") == [("Portland", "OR", "US")]
    assert names("in Paris, TX") == [("Paris", "TX", "US")]


def test_ambiguous_name_resolved_by_a_state_named_elsewhere() -> None:
    found = names("Touring Illinois: Springfield then Chicago")
    assert ("Springfield", "IL", "US") in found


def test_ambiguous_name_resolved_by_population_keeps_alternatives() -> None:
    [m] = places("Springfield this weekend")
    assert m.place.name == "Springfield"
    biggest = max([m.place, *m.alternatives], key=lambda p: p.population)
    assert m.place == biggest and len(m.alternatives) >= 2


def test_context_hints_passed_in_decide() -> None:
    from adtrace.places import Hints

    hints = Hints(admins={("US", "ME")}, countries={"US"})
    [m] = find(normalise("Portland"), hints=hints)
    assert m.place.admin == "ME" and m.alternatives == ()


@pytest.mark.parametrize("text", [
    "Mobile friendly website",
    "Very Nice girl, Normal rates",
    "Orange is the new black",
    "Paradise awaits you",
    "Independence Day special",
    "Temple massage",
    "Split the bill",
    "I'm Destiny, sweet and petite",
    "Hi gentlemen, I am Aurora",
    "Ask for Savannah",
    "Sexy Paris here",
    "Victoria here, call me",
    "Florence and Marion are twins",
    "normal mobile orange",
    "check in OR out",
    # Worker names that are towns abroad (Guinea, Benin, Bulgaria, Brazil), and car brands.
    "Lola 23 new in town",
    "Nikki and Kandi, duo special",
    "Sofia here, sweet and petite",
    "Mariana 21",
    "2017 Toyota Camry for sale",
    "Honda Civic, clean title",
])
def test_common_words_and_person_names_are_not_places(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Visiting Mobile, AL this week", ("Mobile", "AL", "US")),
    ("Outcall only in Chandler", ("Chandler", "AZ", "US")),
    ("new in Eugene", ("Eugene", "OR", "US")),
    ("Savannah, GA incall", ("Savannah", "GA", "US")),
    ("in Aurora, CO now", ("Aurora", "CO", "US")),
    ("Normal, IL", ("Normal", "IL", "US")),
    ("flying to Sofia next week", ("Sofia", None, "BG")),
    ("Lola, Guinea", ("Lola", "N", "GN")),
])
def test_common_words_and_person_names_with_context_are_places(text: str, expected: tuple[str, str, str]) -> None:
    assert names(text) == [expected]


def test_state_and_country_names() -> None:
    found = names("From Texas, now touring Canada")
    assert ("Texas", "TX", "US") in found
    assert ("Canada", None, "CA") in found


def test_spanish_and_accents() -> None:
    found = names("Hola, estoy en Ciudad de México y luego Los Ángeles")
    assert ("Mexico City", None, "MX") in found
    assert ("Los Angeles", "CA", "US") in found


def test_chinese_name_of_a_city() -> None:
    text = "新到多伦多，欢迎"
    [m] = places(text)
    assert m.place.name == "Toronto" and text[m.span[0]:m.span[1]] == "多伦多"


def test_full_width_letters_spans_index_the_original() -> None:
    text = "new in Ｄａｌｌａｓ, TX"
    [m] = places(text)
    assert m.place.name == "Dallas"
    assert text[m.span[0]:m.span[1]] == "Ｄａｌｌａｓ, TX"


def test_cyrillic_look_alikes_inside_a_latin_word() -> None:
    text = "new in Рhoenix, AZ"  # Cyrillic capital Er for P
    [m] = places(text)
    assert m.place.name == "Phoenix" and text[m.span[0]:m.span[1]] == "Рhoenix, AZ"


def test_lookup_api() -> None:
    la = lookup("Los Angeles")
    assert la is not None and (la.admin, la.country) == ("CA", "US")
    portland = lookup("Portland", admin="Maine")
    assert portland is not None and portland.admin == "ME"
    toronto = lookup("toronto", country="CA")
    assert toronto is not None and toronto.admin == "ON"
    assert lookup("Nowhereville Xyz") is None
    nsw = lookup("New South Wales")
    assert nsw is not None and nsw.kind == "admin" and nsw.country == "AU"


def test_resolve_dedupes() -> None:
    found = resolve("Vegas! Las Vegas, NV. vegas")
    assert [p.name for p in found] == ["Las Vegas"]


# Spanish prose that is also a town's name needs the same care as English words (wordfreq's Spanish list).
@pytest.mark.parametrize("text", ["Hola amor, soy Linda", "Linda y cariñosa", "como estas papi",
                                  "Visa, pasaje y hospedaje incluidos",  # rank 5,000-10,000
                                  "Hola papi, soy Luz, 25 años\nSolo por unos días",  # Surakarta's other name
                                  "Nada de prisa. Tema libre",  # big cities in China and Ghana
                                  "Libertad y respeto"])  # a big city in the Philippines
def test_spanish_words_are_not_towns(text: str) -> None:
    assert resolve(text) == []


@pytest.mark.parametrize(("text", "name"), [("visiting Linda, CA", "Linda"), ("en Sevilla", "Sevilla"),
                                            ("Madrid", "Madrid"), ("Barcelona, Spain", "Barcelona"),
                                            ("Miami", "Miami"), ("new in Florida", "Florida")])
def test_places_that_are_spanish_words_still_found_in_context(text: str, name: str) -> None:
    assert [p.name for p in resolve(text)] == [name]


@pytest.mark.parametrize(("text", "city"), [
    ("新到纽约，法拉盛", "New York City"),  # GeoNames lists New York as 紐約 only
    ("紐約按摩", "New York City"),
    ("新到溫哥華", "Vancouver"),            # and Vancouver as 溫哥華 only
    ("温哥华新到", "Vancouver"),
    ("洛杉磯", "Los Angeles"),
])
def test_chinese_city_names_in_either_script(text: str, city: str) -> None:
    assert [m.place.name for m in places(text)] == [city]

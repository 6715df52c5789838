"""Search's place facets read as the places are named ("Albuquerque", not "albuquerque", beside hits placed in
"Albuquerque, NM"), while their links filter on the value the index keeps, as before (review of 2026-12)."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser

from adtrace.places.gazetteer import fold


def test_place_facets_are_named_as_the_places_and_filter_as_before(app: object,
                                                                   login: Callable[[str], TestClient]) -> None:
    client = login("analyst")
    tree = LexborHTMLParser(client.get("/search", params={"q": "call"}).text)
    shown = [(a.attributes["data-facet"], a.attributes["data-value"] or "", a.text(strip=True), a.attributes["href"] or "",
              int((a.next.next.text() if a.next and a.next.next else "0").replace(",", "")))  # the count beside it
             for a in tree.css("a[data-facet]") if a.attributes["data-facet"] in ("city", "state", "phone_area")]
    assert sum(f == "city" for f, *_ in shown) >= 5, shown  # this store: 14 cities, 3 phone areas for "call"
    for facet, value, label, href, count in shown:
        assert value == value.lower() and fold(label) == fold(value), (facet, value, label)
        assert label[0].isupper(), (facet, value, label)  # every place of this store is named with a capital
        if facet == "city":  # the link filters on the stored value, and finds what the facet counted
            assert dict(parse_qsl(urlsplit(href).query))["city"] == value, href
            page = client.get(href).text
            total = int(re.search(r"([\d,]+)\+? documents", page).group(1).replace(",", ""))  # type: ignore[union-attr]
            assert total == count, (value, total, count)

"""The analyst's day without a browser: the API undoes decisions and counts what waits; forms answer wrong
values beside the field (issue 19, items 7 and 14)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.app.conftest import csrf_of


def test_api_undo_and_waiting_count(app: object, api: Callable[[str], dict[str, str]]) -> None:
    client = TestClient(app, headers=api("reviewer"))  # type: ignore[arg-type]  # the API takes tokens only
    headers: dict[str, str] = {}
    first = client.get("/api/v1/queue?limit=1").json()
    doc_id, before = first["items"][0]["id"], first["waiting"]
    assert client.post("/api/v1/decisions", json={"doc_id": doc_id, "decision": "dismiss"},
                       headers=headers).status_code == 201
    assert client.get("/api/v1/queue?limit=1").json()["waiting"] == before - 1
    r = client.post("/api/v1/decisions", json={"doc_id": doc_id, "decision": "withdraw"}, headers=headers)
    assert r.status_code == 201 and r.json()["decision"] == "withdrawn"
    assert client.get("/api/v1/queue?limit=1").json()["waiting"] == before
    again = client.post("/api/v1/decisions", json={"doc_id": doc_id, "decision": "withdraw"}, headers=headers)
    assert again.status_code == 422 and again.json()["error"]["detail"]["field"] == "doc_id"


def test_a_wrong_watchlist_value_is_an_error_beside_the_field(login: Callable[[str], TestClient]) -> None:
    client = login("analyst")
    r = client.post("/watchlists", data={"kind": "regex", "value": "(unclosed", "name": "Op Lantern",
                                         "csrf": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 422
    assert 'id="watch-error"' in r.text and "not a regular expression" in r.text
    assert 'value="(unclosed"' in r.text and 'value="Op Lantern"' in r.text  # what was typed is kept
    assert '<header class="top">' in r.text  # the whole page, navigation included


def test_search_names_facets_marks_the_query_filters_dates_and_exports_csv(
        login: Callable[[str], TestClient]) -> None:
    import csv
    import io
    import re

    from adtrace.indicators import get

    client = login("analyst")
    page = client.get("/search", params={"q": "new"}).text
    ids = re.findall(r'data-facet="indicator" data-value="([^"]+)"', page)
    assert ids, "the synthetic store has indicator facets"
    label = get(ids[0]).description.split("(")[0].split(",")[0].strip()[:40]
    assert label in page  # the facet says what the indicator means; its id is only the tooltip
    assert re.search(r'<mark class="q">new</mark>', page, re.I)
    # Two months: one month of the 120-document store held a single match, which a generator change can move.
    dated = client.get("/search", params={"q": "new", "date_from": "2024-06-01", "date_to": "2024-07-31"}).text
    total = int(re.search(r"([\d,]+)\+? documents", page).group(1).replace(",", ""))  # type: ignore[union-attr]
    in_june = int(re.search(r"([\d,]+)\+? documents", dated).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert 0 < in_june < total and 'value="2024-06-01"' in dated
    r = client.get("/search.csv", params={"q": "new", "date_from": "2024-06-01", "date_to": "2024-07-31"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == in_june and all("2024-06-01" <= row["posted_at"][:10] <= "2024-07-31" for row in rows)
    assert login("reviewer").get("/search.csv", params={"q": "new"}).status_code == 403  # exports: analysts


def test_entity_page_offers_the_open_cases(app: object, login: Callable[[str], TestClient]) -> None:
    import sqlalchemy as sa

    from adtrace.cases import cases as cs

    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        phone = conn.execute(sa.text("SELECT value FROM entities WHERE kind = 'phone' LIMIT 1")).scalar_one()
    case = cs.create(app.state.adtrace.store, "Open lead", "analyst")  # type: ignore[attr-defined]
    page = login("analyst").get(f"/entities/phone/{phone}").text
    assert f'action="/cases/{case.id}/items"' in page and f"Add to #{case.id} Open lead" in page

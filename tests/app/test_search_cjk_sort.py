"""Search page and API: Chinese words inside longer runs, and the sort control (issue 19 items 5, 6).

The Chinese ads are synthetic, written for this test.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.storage.prepare import prepare

ADS = [
    {"id": "zh-a", "text": "北京按摩服务，新来的女孩，电话联系", "title": "北京按摩", "posted_at": "2030-01-03"},
    {"id": "zh-b", "text": "上海高端按摩，私人服务", "title": "上海", "posted_at": "2030-01-02"},
    {"id": "zh-c", "text": "北京招聘服务员，包吃包住", "title": "招聘", "posted_at": "2030-01-01"},
]


def add_ads(app: object) -> None:
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    docs = [Document.from_dict({"source": "zh-site", **a}) for a in ADS]
    store.put_batch([prepare(d, process(d)) for d in docs])


def test_chinese_word_inside_a_run_is_found_by_api_and_page(app: object, api: Callable[[str], dict[str, str]],
                                                            login: Callable[[str], TestClient]) -> None:
    add_ads(app)
    client = TestClient(app)  # type: ignore[arg-type]
    found = client.get("/api/v1/search", params={"q": "按摩", "sort": "newest", "source": "zh-site"}, headers=api("analyst")).json()
    assert [h["id"] for h in found["hits"]] == ["zh-a", "zh-b"] and found["total"] == 2
    assert client.get("/api/v1/search", params={"q": "服务", "source": "zh-site"}, headers=api("analyst")).json()["total"] == 3
    page = login("analyst").get("/search", params={"q": "按摩", "source": "zh-site"}).text
    assert "2 documents" in page and '<mark class="q">按摩</mark>' in page  # found and highlighted
    csv = login("analyst").get("/search.csv", params={"q": "按摩", "sort": "newest", "source": "zh-site"}).text
    assert [line.split(",")[0] for line in csv.splitlines()[1:]] == ["zh-a", "zh-b"]


def test_sort_control_orders_hits(app: object, login: Callable[[str], TestClient]) -> None:
    client = login("analyst")
    page = client.get("/search", params={"q": "new", "sort": "score"}).text
    assert '<option value="score" selected>' in page
    scores = [int(part.split(">", 1)[1].split("<", 1)[0]) for part in page.split('<span class="score')[1:]]
    assert len(scores) > 2 and scores == sorted(scores, reverse=True)
    page = client.get("/search", params={"q": "new", "sort": "nonsense"}).text  # unknown: relevance, no error
    assert '<option value="relevance" selected>' in page


def test_place_facets_are_labelled_apart(app: object, login: Callable[[str], TestClient]) -> None:
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    doc = Document.from_dict({"id": "places-1", "source": "place-site",
                              "text": "In town: Houston. Touring all of Texas this month. Text 415 555 0123"})
    store.put_batch([prepare(doc, process(doc))])
    page = login("analyst").get("/search", params={"source": "place-site"}).text
    assert "place of phone area code" in page and "state / province (named)" in page
    city = page.split('data-facet-group="city"', 1)[1].split("</div>", 1)[0]
    state = page.split('data-facet-group="state"', 1)[1].split("</div>", 1)[0]
    area = page.split('data-facet-group="phone_area"', 1)[1].split("</div>", 1)[0]
    assert 'data-value="houston"' in city and "texas" not in city.lower() and "san francisco" not in city.lower()
    assert 'data-value="texas"' in state and 'data-value="san francisco"' in area
    filtered = login("analyst").get("/search", params={"phone_area": "san francisco", "source": "place-site"}).text
    assert "1 documents" in filtered and "place of phone area code: San Francisco" in filtered  # named as the place

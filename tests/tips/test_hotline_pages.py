"""Pages show the hotline of the country the ad points to (places.hotlines)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adtrace.places.hotlines import record_countries


def test_pages_show_the_hotline_of_the_country_the_ad_points_to(app: Any, login: Callable[[str], Any]) -> None:
    from adtrace.documents import Document
    from adtrace.pipeline import Pipeline
    from adtrace.storage.prepare import prepare

    store = app.state.adtrace.store
    doc = Document(id="mx-ad-1", text="Chicas nuevas en Tijuana, Baja California. Whatsapp +52 664 123 4567")
    record = Pipeline().process(doc)
    assert "MX" in record_countries(record)
    store.put_batch([prepare(doc, record)])
    client = login("analyst")
    page = client.get("/documents/mx-ad-1").text
    assert "800 5533 000" in page and 'data-country="MX"' in page
    us_doc = next(d for d in store.iter_ids() if d != "mx-ad-1" and "US" in record_countries(store.get_record(d))[:1])
    assert "1-888-373-7888" in client.get(f"/documents/{us_doc}").text

"""Every export path masks the people's identifiers by default (docs/cases.md: phones, e-mails, handles,
payment handles and names; photos never leave): one ad with a planted phone and e-mail in its title and
text, put in a case, confirmed and linked, then fetched in every format the app exports. The raw values
may appear only in an export the user chose unmasked, and that choice is in the audit log."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

RAW = ("702-555-0147", "7025550147", "planted.person@example.org")


def _plant(app: Any) -> tuple[str, int]:
    from adtrace.cases import cases as cs
    from adtrace.cases.decisions import decide
    from adtrace.documents import Document
    from adtrace.linking.run import link_store
    from adtrace.pipeline import Pipeline
    from adtrace.storage.db import write
    from adtrace.storage.prepare import prepare

    store = app.state.adtrace.store
    doc = Document(id="planted-1", source="examplelist", kind="ad", url="https://example-classifieds.test/p/1",
                   title="New in town, call 702-555-0147",
                   text="Sweet and discreet. Text 702-555-0147 or write planted.person@example.org any time.")
    store.put_batch([prepare(doc, Pipeline(default_region="US").process(doc))])
    link_store(store.engine)
    case = cs.create(store, "planted", "admin")
    cs.add_item(store, case.id, "document", doc.id, "admin")
    with write(store.engine) as conn:
        decide(conn, doc.id, "confirm", "", "admin")
    return doc.id, case.id


def _text(path: str, body: bytes) -> str:
    if path.endswith(".pdf"):
        from pypdf import PdfReader

        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "replace")


@pytest.fixture
def planted(app: Any) -> tuple[str, int]:
    return _plant(app)


PATHS = ("/cases/{case}/export.json", "/cases/{case}/export.csv", "/cases/{case}/export.pdf",
         "/api/v1/cases/{case}/export.json", "/cases/{case}/graph.graphml", "/cases/{case}/graph.gexf",
         "/cases/{case}/graph.i2csv", "/clusters/{doc}/graph.graphml", "/cases/{case}/stix.json",
         "/clusters/{doc}/stix.json", "/cases/{case}/draft.ncmec.json", "/cases/{case}/draft.htcds.json",
         "/search.csv?q=discreet", "/queue/labels.csv", "/api/v1/decisions/labels.csv")


@pytest.mark.parametrize("path", PATHS)
def test_no_export_carries_a_raw_identifier_by_default(app: Any, login: Callable[[str], TestClient],
                                                      api: Callable[[str], dict[str, str]], planted: tuple[str, int],
                                                      path: str) -> None:
    doc_id, case_id = planted
    client = login("admin")
    url = path.format(case=case_id, doc=doc_id)
    r = client.get(url, headers=api("admin") if url.startswith("/api/") else {})
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    text = _text(url.split("?")[0], r.content)
    assert "planted" in text or "discreet" in text.lower() or "[phone" in text or "phone:" in text, url  # it is there
    for raw in RAW:
        assert raw not in text, (url, raw)


@pytest.mark.parametrize("path", ["/cases/{case}/export.json", "/search.csv?q=discreet", "/queue/labels.csv"])
def test_an_unmasked_export_is_an_admins_audited_choice(app: Any, login: Callable[[str], TestClient],
                                                       planted: tuple[str, int], path: str) -> None:
    _doc_id, case_id = planted
    url = path.format(case=case_id) + ("&" if "?" in path else "?") + "full=1"
    assert login("analyst").get(url).status_code == 403
    r = login("admin").get(url)
    assert r.status_code == 200 and "702-555-0147" in r.text
    with app.state.adtrace.engine.connect() as conn:
        detail = conn.execute(sa.text("SELECT detail FROM audit_log WHERE action = 'export' ORDER BY seq DESC")).scalar()
    assert '"redacted":false' in str(detail).replace(" ", "")

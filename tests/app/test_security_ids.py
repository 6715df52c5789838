"""Issue 20 item 1 (a, b): hostile document ids are refused at ingest, and every id that reaches a URL
in a template is one %-encoded path segment ('/' included), so it can never climb out of its route."""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

from adtrace import errors
from adtrace.documents import Document, valid_id
from adtrace.storage.ingest import IngestOptions, ingest

HOSTILE = ["../../api/v1/documents/x", "a/b", "..", ".", "x?y=1", "x#frag", "a b", "%2e%2e", "-rf", "<b>",
           "x\"onmouseover=1", "\u202eevil", "a" * 129, "é"]
PLANTED = "../../api/v1/settings"


@pytest.mark.parametrize("bad", HOSTILE)
def test_hostile_ids_are_refused_with_a_located_error(bad: str) -> None:
    with pytest.raises(errors.InputError) as info:
        Document.from_dict({"id": bad, "text": "an ad"}, path="ads.jsonl", line=7)
    exc = info.value
    assert exc.code == errors.BAD_ID and exc.detail == {"path": "ads.jsonl", "line": 7, "field": "id"}
    assert "ads.jsonl" in exc.message and "leave 'id' out" in exc.message


@pytest.mark.parametrize("good", ["a", "0", "bp-2017-000123", "emscad:17", "x.y_z-1", "A" * 128, "12345"])
def test_ordinary_ids_pass(good: str) -> None:
    assert valid_id(good) and Document.from_dict({"id": good, "text": "an ad"}).id == good


def test_missing_id_is_derived_and_valid() -> None:
    doc = Document.from_dict({"text": "an ad", "url": "https://example.org/a/../b?c#d"})
    assert valid_id(doc.id)


def test_the_schema_documents_the_rule() -> None:
    from adtrace.documents import schema

    pattern = schema()["properties"]["id"]["pattern"]
    assert all(re.fullmatch(pattern.strip("^$"), bad) is None for bad in HOSTILE)


def test_ingest_rejects_a_hostile_id_and_keeps_the_rest(app: object, tmp_path: Path) -> None:
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    before = sum(1 for _ in store.iter_ids())
    path = tmp_path / "ads.jsonl"
    path.write_bytes(orjson.dumps({"id": PLANTED, "text": "Call 702-555-0123, new in town"}) + b"\n"
                     + orjson.dumps({"id": "fine-1", "text": "Call 702-555-0124, new in town"}) + b"\n")
    [summary] = ingest(store, [str(path)], IngestOptions(workers=1))
    assert summary.rejected == 1 and summary.reasons == {errors.BAD_ID: 1}
    ids = set(store.iter_ids())
    assert PLANTED not in ids and "fine-1" in ids and len(ids) == before + 1


def test_screen_store_mode_refuses_a_hostile_id(app: object) -> None:
    from adtrace.app import accounts

    token = accounts.add_token(app.state.adtrace.engine, "partner", "platform")  # type: ignore[attr-defined]
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"})  # type: ignore[arg-type]
    r = client.post("/api/v1/screen", json={"mode": "store", "documents": [{"id": PLANTED, "text": "new in town"}]})
    assert r.status_code == 422 and r.json()["error"]["code"] == errors.BAD_ID
    assert app.state.adtrace.store.get_document(PLANTED) is None  # type: ignore[attr-defined]


# --- templates: every URL path built from a value goes through |seg ---------------------------------

_URL_ATTR = re.compile(r'(?:href|action|src|hx-get|hx-post|hx-put|hx-delete|data-preview)="(/[^"]*)"')


def test_every_template_url_encodes_its_path_values() -> None:
    folder = resources.files("adtrace.app.pages") / "templates"
    unencoded = []
    for tpl in folder.iterdir():
        if not tpl.name.endswith(".html"):
            continue
        for url in _URL_ATTR.findall(tpl.read_text()):
            path = url.split("?", 1)[0]
            for expr in re.findall(r"\{\{(.*?)\}\}", path):
                if not expr.strip().endswith("|seg"):
                    unencoded.append((tpl.name, expr.strip()))
    assert not unencoded, f"path values without |seg: {unencoded}"


def _plant(app: object, doc_id: str,
           text: str = "Sweet new girl in town, 18, call 702-555-0199 tonight, incall only, no police") -> None:
    """A document stored with a hostile id, as a database from before the check may hold one (the store
    skips a text it already holds: give each planted document its own)."""
    from adtrace.pipeline import Pipeline
    from adtrace.storage.prepare import prepare

    doc = Document(id=doc_id, text=text, title="New in town", source="planted")
    [record] = Pipeline().process_many([doc])
    app.state.adtrace.store.put_batch([prepare(doc, record)])  # type: ignore[attr-defined]


def test_a_stored_hostile_id_is_one_encoded_segment_in_pages(app: object, login: Callable[[str], TestClient]) -> None:
    _plant(app, PLANTED)
    client = login("admin")
    encoded = "..%2F..%2Fapi%2Fv1%2Fsettings"
    search = client.get("/search", params={"source": "planted"}).text
    assert f'href="/documents/{encoded}"' in search and 'href="/documents/../' not in search
    queue = client.get("/queue").text
    if "planted" in queue:  # in the queue when its score flags it
        assert f'data-preview="/queue/preview/{encoded}"' in queue
    # The encoded segment never reaches another route: it is a 404, not the settings API.
    r = client.get(f"/queue/preview/{encoded}")
    assert r.status_code == 404 and "application/json" not in r.headers["content-type"]

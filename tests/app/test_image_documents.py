"""A revealed "photo" that is really an SVG or HTML file (a scraper saved it from a hostile site) opened on
its own tab runs sandboxed without script, not as a page of this site (docs/security.md, third review)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from adtrace.app import create_app
from adtrace.documents import Document
from tests.app.conftest import PASSWORD, TEST_HOSTS, csrf_of, post_login

PAGE = {"page.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script href="/static/htmx.min.js"/></svg>',
        "page.html": b'<script src="/static/htmx.min.js"></script><form hx-post="/settings/purge"></form>'}


@pytest.mark.parametrize("name", sorted(PAGE))
def test_a_revealed_file_that_is_a_page_runs_sandboxed(db_path: Path, tmp_path: Path, name: str) -> None:
    from adtrace.pipeline import Pipeline
    from adtrace.storage.prepare import prepare

    (tmp_path / name).write_bytes(PAGE[name])
    web = create_app(str(db_path), image_roots=(tmp_path,), secure_cookies=False, allowed_hosts=TEST_HOSTS)
    try:
        doc = Document(id="photo-page", text="Sweet new girl in town, pics inside, call 702-555-0111", source="t",
                       images=[{"path": name}])
        [record] = Pipeline().process_many([doc])
        web.state.adtrace.store.put_batch([prepare(doc, record)])
        client = TestClient(web)
        assert post_login(client, "analyst", PASSWORD).status_code == 303
        shown = client.post("/documents/photo-page/images/0/reveal", data={"csrf": csrf_of(client)}).text
        src = shown.split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        r = client.get(src)
        assert r.status_code == 200 and r.content == PAGE[name]
        policy = r.headers["content-security-policy"]
        assert "sandbox" in policy and "default-src 'none'" in policy and "script-src" not in policy
    finally:
        web.state.adtrace.store.close()

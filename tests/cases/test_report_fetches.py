"""The PDF report fetches nothing but its own fonts and `data:` URIs (docs/security.md, third review).

WeasyPrint follows every URL in the HTML and its CSS with its default fetcher: an image, a stylesheet,
`url()` in a style attribute, `file:` or `http:`. A local HTTP server counts what reaches it."""

from __future__ import annotations

import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from pypdf import PdfReader

from adtrace.cases import cases as cs
from adtrace.cases import exports
from adtrace.storage import Store
from adtrace.storage.ingest import IngestOptions, ingest
from tests.cases.test_report_template import _case, store  # noqa: F401  (fixture)

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cf"
                    "c0f01f0005000201a5f2a0f90000000049454e44ae426082")


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """An 'internal' server on loopback: every path requested is recorded."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            body = PNG if self.path.endswith(".png") else b"body::after { content: 'FETCHED-CSS' }"
            self.send_response(200)
            self.send_header("Content-Type", "image/png" if self.path.endswith(".png") else "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


def _text(pdf: bytes) -> str:
    return " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)


def _hostile(base: str, local_css: Path) -> str:
    return (f'<img src="{base}/img.png"><link rel="stylesheet" href="{base}/style.css">'
            f'<div style="background-image: url({base}/bg.png)">x</div>'
            f'<style>@import url("{base}/import.css");</style>'
            f'<link rel="stylesheet" href="{local_css.as_uri()}">'
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="9" height="9">'
            f'<image href="{base}/svg.png" width="9" height="9"/></svg>')


def test_the_renderer_fetches_no_url_of_the_html(server: tuple[str, list[str]], tmp_path: Path) -> None:
    base, hits = server
    local = tmp_path / "local.css"  # a file on the analyst's disk, which itself names the internal server
    local.write_text(f"body::before {{ content: 'LOCAL-FILE-READ' }} @import url('{base}/from-file.css');")
    html = f"<html><body><p>Report</p>{_hostile(base, local)}<img src='data:image/png;base64,iVBORw0KGgo='></body></html>"
    text = _text(exports.render_pdf(html))
    assert hits == []
    assert "LOCAL-FILE-READ" not in text and "FETCHED-CSS" not in text and "Report" in text


def test_hostile_case_text_reaches_no_fetched_url(store: Store, server: tuple[str, list[str]],  # noqa: F811
                                                  tmp_path: Path) -> None:
    """Everything an analyst or an ad writes that the report shows: title, note, item note, ad text."""
    base, hits = server
    payload = _hostile(base, tmp_path / "none.css")
    ad = tmp_path / "hostile.jsonl"
    ad.write_bytes(orjson.dumps({"id": "h1", "source": "test", "posted_at": "2026-05-01T10:00:00", "title": payload,
                                 "text": f"new in town {payload}", "location": payload}) + b"\n")
    ingest(store, [str(ad)], IngestOptions(workers=1))
    case = cs.create(store, f"Case {payload}", "alice")
    cs.add_item(store, case.id, "cluster", "t0", "alice", note=payload)
    cs.add_item(store, case.id, "document", "h1", "alice", note=payload)
    cs.add_note(store, case.id, "alice", f"see {payload}")
    pdf = exports.to_pdf(exports.bundle(store, cs.get(store, case.id), actor="alice"))
    assert hits == []
    text = _text(pdf)
    assert "Case <img" in text and "new in town <img" in text  # shown as text, not markup


def test_the_shipped_fonts_are_still_fetched(store: Store) -> None:  # noqa: F811
    """The report's own CJK font still renders Chinese text (the allowed `file:` URIs)."""
    case = cs.create(store, "案件 东京 旅行", "alice")
    cs.add_item(store, case.id, "cluster", "t0", "alice")
    text = _text(exports.to_pdf(exports.bundle(store, cs.get(store, case.id), actor="alice")))
    assert "案件 东京 旅行" in text

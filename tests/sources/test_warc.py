"""WARC crawls: HTML responses become Documents by host; everything else is passed over."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from adtrace.documents import Document
from adtrace.sources import ReadError, read_paths
from adtrace.synth import generate
from adtrace.synth.html import page_a, page_b


def _response(writer: WARCWriter, url: str, body: bytes, ctype: str = "text/html", status: str = "200 OK") -> None:
    headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))


def test_warc_gz_pages_by_host(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    want = {}
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for d, _ in generate(30, seed=9):
            if d["source"] == "examplelist":
                _response(writer, d["url"], page_a(d).encode())
            elif d["source"] == "cityboard":
                _response(writer, d["url"], page_b(d).encode())
            else:
                continue
            want[d["id"]] = d
        _response(writer, "https://example-classifieds.test/list/x/1.html", b"<ul class=listing></ul>")
        _response(writer, "https://elsewhere.test/", b"<p>not ours</p>")
        _response(writer, "https://cityboard-ads.test/site.css", b"body{}", ctype="text/css")
        _response(writer, "https://cityboard-ads.test/gone", b"<p>x</p>", status="404 Not Found")
    items = list(read_paths([str(path)]))
    assert not [i for i in items if isinstance(i, ReadError)]
    docs = {d.id: d for d in items if isinstance(d, Document)}
    assert set(docs) == set(want) and want
    for doc_id, d in docs.items():
        assert d.url == want[doc_id]["url"] and d.source == want[doc_id]["source"]


def test_truncated_warc_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.warc"
    path.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999\r\n\r\n<html>")
    items = list(read_paths([str(path)]))
    assert len(items) == 1 and isinstance(items[0], ReadError) and "WARC" in items[0].error.message

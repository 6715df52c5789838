"""Raw pages as evidence: one WARC.gz per crawl run (warcio), readable by `adtrace ingest` and wayback tools."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path

from scrapy.http import Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Scrapy hands over the body already decoded and de-chunked; these would misdescribe it.
_DROP = {b"content-encoding", b"transfer-encoding", b"content-length"}


class WarcSink:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = path.open("wb")
        self._writer = WARCWriter(self._fh, gzip=True)
        info = self._writer.create_warcinfo_record(path.name, {"software": "adtrace crawl (Scrapy)",
                                                               "format": "WARC File Format 1.0"})
        self._writer.write_record(info)
        self.records = 0

    @classmethod
    def for_run(cls, folder: str, profile: str) -> WarcSink:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        return cls(Path(folder) / f"{profile}-{stamp}.warc.gz")

    def write(self, response: Response) -> None:
        body = response.body
        headers = [(k.decode("latin-1"), b", ".join(vs).decode("latin-1"))
                   for k, vs in response.headers.items() if k.lower() not in _DROP]
        headers.append(("Content-Length", str(len(body))))
        try:
            phrase = HTTPStatus(response.status).phrase
        except ValueError:
            phrase = "Unknown"
        http = StatusAndHeaders(f"{response.status} {phrase}", headers, protocol="HTTP/1.1")
        record = self._writer.create_warc_record(response.url, "response", payload=io.BytesIO(body),
                                                 http_headers=http)
        self._writer.write_record(record)
        self.records += 1

    def close(self) -> None:
        self._fh.close()
        # Evidence: a signed SHA-256 manifest per record, when the organisation has signing keys.
        from adtrace.evidence import sign_if_keys, warc_items

        sign_if_keys(self.path, warc_items(self.path), created_by="adtrace crawl", purpose="web capture")

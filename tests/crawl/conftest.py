"""A small synthetic site served on loopback, with the traps a real crawl meets.

`adtrace synth --html` output for examplelist (5 ads per listing page so pagination is exercised),
plus: a robots-disallowed ad (/post/...), an ad that answers after the crawl timeout, a malformed ad
page, a link to another host (served, to prove it is never fetched) and an age gate (ads are shown
only with the `over18=1` cookie). Every request is logged with its user agent.
"""

from __future__ import annotations

import contextlib
import io
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from adtrace.crawl import CrawlConfig, load_config
from adtrace.storage import init_db

DOMAIN = "example-classifieds.test"


@dataclass
class Site:
    root: Path
    url: str
    offsite_url: str
    ads: set[str]  # allowed, well-formed ad paths
    log: list[tuple[str, str]] = field(default_factory=list)  # (path, user agent)
    offsite_log: list[str] = field(default_factory=list)

    def requested(self, prefix: str = "") -> list[str]:
        return [p for p, _ in self.log if p.startswith(prefix)]


def _handler(site: Site, offsite: bool) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if offsite:
                site.offsite_log.append(self.path)
            else:
                site.log.append((self.path, self.headers.get("User-Agent", "")))
            if self.path.startswith("/slow/"):
                time.sleep(6.0)  # longer than the crawl's timeout
            gated = not self.path.startswith("/list/") and re.fullmatch(r"/[^/]+/[^/]+/[^/]+\.html", self.path) and "over18=1" not in (
                self.headers.get("Cookie") or "")
            if gated:
                body = b"<html><body><form>Are you over 18? <button>Yes</button></form></body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                super().do_GET()

    return Handler


class _Server(ThreadingHTTPServer):
    request_queue_size = 64  # the crawler opens several connections at once
    daemon_threads = True


def _serve(root: Path, site: Site, offsite: bool) -> ThreadingHTTPServer:
    server = _Server(("127.0.0.1", 0), partial(_handler(site, offsite), directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def build_site(tmp: Path, n: int = 40, seed: int = 11) -> tuple[Path, set[str]]:
    import adtrace.synth.html as synth_html
    from adtrace.synth import write_corpus

    old = synth_html.PER_PAGE
    synth_html.PER_PAGE = 5
    try:
        write_corpus(n, seed, io.BytesIO(), html_dir=str(tmp / "html"))
    finally:
        synth_html.PER_PAGE = old
    root = tmp / "html" / DOMAIN
    ads: set[str] = set()
    for page in sorted((root / "list").rglob("*.html")):
        ads |= set(re.findall(r'class="listing-link" href="([^"]+)"', page.read_text(encoding="utf-8")))
    return root, ads


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("site")
    root, ads = build_site(tmp)
    (root / "post").mkdir()
    (root / "post" / "secret.html").write_text((root / next(iter(ads)).lstrip("/")).read_text(encoding="utf-8"))
    (root / "slow").mkdir()
    (root / "slow" / "ad.html").write_text("<html><body>late</body></html>")
    (root / "bad" / "x").mkdir(parents=True)
    (root / "bad" / "x" / "ad.html").write_bytes(b"\x00\xff<html><artic\xfe<div class=post-bo")
    offsite_root = tmp / "offsite"
    offsite_root.mkdir()
    (offsite_root / "ad.html").write_text("<html><body>elsewhere</body></html>")
    site = Site(root, "", "", ads)
    offsite = _serve(offsite_root, site, offsite=True)
    site.offsite_url = f"http://localhost:{offsite.server_address[1]}/ad.html"
    first = sorted((root / "list").rglob("1.html"))[0]
    traps = "".join(f'<li><a class="listing-link" href="{h}">x</a></li>'
                    for h in ("/post/secret.html", "/slow/ad.html", "/bad/x/ad.html", site.offsite_url))
    first.write_text(first.read_text(encoding="utf-8").replace('<ul class="listing">', f'<ul class="listing">{traps}'),
                     encoding="utf-8")
    server = _serve(root, site, offsite=False)
    site.url = f"http://127.0.0.1:{server.server_address[1]}/"
    yield site
    server.shutdown()
    offsite.shutdown()


def crawl_config(site: Site, db: str, warc_dir: Path) -> CrawlConfig:
    return load_config("examplelist").with_(
        start_urls=(site.url,), allowed_domains=("127.0.0.1",), db=db, warc_dir=str(warc_dir), delay=0.0,
        autothrottle=False, timeout=2.5, retries=0, cookies={"over18": "1"}, concurrency=4,
        user_agent="adtrace-test-crawler/1.0", allow_private_addresses=True)  # the test site is on loopback


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'crawl.db'}"
    init_db(url)
    return url

"""A hostile site cannot send the crawler to the analyst's own machine or network (docs/security.md).

The hostile site links, redirects (302, meta refresh) and points robots.txt at an "internal" server on
another loopback port, which records every request it gets; it also links to file:, data: and ftp: URLs.
A second set of runs checks that a host resolving to a non-global address is not fetched at all unless
the crawl allows private addresses.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson
import pytest

from adtrace.crawl import CrawlConfig, crawl, load_config
from adtrace.crawl.addresses import is_public
from adtrace.storage import init_db


@dataclass
class Servers:
    hostile_port: int
    internal: str  # host:port of the server the crawler must never reach
    hostile_log: list[str] = field(default_factory=list)
    internal_log: list[str] = field(default_factory=list)


def _page(handler: BaseHTTPRequestHandler, status: int, body: str = "", location: str | None = None) -> None:
    raw = body.encode()
    handler.send_response(status)
    if location:
        handler.send_header("Location", location)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(raw)))
    handler.end_headers()
    handler.wfile.write(raw)


def _serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    found = Servers(0, "")

    class Internal(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            found.internal_log.append(self.path)
            _page(self, 200, "<html><body><ul class=listing></ul>secret</body></html>")

    class Hostile(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            found.hostile_log.append(self.path)
            inside = f"http://{found.internal}"
            if self.path == "/robots.txt":
                _page(self, 302, location=f"{inside}/robots-redirect")
            elif self.path == "/":
                links = ["/r302", "/r307", "/meta", "/r-file", f"{inside}/direct", f"//{found.internal}/schemeless",
                         f"http://{found.internal}\\@127.0.0.1/backslash", "file:///etc/passwd",
                         "data:text/html,<p>x</p>", f"ftp://{found.internal}/ftp"]
                items = "".join(f'<li><a class="listing-link" href="{u}">ad</a></li>' for u in links)
                _page(self, 200, f'<html><body><ul class="listing">{items}</ul></body></html>')
            elif self.path in ("/r302", "/r307"):
                _page(self, int(self.path[2:]), location=f"{inside}/redirect-{self.path[2:]}")
            elif self.path == "/r-file":
                _page(self, 302, location="file:///etc/passwd")
            elif self.path == "/meta":
                _page(self, 200, f'<html><head><meta http-equiv="refresh" content="0;url={inside}/meta-refresh">'
                                 "</head><body></body></html>")
            else:
                _page(self, 404)

    internal, hostile = _serve(Internal), _serve(Hostile)
    found.internal = f"localhost:{internal.server_address[1]}"
    found.hostile_port = hostile.server_address[1]
    yield found
    internal.shutdown()
    hostile.shutdown()


def _config(servers: Servers, tmp: Path, host: str, *, allow_private: bool) -> CrawlConfig:
    db = f"sqlite:///{tmp / 'crawl.db'}"
    init_db(db)
    return load_config("examplelist").with_(
        start_urls=(f"http://{host}:{servers.hostile_port}/",), allowed_domains=(host,), db=db, warc_dir=None,
        delay=0.0, autothrottle=False, timeout=3.0, retries=0, allow_private_addresses=allow_private)


def test_links_redirects_and_other_schemes_never_leave_the_allowed_hosts(servers: Servers, tmp_path: Path) -> None:
    summary = crawl(_config(servers, tmp_path, "127.0.0.1", allow_private=True))
    assert {"/robots.txt", "/", "/r302", "/r307", "/meta", "/r-file"} <= set(servers.hostile_log)  # it did follow
    assert servers.internal_log == []
    assert summary.offsite >= 5  # direct, scheme-relative, file:, data:, ftp: links


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_host_on_a_non_global_address_is_refused_unless_allowed(servers: Servers, tmp_path: Path,
                                                                   host: str) -> None:
    before = len(servers.hostile_log)
    summary = crawl(_config(servers, tmp_path, host, allow_private=False))
    assert servers.hostile_log[before:] == [] and servers.internal_log == []
    assert summary.pages == 0 and summary.refused_address >= 1
    assert f"{host} resolves to 127.0.0.1" in summary.failures[0]


@pytest.mark.parametrize(("address", "public"), [
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.9", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("::1", False), ("fe80::1", False),
    ("fc00::1", False), ("::ffff:127.0.0.1", False), ("not an address", False),
    ("93.184.215.14", True), ("2606:4700::1111", True)])
def test_only_global_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_a_profile_can_allow_private_addresses(tmp_path: Path) -> None:
    import yaml

    profile = {"name": "mirror", "source": "mirror", "kind": "ad", "hosts": ["mirror.internal"],
               "selectors": {"body": "div.post-body"},
               "crawl": {"start_urls": ["http://mirror.internal/"], "ads": ["a.ad"], "allow_private_addresses": True}}
    (tmp_path / "mirror.yaml").write_text(yaml.safe_dump(profile))
    assert load_config("mirror", str(tmp_path)).allow_private_addresses is True
    assert load_config("examplelist").allow_private_addresses is False


def test_the_cli_refuses_a_private_address_unless_told(servers: Servers, tmp_path: Path) -> None:
    def run(*extra: str) -> dict[str, Any]:
        done = subprocess.run([sys.executable, "-m", "adtrace", "crawl", "--profile", "examplelist", "--db", db,
                               "--warc-dir", "", "--delay", "0", "--timeout", "3", "--start-url",
                               f"http://127.0.0.1:{servers.hostile_port}/", "--allow-domain", "127.0.0.1", *extra],
                              capture_output=True, timeout=300)
        assert done.returncode == 0, done.stderr.decode()
        return dict(orjson.loads(done.stdout.splitlines()[-1]))

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    init_db(db)
    refused = run()
    assert refused["pages"] == 0 and refused["refused_address"] >= 1
    allowed = run("--allow-private-addresses")
    assert allowed["pages"] >= 1 and allowed["refused_address"] == 0
    assert servers.internal_log == []

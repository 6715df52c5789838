"""Crawl the loopback site twice: every allowed ad once, nothing disallowed or offsite, nothing twice."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from adtrace.crawl import CrawlSummary, crawl
from adtrace.storage import open_store
from adtrace.storage.crawlstate import seen_pages
from tests.crawl.conftest import Site, crawl_config


@pytest.fixture(scope="module")
def runs(site: Site, db: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    warc = tmp_path_factory.mktemp("warc")
    cfg = crawl_config(site, db, warc)
    first = crawl(cfg)
    log_first = list(site.log)
    second = crawl(cfg)
    return {"first": first, "second": second, "log_first": log_first, "log_second": site.log[len(log_first):],
            "warc": warc}


def _ads(log: list[tuple[str, str]], site: Site) -> list[str]:
    return [p for p, _ in log if p in site.ads]


def test_every_allowed_ad_is_collected_once(runs: dict[str, Any], site: Site, db: str) -> None:
    first: CrawlSummary = runs["first"]
    counts = Counter(_ads(runs["log_first"], site))
    assert set(counts) == site.ads
    assert max(counts.values()) == 1
    with open_store(db) as store:
        stored = {d.url for d in (store.get_document(i) for i in store.iter_ids()) if d}
    assert {u.split("/", 3)[3] for u in stored if u} == {a.lstrip("/") for a in site.ads}
    assert first.stored["new"] == len(site.ads)


def test_pagination_was_followed(runs: dict[str, Any]) -> None:
    listings = [p for p, _ in runs["log_first"] if p.startswith("/list/")]
    assert any(not p.endswith("/1.html") for p in listings)


def test_robots_disallowed_and_offsite_never_fetched(runs: dict[str, Any], site: Site) -> None:
    assert "/robots.txt" in [p for p, _ in runs["log_first"]]
    assert not [p for p, _ in site.log if p.startswith("/post/")]
    assert runs["first"].robots_denied == 1
    assert site.offsite_log == []
    assert runs["first"].offsite >= 1


def test_user_agent_and_failures(runs: dict[str, Any]) -> None:
    first: CrawlSummary = runs["first"]
    assert {ua for _, ua in runs["log_first"]} == {"adtrace-test-crawler/1.0"}
    assert first.failed == 1 and "/slow/ad.html" in first.failures[0]  # timed out
    assert first.no_document == 1  # the malformed page


def test_second_crawl_fetches_nothing_already_seen(runs: dict[str, Any], site: Site, db: str) -> None:
    second: CrawlSummary = runs["second"]
    assert _ads(runs["log_second"], site) == []
    refetched = [p for p, _ in runs["log_second"] if not p.startswith(("/list/", "/robots.txt")) and p != "/"]
    assert refetched == ["/slow/ad.html"]  # it failed, so it is tried again; the malformed page is not
    assert second.stored["new"] == 0 and second.skipped_seen == len(site.ads) + 1
    with open_store(db) as store:
        assert len(seen_pages(store, "examplelist")) == len(site.ads) + 1


def test_warc_is_valid_and_holds_every_page(runs: dict[str, Any]) -> None:
    files = sorted(Path(runs["warc"]).glob("examplelist-*.warc.gz"))
    assert len(files) == 2
    with files[0].open("rb") as fh:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
                   for r in ArchiveIterator(fh, check_digests=True)]
    responses = [r for r in records if r[0] == "response"]
    assert records[0][0] == "warcinfo"
    assert len(responses) == runs["first"].pages
    ad_bodies = [body for _, _, body in responses if b'class="post-body"' in body]
    assert len(ad_bodies) == runs["first"].stored["new"]

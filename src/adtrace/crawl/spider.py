"""The Scrapy spider a site profile drives, and one crawl run inside the current process.

A Twisted reactor cannot be restarted, so `run_here` may be called once per process: `adtrace.crawl.run`
starts each crawl in a fresh child process (`python -m adtrace.crawl.child`), which is what makes
`--every` schedules and tests reliable.

Politeness is not optional: robots.txt is obeyed (Scrapy's RobotsTxtMiddleware, Protego parser), every
request goes to an allowed host only (links, redirects and meta refreshes alike: Scrapy's offsite filter
sees each, and only http/https are followed) and, unless the crawl allows private addresses, only to a
global IP address (crawl/addresses.py), the per-host delay and AutoThrottle apply, and the user agent
says who is crawling.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response, TextResponse
from selectolax.lexbor import LexborHTMLParser
from twisted.python.failure import Failure

from adtrace import errors
from adtrace.crawl import addresses
from adtrace.crawl.config import CrawlConfig, CrawlSummary
from adtrace.crawl.feed import Feeder
from adtrace.crawl.warcsink import WarcSink
from adtrace.documents import Document
from adtrace.sources.profiles import Profile, load_extra, profiles
from adtrace.storage.crawlstate import finish_run, seen_pages, start_run


def find_profile(name: str, profiles_dir: str | None) -> Profile:
    if profiles_dir:
        load_extra(Path(profiles_dir))
    for p in profiles():
        if p.name == name:
            return p
    raise errors.InputError.at(errors.BAD_FIELD, f"no site profile named {name!r}", field_name="profile")


def links(response: TextResponse, selectors: tuple[str, ...]) -> Iterator[str]:
    for sel in selectors:
        css, _, attr = sel.partition("@")
        for value in response.css(f"{css}::attr({attr or 'href'})").getall():
            if value.strip():
                yield response.urljoin(value.strip())


def page_to_document(raw: bytes, url: str, profile: Profile) -> Document | None:
    """The ad in a page through the crawl's own profile (the host may be a mirror or a test server)."""
    from adtrace.sources.html import extract
    from adtrace.sources.pageshape import check_page

    check_page(raw, url)  # a hostile page nested too deep for the parser is refused (AT122)
    fields = extract(LexborHTMLParser(raw), profile, url)
    if not fields.get("text"):
        return None
    fields["source"], fields["kind"] = profile.source, profile.kind
    return Document.from_dict(fields, path=url)


class ProfileSpider(scrapy.Spider):
    name = "adtrace"

    def __init__(self, config: CrawlConfig, profile: Profile, feeder: Feeder, seen: set[str],
                 summary: CrawlSummary, warc: WarcSink | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.config, self.profile, self.feeder = config, profile, feeder
        self.seen, self.summary, self.warc = seen, summary, warc
        self.allowed_domains = list(config.allowed_domains)
        self.scheduled_ads = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.config.start_urls:
            if self.config.allows(url):
                yield self._request(url, self.parse_listing)

    def _request(self, url: str, callback: Any) -> scrapy.Request:
        cookies: dict[str | bytes, str | bytes | bool | float | int] = dict(self.config.cookies.items())
        return scrapy.Request(url, callback=callback, errback=self.failed, cookies=cookies)

    def _record(self, response: Response) -> None:
        self.summary.pages += 1
        if self.warc is not None:
            self.warc.write(response)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        self._record(response)
        if not isinstance(response, TextResponse):
            return
        for url in links(response, self.config.follow):
            if self.config.allows(url):
                yield self._request(url, self.parse_listing)
            else:
                self.summary.offsite += 1
        for url in links(response, self.config.ads):
            if not self.config.allows(url):
                self.summary.offsite += 1
            elif url in self.seen:
                self.summary.skipped_seen += 1
            elif not self.config.max_pages or self.scheduled_ads < self.config.max_pages:
                self.seen.add(url)
                self.scheduled_ads += 1
                yield self._request(url, self.parse_ad)

    def parse_ad(self, response: Response) -> None:
        self._record(response)
        self.summary.ads += 1
        try:
            doc = page_to_document(response.body, response.url, self.profile)
        except errors.InputError as exc:
            self.summary.failures.append(f"{response.url}: {exc.message}")
            doc = None
        if doc is None:
            self.summary.no_document += 1
            self.feeder.page(response.url, response.status)
            return
        if self.config.since and doc.posted_at and doc.posted_at[:len(self.config.since)] < self.config.since:
            self.summary.older += 1
            self.feeder.page(response.url, response.status)
            return
        self.feeder.add(doc, response.url)

    def failed(self, failure: Failure) -> None:
        from scrapy.exceptions import IgnoreRequest

        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        if isinstance(failure.value, IgnoreRequest) and "robots" in str(failure.value).lower():
            self.summary.robots_denied += 1
            return
        host = urlsplit(url).hostname or ""
        if host in addresses.REFUSED:  # Scrapy reports it as a failed lookup (DNSLookupError or its own type)
            self.summary.refused_address += 1
            self.summary.failures.append(f"{url}: refused, {host} resolves to {addresses.REFUSED[host]}, which is not "
                                         "a global address (allow_private_addresses: true in the crawl section, "
                                         "or --allow-private-addresses, if it is yours)")
            return
        self.summary.failed += 1
        self.summary.failures.append(f"{url}: {failure.type.__name__ if failure.type else 'error'}")
        if request is not None and request.callback == self.parse_ad:
            self.seen.discard(url)  # not stored: the next run tries again


def _offline_public_suffixes() -> None:
    """Scrapy's cookie middleware asks tldextract for public suffixes, which downloads the list on first
    use. Nothing may download at run time: use the snapshot tldextract ships instead."""
    from scrapy.downloadermiddlewares import cookies
    from tldextract import TLDExtract

    if hasattr(cookies, "_split_domain"):
        cookies._split_domain = TLDExtract(cache_dir=None, suffix_list_urls=(), include_psl_private_domains=True)


def settings(config: CrawlConfig) -> dict[str, Any]:
    from scrapy.settings import default_settings

    jitter: dict[str, Any] = ({"DOWNLOAD_DELAY_JITTER": 0.5 if config.delay > 0 else 0.0}
                              if hasattr(default_settings, "DOWNLOAD_DELAY_JITTER")
                              else {"RANDOMIZE_DOWNLOAD_DELAY": config.delay > 0})
    return {
        **jitter,
        "LOG_INSTALL_ROOT_HANDLER": True,
        "ROBOTSTXT_OBEY": True,
        "USER_AGENT": config.user_agent,
        "DOWNLOAD_DELAY": config.delay,
        "AUTOTHROTTLE_ENABLED": config.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(config.delay, 1.0),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": config.concurrency,
        "DOWNLOAD_TIMEOUT": config.timeout,
        "RETRY_TIMES": config.retries,
        "DOWNLOAD_MAXSIZE": 16 * 1024 * 1024,
        "COOKIES_ENABLED": True,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": config.log_level,
        "REDIRECT_ENABLED": True,
        **({} if config.allow_private_addresses else addresses.resolver_setting()),
    }


def run_here(config: CrawlConfig, feeder: Feeder) -> CrawlSummary:
    """One crawl in this process (once per process: see the module docstring)."""
    started = time.monotonic()
    profile = find_profile(config.profile, config.profiles_dir)
    summary = CrawlSummary(config.profile)
    store = feeder.store
    run_id = start_run(store, config.profile)
    warc = WarcSink.for_run(config.warc_dir, config.profile) if config.warc_dir else None
    try:
        _offline_public_suffixes()
        process = CrawlerProcess(settings(config))
        process.crawl(ProfileSpider, config=config, profile=profile, feeder=feeder,
                      seen=seen_pages(store, config.profile), summary=summary, warc=warc)
        process.start()
        feeder.flush()
    finally:
        if warc is not None:
            warc.close()
            summary.warc = str(warc.path)
        summary.stored = feeder.counts.to_dict()
        summary.seconds = round(time.monotonic() - started, 3)
        finish_run(store, run_id, summary.to_dict())
    return summary

"""Collection and monitoring: a polite, profile-driven crawler (Scrapy), WARC evidence, watch mode.

    from adtrace.crawl import load_config, crawl, schedule, FolderWatcher, Feeder
    summary = crawl(load_config("examplelist").with_(db="adtrace.db", warc_dir="warc/", max_pages=50))

New documents are stored through the store's idempotent batch write and then checked against the
watchlists and risk levels by `adtrace.cases.alerts.evaluate` (docs/monitoring.md).
"""

from adtrace.crawl.config import CrawlConfig, CrawlSummary
from adtrace.crawl.config import load as load_config
from adtrace.crawl.feed import FeedCounts, Feeder, ingest_file
from adtrace.crawl.run import crawl, parse_every, schedule, stop_on_signals
from adtrace.crawl.watch import FolderWatcher, WatchEvent

__all__ = ["CrawlConfig", "CrawlSummary", "FeedCounts", "Feeder", "FolderWatcher", "WatchEvent", "crawl",
           "ingest_file", "load_config", "parse_every", "schedule", "stop_on_signals"]

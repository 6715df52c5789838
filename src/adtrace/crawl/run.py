"""Crawls in child processes, once or on a schedule that survives restarts.

Each run is `python -m adtrace.crawl.child` (see spider.py for why). Stopping (SIGINT/SIGTERM in
the parent, or `stop.set()`) sends SIGTERM to a running child, which lets Scrapy close the spider
cleanly: what was fetched is stored and the crawl state committed. A schedule resumes from the last
run recorded in the database: after a restart the next crawl starts when it was due, not at once.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime

import orjson

from adtrace import errors
from adtrace.cases.notify import NotifyConfig
from adtrace.crawl.config import CrawlConfig, CrawlSummary

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(value: str) -> float:
    """'30m', '2h', '90s', '1d' (or plain seconds) -> seconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", value or "")
    if not m or float(m.group(1)) <= 0:
        raise errors.InputError.at(errors.BAD_FIELD, f"cannot read the interval {value!r}", field_name="every",
                                   hint="Use a number with s, m, h or d, e.g. 30m")
    return float(m.group(1)) * _UNITS[m.group(2) or "s"]


def crawl(config: CrawlConfig, *, notify: NotifyConfig | None = None,
          stop: threading.Event | None = None) -> CrawlSummary:
    """Run one crawl in a child process and return its summary."""
    body = orjson.dumps({"config": config.to_json(), "notify": asdict(notify) if notify else None})
    proc = subprocess.Popen([sys.executable, "-m", "adtrace.crawl.child"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=dict(os.environ))
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(body)
    proc.stdin.close()
    while True:
        try:
            proc.wait(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            if stop is not None and stop.is_set():
                proc.send_signal(signal.SIGTERM)  # Scrapy shuts down gracefully and the child stores what it has
                proc.wait()
                break
    out = proc.stdout.read().decode("utf-8", "replace").strip().splitlines()
    result = orjson.loads(out[-1]) if out else {}
    if "error" in result:
        e = result["error"]
        raise errors.AdtraceError(message=e["message"], code=e["code"], exit_code=e["exit_code"],
                                  cli_hint=e.get("cli_hint", ""), web_hint=e.get("web_hint", ""))
    if not result:
        raise errors.AdtraceError(message=f"the crawl process ended with code {proc.returncode} and no summary; "
                                  "see the messages above", code=errors.INTERNAL)
    return CrawlSummary(**result)


def seconds_until_due(last_started: str | None, every: float, at: datetime | None = None) -> float:
    if not last_started:
        return 0.0
    started = datetime.fromisoformat(last_started)
    elapsed = ((at or datetime.now(UTC)) - started).total_seconds()
    return max(0.0, every - elapsed)


def schedule(config: CrawlConfig, every: float, stop: threading.Event, *, notify: NotifyConfig | None = None,
             on_run: Callable[[CrawlSummary], None] | None = None,
             on_wait: Callable[[float], None] | None = None) -> int:
    """Crawl every `every` seconds until `stop` is set; returns how many runs were made."""
    from adtrace.storage import open_store
    from adtrace.storage.crawlstate import last_run

    runs = 0
    while not stop.is_set():
        with open_store(config.db) as store:
            last = last_run(store, config.profile)
        wait = seconds_until_due(last[0] if last else None, every)
        if wait > 0:
            if on_wait:
                on_wait(wait)
            if stop.wait(wait):
                break
        summary = crawl(config, notify=notify, stop=stop)
        runs += 1
        if on_run:
            on_run(summary)
    return runs


def stop_on_signals(stop: threading.Event) -> None:
    """SIGINT and SIGTERM set `stop` (main thread only), so loops finish their current step and exit."""
    def handler(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)

"""`python -m adtrace.crawl.child`: one crawl in a fresh process (a Twisted reactor starts only once).

Reads {"config": CrawlConfig JSON, "notify": NotifyConfig fields or null} on stdin; prints the crawl
summary as one JSON line on stdout, or {"error": {...}} and exits with the error's exit code.
"""

from __future__ import annotations

import sys
from typing import Any

import orjson

from adtrace import errors


def main() -> int:
    from adtrace.cases.notify import Notifier, NotifyConfig
    from adtrace.crawl.config import CrawlConfig
    from adtrace.crawl.feed import Feeder
    from adtrace.crawl.spider import run_here
    from adtrace.storage import open_store

    payload: dict[str, Any] = orjson.loads(sys.stdin.buffer.read())
    config = CrawlConfig.from_json(payload["config"])
    notify = payload.get("notify")
    notifier = Notifier(NotifyConfig(**notify)) if notify is not None else Notifier()
    if isinstance(notifier.config.email_to, list):
        notifier.config.email_to = tuple(notifier.config.email_to)
    try:
        with open_store(config.db) as store:
            feeder = Feeder(store, region=config.region, notifier=notifier, profile=config.profile)
            summary = run_here(config, feeder)
    except errors.AdtraceError as exc:
        sys.stdout.write(orjson.dumps({"error": {"code": exc.code, "message": exc.message, "exit_code": exc.exit_code,
                                                 "cli_hint": exc.cli_hint, "web_hint": exc.web_hint}}).decode() + "\n")
        return exc.exit_code
    sys.stdout.write(orjson.dumps(summary.to_dict()).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Crawl state: which pages each site profile has fetched, and its runs (started, finished, summary).

A page is marked right after the batch that stored its document commits, so an interrupted crawl
refetches at most one batch; `seen_pages` is what the next crawl skips.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from sqlalchemy import text

from adtrace.storage.base import Store
from adtrace.storage.db import now, read, write


def seen_pages(store: Store, profile: str) -> set[str]:
    with read(store) as conn:
        return {r[0] for r in conn.execute(text("SELECT url FROM crawl_pages WHERE profile = :p"), {"p": profile})}


def mark_pages(store: Store, profile: str, pages: Iterable[tuple[str, int, str | None]]) -> None:
    at = now()
    with write(store) as conn:
        for url, status, doc_id in pages:
            conn.execute(text("INSERT INTO crawl_pages (profile, url, status, doc_id, fetched_at) "
                              "VALUES (:p, :u, :s, :d, :t) ON CONFLICT (profile, url) DO UPDATE SET "
                              "status = excluded.status, doc_id = excluded.doc_id, fetched_at = excluded.fetched_at"),
                         {"p": profile, "u": url, "s": status, "d": doc_id, "t": at})


def start_run(store: Store, profile: str) -> int:
    with write(store) as conn:
        conn.execute(text("INSERT INTO crawl_runs (profile, started_at, summary) VALUES (:p, :t, '{}')"),
                     {"p": profile, "t": now()})
        return int(conn.execute(text("SELECT MAX(id) FROM crawl_runs WHERE profile = :p"), {"p": profile}).one()[0])


def finish_run(store: Store, run_id: int, summary: dict[str, Any]) -> None:
    with write(store) as conn:
        conn.execute(text("UPDATE crawl_runs SET finished_at = :t, summary = :s WHERE id = :id"),
                     {"t": now(), "s": orjson.dumps(summary).decode(), "id": run_id})


def last_run(store: Store, profile: str) -> tuple[str, str | None] | None:
    """(started_at, finished_at) of the newest run of a profile."""
    with read(store) as conn:
        row = conn.execute(text("SELECT started_at, finished_at FROM crawl_runs WHERE profile = :p "
                                "ORDER BY id DESC LIMIT 1"), {"p": profile}).first()
    return (row[0], row[1]) if row else None

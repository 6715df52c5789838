"""OCR results cached by the image's SHA-256, so a photo reposted a hundred times is read once.

In memory (bounded, per process) and, when ADTRACE_OCR_CACHE names a file, in a small SQLite table
that ingest workers and later runs share. The key is the hash of the file's bytes plus the language
setting: an exact repost hits; a re-encoded copy is a different file and is read again.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from typing import Any

import orjson

CACHE_ENV = "ADTRACE_OCR_CACHE"
MEMORY_ITEMS = 4096


class Cache:
    def __init__(self, path: str | None = None, items: int = MEMORY_ITEMS) -> None:
        self.items = items
        self._mem: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self.hits = self.misses = 0
        if path:
            self._db = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS ocr (key TEXT PRIMARY KEY, value BLOB NOT NULL)")

    @classmethod
    def from_env(cls) -> Cache:
        return cls(os.environ.get(CACHE_ENV) or None)

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            hit = self._mem.get(key)
            if hit is not None:
                self._mem.move_to_end(key)
                self.hits += 1
                return hit
            if self._db is not None:
                row = self._db.execute("SELECT value FROM ocr WHERE key = ?", (key,)).fetchone()
                if row is not None:
                    value: dict[str, Any] = orjson.loads(row[0])
                    self._remember(key, value)
                    self.hits += 1
                    return value
            self.misses += 1
            return None

    def put(self, key: str, value: dict[str, Any]) -> None:
        with self._lock:
            self._remember(key, value)
            if self._db is not None:
                self._db.execute("INSERT OR REPLACE INTO ocr (key, value) VALUES (?, ?)", (key, orjson.dumps(value)))

    def _remember(self, key: str, value: dict[str, Any]) -> None:
        self._mem[key] = value
        if len(self._mem) > self.items:
            self._mem.popitem(last=False)

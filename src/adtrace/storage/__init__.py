"""Storage: the Store contract, SQLite (default) and PostgreSQL backends, migrations, ingest, search."""

from adtrace.storage.base import Checkpoint, Hit, Outcome, Prepared, Query, SearchResult, Store
from adtrace.storage.connect import default_url, init_db, open_store, resolve_url

__all__ = ["Checkpoint", "Hit", "Outcome", "Prepared", "Query", "SearchResult", "Store", "default_url",
           "init_db", "open_store", "resolve_url"]

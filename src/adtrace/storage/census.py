"""How much the store holds, for commands that size their work or refuse a non-empty store."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import text

from adtrace.storage.base import Store
from adtrace.storage.db import read


def last_seq(store: Store | sa.Engine) -> int:
    """The newest document's sequence number (0 when empty): where an incremental link resumes."""
    with read(store) as conn:
        return int(conn.execute(text("SELECT coalesce(max(seq), 0) FROM documents")).scalar() or 0)


def linked(store: Store | sa.Engine) -> bool:
    """Whether `adtrace link` has run on this store (the linker keeps its header row)."""
    with read(store) as conn:
        return bool(conn.execute(text("SELECT count(*) FROM link_state")).scalar())

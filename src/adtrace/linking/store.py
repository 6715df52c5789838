"""Linking's side of the store: clusters, summaries and hub overrides (`adtrace.storage.clusterstore`),
documents to link (`adtrace.storage.corpus`); the linker's own state is `adtrace.linking.tables`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import orjson
import sqlalchemy as sa

from adtrace.linking import tables
from adtrace.linking.linker import Linker
from adtrace.linking.signals import kind_of
from adtrace.storage import audit, clusterstore, corpus, linkstate
from adtrace.storage.db import read, write


def load(engine: sa.Engine) -> tuple[Linker | None, int]:
    """The whole linker, rebuilt in memory from its tables (tools and tests; `link_store` reads rows)."""
    with engine.connect() as conn:
        return tables.read_linker(conn)


def hub_keys(engine: sa.Engine) -> list[dict[str, Any]]:
    """Hub keys, most documents first, as `Linker.hub_keys` lists them."""
    wanted = overrides(engine)
    with read(engine) as conn:
        rows = linkstate.hub_key_counts(conn)
    return [{"key": n, "kind": kind_of(n), "docs": d, "diversity": s, "override": wanted.get(n)} for n, d, s in rows]


def overrides(engine: sa.Engine) -> dict[str, bool]:
    with read(engine) as conn:
        return clusterstore.overrides(conn)


def set_override(engine: sa.Engine, key: str, hub: bool | None, note: str = "", actor: str = "cli") -> None:
    """Set (None: clear) an analyst's hub override of `key`, audited in the same transaction: it decides
    which ads the next run joins."""
    with write(engine) as conn:
        clusterstore.set_override(conn, key, hub, note)
        audit.append(engine, actor, "link_override", key, {"hub": hub, "note": note}, conn=conn)


def link_rows(engine: sa.Engine, after: int, batch: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
    """(seq, id, record JSON, text, author, source, posted_at) of documents after sequence number `after`, in order.

    Only the columns linking needs; the Record stays raw JSON so workers can parse it."""
    while True:
        with read(engine) as conn:
            rows = corpus.link_inputs(conn, after, batch)
        if not rows:
            return
        yield rows_of(rows)
        after = int(rows[-1][0])


def link_ranges(engine: sa.Engine, after: int, batch: int = 5000) -> Iterator[tuple[int, int]]:
    """(after, last) sequence ranges holding the batches of `link_rows`: workers read the rows of a range themselves
    (`corpus.link_inputs_at`), so this process reads only the sequence numbers."""
    while True:
        with read(engine) as conn:
            seqs = corpus.link_seqs(conn, after, batch)
        if not seqs:
            return
        yield after, seqs[-1]
        after = seqs[-1]


def rows_of(raw: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """`link_rows`' tuples of `corpus.link_inputs` rows."""
    return [(int(seq), doc_id, record, f"{title}\n{body}" if title else body, a if isinstance(a, str) else None,
             source or "", posted) for seq, doc_id, record, title, body, a, source, posted in raw]


def members(engine: sa.Engine, ids: Sequence[str]) -> list[tuple[str, str | None, dict[str, Any]]]:
    with read(engine) as conn:
        return [(doc_id, posted_at, orjson.loads(record)) for doc_id, posted_at, record in
                corpus.posted_records(conn, ids)]


def save(engine: sa.Engine, linker: Linker, last_seq: int, *, rebuild: bool,
         rows: Iterable[tuple[str, str, float | None, str | None]],
         summaries: Iterable[dict[str, Any]]) -> None:
    """A whole linker's tables, member rows (doc, cluster, risk, level) and summaries, in one transaction
    (`adtrace load` after an engine run; `adtrace link` writes through `adtrace.linking.refresh`)."""
    with write(engine) as conn:
        tables.write_all(conn, linker, last_seq)
        if rebuild:
            clusterstore.clear(conn)
        rows_list = list(rows)
        if not rebuild:
            clusterstore.delete_members(conn, [r[0] for r in rows_list])
        clusterstore.add_members(conn, rows_list)
        summ = [clusterstore.summary_row(s) for s in summaries]
        if not rebuild:
            clusterstore.delete_summaries(conn, [s[0] for s in summ])
        clusterstore.add_summaries(conn, summ)


def summary(engine: sa.Engine, cluster_id: str) -> dict[str, Any] | None:
    with read(engine) as conn:
        return clusterstore.summary(conn, cluster_id)


def summaries(engine: sa.Engine, min_docs: int = 2, limit: int | None = None,
              order: str = "size") -> Iterator[dict[str, Any]]:
    """Cluster summaries (see `clusterstore.summaries` for `order`)."""
    with read(engine) as conn:
        yield from clusterstore.summaries(conn, min_docs, limit, order)

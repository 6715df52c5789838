"""Sets of documents read together: a cluster's members, an entity's holders, and what a set holds.

Cases, holds, retention, graphs and exports read these on the caller's connection, so a check and the
write it guards share one transaction. Long id lists go to the database in chunks below SQLite's
bound-parameter limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy import bindparam, text

from adtrace.storage.bulk import chunks

# (id, source, posted_at, url, title, record JSON) of a document with its Record.
DocRow = tuple[str, str | None, str | None, str | None, str | None, str]

_EXISTS = text("SELECT 1 FROM documents WHERE id = :id")
_CLUSTER_OF = text("SELECT cluster_id FROM link_clusters WHERE doc_id = :r OR cluster_id = :r LIMIT 1")
_MEMBERS = text("SELECT doc_id FROM link_clusters WHERE cluster_id IN :ids").bindparams(
    bindparam("ids", expanding=True))
_HOLDERS = text("SELECT doc_id FROM entities WHERE kind = :k AND value = :v")
_DOCS = text("SELECT d.id, d.source, d.posted_at, d.url, d.title, r.record FROM documents d JOIN records r "
             "ON r.doc_id = d.id WHERE d.id IN :ids").bindparams(bindparam("ids", expanding=True))
_ENTITIES = text("SELECT doc_id, kind, value FROM entities WHERE doc_id IN :ids AND kind IN :kinds").bindparams(
    bindparam("ids", expanding=True), bindparam("kinds", expanding=True))


def exists(conn: sa.Connection, doc_id: str) -> bool:
    return conn.execute(_EXISTS, {"id": doc_id}).first() is not None


def cluster_of(conn: sa.Connection, ref: str) -> str | None:
    """The cluster id of `ref`, a cluster id or any member's document id; None when unlinked or unknown."""
    found = conn.execute(_CLUSTER_OF, {"r": ref}).first()
    return None if found is None else str(found[0])


def cluster_docs(conn: sa.Connection, cluster_ids: list[str]) -> set[str]:
    """The member documents of these clusters."""
    if not cluster_ids:
        return set()
    return {str(r[0]) for r in conn.execute(_MEMBERS, {"ids": cluster_ids})}


def entity_docs(conn: sa.Connection, refs: Iterable[str]) -> set[str]:
    """The documents holding any of these entities, each written kind:normalised value."""
    out: set[str] = set()
    for ref in refs:
        kind, _, value = ref.partition(":")
        out.update(str(r[0]) for r in conn.execute(_HOLDERS, {"k": kind, "v": value}))
    return out


def records_of(conn: sa.Connection, ids: Sequence[str]) -> list[DocRow]:
    """The documents of `ids` that have a Record, with a few fields and the Record's JSON (any order)."""
    out: list[DocRow] = []
    for chunk in chunks(ids):
        out += [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in conn.execute(_DOCS, {"ids": chunk})]
    return out


def identifiers_of(conn: sa.Connection, ids: Sequence[str], kinds: Sequence[str]) -> list[tuple[str, str, str]]:
    """(document id, kind, value) of every identifier of those kinds the documents hold (any order)."""
    out: list[tuple[str, str, str]] = []
    for chunk in chunks(ids):
        out += [(str(d), str(k), str(v)) for d, k, v in conn.execute(_ENTITIES, {"ids": chunk, "kinds": list(kinds)})]
    return out


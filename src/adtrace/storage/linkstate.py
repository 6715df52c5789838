"""The linker's state as tables (migration 0009), so an incremental run reads only what it touches.

`link_docs` (d, doc id, root), `link_keys` (k, name, first_d, docs, seen, hub, witnesses JSON),
`link_postings` (k, d, detail), template founders (`link_templates`) with their LSH band rows and
boilerplate counts, photo founders (`link_images`) with their chunk rows, every document's photos
(`link_photos`) and `link_state`, a small header. What the rows mean is `adtrace.linking`'s: these
functions move rows in and out, in bulk (COPY / executemany) and `IN` chunks, with no per-row work.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy import text

from adtrace.storage.bulk import execute_in, select_in
from adtrace.storage.db import now
from adtrace.storage.packed import insert_ints_steps
from adtrace.storage.sql import bulk_insert, bulk_insert_steps

TABLES = ("link_docs", "link_keys", "link_postings", "link_templates", "link_template_bands", "link_images",
          "link_image_chunks", "link_template_df", "link_photos")
KEY_COLS = "k, name, first_d, docs, seen, hub"  # what key_rows_* return, in this order (+ witnesses)
Rows = Iterable[Sequence[Any]]



# --- the header ------------------------------------------------------------------------------------
def read_header(conn: sa.Connection) -> tuple[bytes, int] | None:
    """(state blob, last linked seq), or None before the first run."""
    row = conn.execute(text("SELECT state, last_seq FROM link_state WHERE id = 1")).first()
    return None if row is None else (bytes(row[0]), int(row[1]))


def write_header(conn: sa.Connection, state: bytes, last_seq: int) -> None:
    conn.execute(text("DELETE FROM link_state WHERE id = 1"))
    conn.execute(text("INSERT INTO link_state (id, state, last_seq, updated_at) VALUES (1, :s, :q, :now)"),
                 {"s": state, "q": last_seq, "now": now()})


# --- bulk writes -----------------------------------------------------------------------------------
# the columns of each table's rows, as the add_* functions and insert_steps take them
COLS = {"link_docs": ("d", "doc_id", "root"), "link_keys": ("k", "name", "first_d", "docs", "seen", "hub", "witnesses"),
        "link_postings": ("k", "d", "detail"), "link_templates": ("t", "doc_id", "sig"),
        "link_template_bands": ("band", "t"), "link_images": ("f", "doc_id", "hash"),
        "link_image_chunks": ("code", "f"), "link_photos": ("doc_id", "hash")}


def insert_steps(conn: sa.Connection, table: str, rows: Rows) -> Iterator[None]:
    """The rows an add_* function takes for `table`, written a batch at a time (yields after each)."""
    return bulk_insert_steps(conn, table, COLS[table], rows)


def insert_ints(conn: sa.Connection, table: str, columns: Sequence[np.ndarray]) -> Iterator[None]:
    """`insert_steps` of an integer table's rows given as columns (`adtrace.storage.packed`)."""
    return insert_ints_steps(conn, table, COLS[table], columns)


def clear(conn: sa.Connection) -> None:
    """Empty every state table (a rebuild writes them whole)."""
    for table in TABLES:
        conn.execute(text(f"DELETE FROM {table}"))


def add_docs(conn: sa.Connection, rows: Rows) -> None:
    """(d, doc id, root) rows."""
    bulk_insert(conn, "link_docs", COLS["link_docs"], rows)


def add_keys(conn: sa.Connection, rows: Rows) -> None:
    """(k, name, first_d, docs, seen, hub, witnesses JSON) rows."""
    bulk_insert(conn, "link_keys", COLS["link_keys"], rows)


def add_postings(conn: sa.Connection, rows: Rows) -> None:
    """(k, d, detail) rows."""
    bulk_insert(conn, "link_postings", COLS["link_postings"], rows)


def add_templates(conn: sa.Connection, rows: Rows, bands: Rows) -> None:
    """Template founders (t, doc id, signature bytes) and their LSH rows (band, t)."""
    bulk_insert(conn, "link_templates", COLS["link_templates"], rows)
    bulk_insert(conn, "link_template_bands", COLS["link_template_bands"], bands)


def add_images(conn: sa.Connection, rows: Rows, chunks: Rows) -> None:
    """Photo founders (f, doc id, PDQ bytes) and their chunk rows (code, f)."""
    bulk_insert(conn, "link_images", COLS["link_images"], rows)
    bulk_insert(conn, "link_image_chunks", COLS["link_image_chunks"], chunks)


def add_photos(conn: sa.Connection, rows: Rows) -> None:
    """(doc id, PDQ bytes): every photo of every linked document."""
    bulk_insert(conn, "link_photos", COLS["link_photos"], rows)


def write_df(conn: sa.Connection, rows: Sequence[tuple[int, bytes]], replace: bool) -> None:
    """Boilerplate count chunks (chunk, counts); `replace`: those chunks exist and are rewritten."""
    if replace:
        execute_in(conn, "DELETE FROM link_template_df WHERE chunk IN :ids", [c for c, _raw in rows])
    bulk_insert(conn, "link_template_df", ("chunk", "counts"), rows)


def set_roots(conn: sa.Connection, roots: Sequence[dict[str, int]]) -> None:
    """[{"d": document, "r": its new root}] (executemany)."""
    if roots:
        conn.execute(text("UPDATE link_docs SET root = :r WHERE d = :d"), roots)


def update_keys(conn: sa.Connection, counted: Sequence[dict[str, Any]], hub_only: Sequence[dict[str, Any]]) -> None:
    """`counted`: [{k, n (docs), s (seen), h (hub), w (witnesses JSON)}]; `hub_only`: [{k, h}] (executemany)."""
    if counted:
        conn.execute(text("UPDATE link_keys SET docs = :n, seen = :s, hub = :h, witnesses = :w WHERE k = :k"), counted)
    if hub_only:
        conn.execute(text("UPDATE link_keys SET hub = :h WHERE k = :k"), hub_only)


# --- reads: everything, in order (a whole linker back) ---------------------------------------------
def df_chunks(conn: sa.Connection) -> list[tuple[int, bytes]]:
    return [(int(c), bytes(raw)) for c, raw in conn.execute(text("SELECT chunk, counts FROM link_template_df"))]


def all_keys(conn: sa.Connection) -> list[Sequence[Any]]:
    """(k, name, witnesses JSON) by k."""
    return list(conn.execute(text("SELECT k, name, witnesses FROM link_keys ORDER BY k")).all())


def all_doc_ids(conn: sa.Connection) -> list[str]:
    return [str(d) for (d,) in conn.execute(text("SELECT doc_id FROM link_docs ORDER BY d"))]


def all_postings(conn: sa.Connection) -> Iterator[Sequence[Any]]:
    """(k, d, detail) by d, k."""
    return iter(conn.execute(text("SELECT k, d, detail FROM link_postings ORDER BY d, k")))


def all_template_founders(conn: sa.Connection) -> list[Sequence[Any]]:
    """(doc id, signature bytes) by t."""
    return list(conn.execute(text("SELECT doc_id, sig FROM link_templates ORDER BY t")).all())


def all_image_founders(conn: sa.Connection) -> list[Sequence[Any]]:
    """(doc id, PDQ bytes) by f."""
    return list(conn.execute(text("SELECT doc_id, hash FROM link_images ORDER BY f")).all())


def template_founder_docs(conn: sa.Connection) -> dict[str, str]:
    """Template number (as text) -> its founding document."""
    return {str(r[0]): str(r[1]) for r in conn.execute(text("SELECT t, doc_id FROM link_templates"))}


# --- reads: what an incremental run touches ------------------------------------------------------
def linked(conn: sa.Connection, doc_ids: Iterable[str]) -> set[str]:
    """Those of `doc_ids` already linked."""
    return {str(r[0]) for r in select_in(conn, "SELECT doc_id FROM link_docs WHERE doc_id IN :ids", doc_ids)}


def bands_in(conn: sa.Connection, bands: Iterable[int]) -> Iterator[Sequence[Any]]:
    """(band, t) rows of these LSH bands."""
    return select_in(conn, "SELECT band, t FROM link_template_bands WHERE band IN :ids", bands)


def templates_in(conn: sa.Connection, ts: Iterable[int]) -> Iterator[Sequence[Any]]:
    """(t, doc id, signature bytes) of these template founders."""
    return select_in(conn, "SELECT t, doc_id, sig FROM link_templates WHERE t IN :ids", ts)


def image_chunks_in(conn: sa.Connection, codes: Iterable[int]) -> Iterator[Sequence[Any]]:
    """(code, f) rows of these chunk codes."""
    return select_in(conn, "SELECT code, f FROM link_image_chunks WHERE code IN :ids", codes)


def images_in(conn: sa.Connection, fs: Iterable[int]) -> Iterator[Sequence[Any]]:
    """(f, PDQ bytes) of these photo founders."""
    return select_in(conn, "SELECT f, hash FROM link_images WHERE f IN :ids", fs)


def founders_in(conn: sa.Connection, table: str, numbers: Iterable[int]) -> Iterator[Sequence[Any]]:
    """(number, doc id) of template (`table` "templates") or photo ("images") founders."""
    sql = {"templates": "SELECT t, doc_id FROM link_templates WHERE t IN :ids",
           "images": "SELECT f, doc_id FROM link_images WHERE f IN :ids"}[table]
    return select_in(conn, sql, numbers)


def keys_named(conn: sa.Connection, names: Iterable[str], witnesses: bool = False) -> Iterator[Sequence[Any]]:
    """KEY_COLS rows (+ witnesses JSON when asked) of the keys with these names."""
    cols = f"{KEY_COLS}, witnesses" if witnesses else KEY_COLS
    return select_in(conn, f"SELECT {cols} FROM link_keys WHERE name IN :ids", names)


def keys_numbered(conn: sa.Connection, ks: Iterable[int]) -> Iterator[Sequence[Any]]:
    return select_in(conn, f"SELECT {KEY_COLS} FROM link_keys WHERE k IN :ids", ks)


def hub_keys(conn: sa.Connection) -> Iterator[Sequence[Any]]:
    """KEY_COLS rows of every hub key."""
    return iter(conn.execute(text(f"SELECT {KEY_COLS} FROM link_keys WHERE hub = :t"), {"t": True}))


def hub_key_counts(conn: sa.Connection) -> list[tuple[str, int, int]]:
    """(name, documents, distinct witnesses) of hub keys, most documents first."""
    rows = conn.execute(text("SELECT name, docs, seen FROM link_keys WHERE hub = :t ORDER BY docs DESC, name"),
                        {"t": True}).all()
    return [(str(n), int(d), int(s)) for n, d, s in rows]


def count_hub_keys(conn: sa.Connection) -> int:
    return int(conn.execute(text("SELECT count(*) FROM link_keys WHERE hub = :t"), {"t": True}).scalar_one())


def count_multi_doc_clusters(conn: sa.Connection) -> int:
    return int(conn.execute(text(
        "SELECT count(*) FROM (SELECT root FROM link_docs GROUP BY root HAVING count(*) > 1) c")).scalar_one())


def docs_with_keys(conn: sa.Connection, ks: Iterable[int]) -> Iterator[Sequence[Any]]:
    """(d,) of every posting of these keys."""
    return select_in(conn, "SELECT d FROM link_postings WHERE k IN :ids", ks)


def roots_of(conn: sa.Connection, ds: Iterable[int]) -> Iterator[Sequence[Any]]:
    """(root,) of these documents."""
    return select_in(conn, "SELECT root FROM link_docs WHERE d IN :ids", ds)


def docs_under(conn: sa.Connection, roots: Iterable[int]) -> Iterator[Sequence[Any]]:
    """(d, doc id, root) of every document in the clusters of these roots."""
    return select_in(conn, "SELECT d, doc_id, root FROM link_docs WHERE root IN :ids", roots)


def postings_of(conn: sa.Connection, ds: Iterable[int]) -> Iterator[Sequence[Any]]:
    """(d, k, detail) of these documents."""
    return select_in(conn, "SELECT d, k, detail FROM link_postings WHERE d IN :ids", ds)


# --- photos and templates, per document ---------------------------------------------------------
def count_photos(conn: sa.Connection) -> int:
    return int(conn.execute(text("SELECT count(*) FROM link_photos")).scalar_one())


def all_photos(conn: sa.Connection) -> list[Sequence[Any]]:
    """(doc id, PDQ bytes) of every linked photo."""
    return list(conn.execute(text("SELECT doc_id, hash FROM link_photos")).all())


def photos_of(conn: sa.Connection, doc_id: str) -> list[bytes]:
    return [bytes(r[0]) for r in conn.execute(text("SELECT hash FROM link_photos WHERE doc_id = :d"), {"d": doc_id})]


def template_neighbours(conn: sa.Connection, doc_id: str, prefix: str) -> list[Sequence[Any]]:
    """(key name, hub, other doc id, its overlap detail) of every other document on a key of `doc_id`
    named `prefix:...`, best overlap first."""
    return list(conn.execute(text(
        "SELECT k.name, k.hub, o.doc_id, q.detail FROM link_docs d "
        "JOIN link_postings p ON p.d = d.d JOIN link_keys k ON k.k = p.k "
        "JOIN link_postings q ON q.k = p.k JOIN link_docs o ON o.d = q.d "
        "WHERE d.doc_id = :id AND k.name LIKE :tpl AND o.doc_id <> :id ORDER BY q.detail DESC, o.d"),
        {"id": doc_id, "tpl": f"{prefix}:%"}).all())

"""Compare two SQLite stores built from the same input (e.g. by main and by a branch): same rows, same answers.

    .venv/bin/python bench/store_compare.py A.db B.db
    .venv/bin/python bench/store_compare.py --link A.db B.db    # the linker's tables and clusters instead

Prints, per table, the row count and a digest of its rows in a fixed order (ingest timestamps aside), and
the full-text totals of a few words; then the names that differ ("none" when the stores agree). Exit
status 1 when they differ. Both files are opened read only. `--link` compares what `adtrace link` writes
(its state tables, cluster rows and summaries, the link tables' indexes) row for row: two stores linked
from the same documents by two checkouts must agree.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from typing import Any

TABLES = {
    "documents": "SELECT seq, id, source, url, kind, title, text, location, posted_at, content_hash, doc_hash, doc "
                 "FROM documents ORDER BY seq",
    "records": "SELECT doc_id, record, risk_score, risk_level FROM records ORDER BY doc_id",
    "entities": "SELECT kind, value, doc_id, platform FROM entities ORDER BY kind, value, doc_id",
    "indicator_hits": "SELECT indicator_id, doc_id FROM indicator_hits ORDER BY indicator_id, doc_id",
    "facet_values": "SELECT seq, facet, value FROM facet_values ORDER BY seq, facet, value",
    "doc_facets": "SELECT f.seq, c.source, c.kind, c.risk_level FROM doc_facets f JOIN facet_combos c "
                  "ON c.combo = f.combo ORDER BY f.seq",
    "documents_cjk": "SELECT seq, grams FROM documents_cjk ORDER BY seq",
}
LINK_TABLES = {
    "link_state": "SELECT id, state, last_seq FROM link_state ORDER BY id",
    "link_docs": "SELECT d, doc_id, root FROM link_docs ORDER BY d",
    "link_keys": "SELECT k, name, first_d, docs, seen, hub, witnesses FROM link_keys ORDER BY k",
    "link_postings": "SELECT k, d, detail FROM link_postings ORDER BY k, d",
    "link_templates": "SELECT t, doc_id, sig FROM link_templates ORDER BY t",
    "link_template_bands": "SELECT band, t FROM link_template_bands ORDER BY band, t",
    "link_template_df": "SELECT chunk, counts FROM link_template_df ORDER BY chunk",
    "link_images": "SELECT f, doc_id, hash FROM link_images ORDER BY f",
    "link_image_chunks": "SELECT code, f FROM link_image_chunks ORDER BY code, f",
    "link_photos": "SELECT doc_id, hash FROM link_photos ORDER BY doc_id, hash",
    "link_clusters": "SELECT doc_id, cluster_id, risk_score, risk_level FROM link_clusters ORDER BY doc_id",
    "link_summaries": "SELECT cluster_id, documents, risk_max, summary FROM link_summaries ORDER BY cluster_id",
    # every index of those tables must be there after a rebuild (one dropped for a bulk load and not created again
    # would only show as slow queries)
    "link_indexes": "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name LIKE 'link%' ORDER BY name",
}
WORDS = ("new", "town", "massage", "available", "girl", "visiting", "sweet", "call", "text", "friendly", "new AND town")


def digest(path: str, link: bool = False) -> dict[str, Any]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out: dict[str, Any] = {}
    for name, sql in (LINK_TABLES if link else TABLES).items():
        h, n = hashlib.sha256(), 0
        for row in conn.execute(sql):
            h.update(repr(row).encode())
            n += 1
        out[name] = (n, h.hexdigest()[:16])
    for word in () if link else WORDS:  # count and sum of the matching seqs
        out[f"fts:{word}"] = tuple(conn.execute(
            "SELECT count(*), sum(rowid) FROM documents_fts WHERE documents_fts MATCH ?", (word,)).fetchone())
    conn.close()
    return out


def main() -> None:
    link = "--link" in sys.argv[1:]
    paths = [p for p in sys.argv[1:] if p != "--link"]
    a, b = digest(paths[0], link), digest(paths[1], link)
    for key, value in a.items():
        print(key, value, "" if b[key] == value else f"!= {b[key]}")
    differ = [k for k in a if a[k] != b[k]]
    print("differ:", ", ".join(differ) or "none")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()

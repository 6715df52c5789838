"""Compare two SQLite stores built from the same input (e.g. by main and by a branch): same rows, same answers.

    .venv/bin/python bench/store_compare.py A.db B.db

Prints, per table, the row count and a digest of its rows in a fixed order (ingest timestamps aside), and
the full-text totals of a few words; then the names that differ ("none" when the stores agree). Exit
status 1 when they differ. Both files are opened read only.
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
WORDS = ("new", "town", "massage", "available", "girl", "visiting", "sweet", "call", "text", "friendly", "new AND town")


def digest(path: str) -> dict[str, Any]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out: dict[str, Any] = {}
    for name, sql in TABLES.items():
        h, n = hashlib.sha256(), 0
        for row in conn.execute(sql):
            h.update(repr(row).encode())
            n += 1
        out[name] = (n, h.hexdigest()[:16])
    for word in WORDS:  # count and sum of the matching seqs
        out[f"fts:{word}"] = tuple(conn.execute(
            "SELECT count(*), sum(rowid) FROM documents_fts WHERE documents_fts MATCH ?", (word,)).fetchone())
    conn.close()
    return out


def main() -> None:
    a, b = digest(sys.argv[1]), digest(sys.argv[2])
    for key, value in a.items():
        print(key, value, "" if b[key] == value else f"!= {b[key]}")
    differ = [k for k in a if a[k] != b[k]]
    print("differ:", ", ".join(differ) or "none")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()

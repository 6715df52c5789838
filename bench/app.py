"""Server time per page of the analyst app on a big synthetic store; prints JSON (p50/p95 in ms).

The store is built once and cached under bench/out/ (synthetic documents, no images). Requests go
through FastAPI's TestClient in-process: the figure is server time (routing, auth, queries,
audit write, template), not network. Usage: python bench/app.py [--docs 100000] [--reps 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import orjson

OUT = Path(__file__).parent / "out"
PASSWORD = "bench-password-123"


def build(n: int) -> Path:
    from adtrace.app import accounts
    from adtrace.storage import init_db, open_store
    from adtrace.storage.ingest import IngestOptions, ingest
    from adtrace.synth import write_corpus

    OUT.mkdir(exist_ok=True)
    db = OUT / f"app-{n}.db"
    init_db(str(db))  # also upgrades a cached store to this version's schema
    with open_store(str(db)) as store:
        if store.counts()["documents"] < n:
            corpus = OUT / f"app-{n}.jsonl"
            if not corpus.exists():
                with corpus.open("wb") as fh:
                    write_corpus(n, 11, fh)
            t = time.perf_counter()
            ingest(store, [str(corpus)], IngestOptions())
            print(f"built {n:,} documents in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        engine = store.engine  # type: ignore[attr-defined]
        if not any(u.username == "bench" for u, _, _ in accounts.list_users(engine)):
            accounts.add_user(engine, "bench", "admin", PASSWORD)
    return db


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--reps", type=int, default=30)
    args = ap.parse_args()
    db = build(args.docs)

    from fastapi.testclient import TestClient

    from adtrace.app import create_app
    from adtrace.app.pages import dashboard

    app = create_app(str(db))
    client = TestClient(app)
    assert client.post("/login", data={"username": "bench", "password": PASSWORD},
                       follow_redirects=False).status_code == 303
    ids = [i["id"] for i in client.get("/api/v1/queue", params={"limit": args.reps}).json()["items"]]
    pages = {
        "dashboard (cached aggregates)": lambda i: "/",
        "review queue": lambda i: "/queue",
        "queue preview": lambda i: f"/queue/preview/{ids[i % len(ids)]}",
        "search text + 5 facets": lambda i: f"/search?q={['new', 'call', 'spa', 'girls', 'hiring'][i % 5]}",
        "search entity filter": lambda i: "/search?risk_level=high&city=miami",
        "document page": lambda i: f"/documents/{ids[i % len(ids)]}",
        "audit log": lambda i: "/audit",
        "api search": lambda i: "/api/v1/search?q=new&facet=city",
        "api document": lambda i: f"/api/v1/documents/{ids[i % len(ids)]}",
    }
    out: dict[str, object] = {"documents": args.docs, "reps": args.reps}
    # The dashboard's first, uncached call scans every document: reported on its own.
    cold = []
    for _ in range(min(5, args.reps)):
        dashboard._cache.clear()
        t = time.perf_counter()
        client.get("/")
        cold.append((time.perf_counter() - t) * 1000)
    out["dashboard (uncached)"] = {"p50_ms": round(statistics.median(cold), 1), "max_ms": round(max(cold), 1)}
    for name, url in pages.items():
        client.get(url(0))  # warm the page cache once
        times = []
        for i in range(args.reps):
            t = time.perf_counter()
            r = client.get(url(i))
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (name, r.status_code)
        times.sort()
        out[name] = {"p50_ms": round(statistics.median(times), 1),
                     "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1)}
    print(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode())


if __name__ == "__main__":
    main()

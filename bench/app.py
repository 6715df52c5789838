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
    ap.add_argument("--investigation", "--part2", action="store_true", dest="investigation",
                    help="also time the investigation pages: entities, clusters, map, watchlists, alerts, cases, "
                         "settings (links the store once; --part2 is its old name)")
    ap.add_argument("--browser", action="store_true", help="with --investigation: time the cluster graph in Chromium")
    ap.add_argument("--db", help="use this store as is (e.g. a copy), instead of building bench/out/app-N.db")
    args = ap.parse_args()
    db = Path(args.db) if args.db else build(args.docs)

    from fastapi.testclient import TestClient

    from adtrace.app import accounts, create_app
    from adtrace.app.data import dashboard

    app = create_app(str(db), secure_cookies=False, allowed_hosts=("testserver",))  # plain HTTP to "testserver"
    client = TestClient(app)
    login_csrf = client.get("/login").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    assert client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf": login_csrf},
                       follow_redirects=False).status_code == 303
    # /api/* takes an API token only (never the session cookie).
    client.headers["Authorization"] = "Bearer " + accounts.add_token(app.state.adtrace.engine, "bench", "bench")
    ids = [i["id"] for i in client.get("/api/v1/queue", params={"limit": args.reps}).json()["items"]]
    import sqlalchemy as sa

    with app.state.adtrace.engine.connect() as conn:  # phones typed as people type them, for the search box
        typed = [f"({p[2:5]}) {p[5:8]}-{p[8:]}" for (p,) in conn.execute(sa.text(
            "SELECT value FROM entities WHERE kind = 'phone' AND value LIKE '+1%' GROUP BY value "
            "ORDER BY count(*) DESC LIMIT 30"))]
    pages = {
        "dashboard (cached aggregates)": lambda i: "/",
        "review queue": lambda i: "/queue",
        "review queue page 3": lambda i: "/queue?page=3",
        "escalated inbox": lambda i: "/queue/escalated",
        "search box, a typed phone -> entity page": lambda i: f"/search?q={typed[i % len(typed)]}",
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
    if args.investigation:
        out["investigation"] = investigation(app, client, args.reps, args.browser)
    print(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode())


def investigation(app: object, client: object, reps: int, browser: bool) -> dict[str, object]:
    """The investigation pages (entities, clusters, map, watchlists, alerts, cases, settings) on the same store.

    Links the store first when it has no clusters (slow once at 100k: minutes). With --browser, the
    cluster page of the cluster closest to 500 ads is opened in headless Chromium (Debian's) and the time
    from navigation until cytoscape.js has laid out and drawn the graph is measured (collapsed, as the
    page opens a cluster of 40 ads or more), and the redraw with every ad as its own node.
    """
    import sqlalchemy as sa

    from adtrace.cases import cases as cs
    from adtrace.cases import watchlists

    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        linked = conn.execute(sa.text("SELECT count(*) FROM link_summaries")).scalar()
    if not linked:
        from adtrace.linking.run import link_store

        t = time.perf_counter()
        link_store(engine)
        print(f"linked in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    with engine.connect() as conn:  # a new connection: it sees the clusters just saved
        big = conn.execute(sa.text("SELECT cluster_id, documents FROM link_summaries "
                                   "ORDER BY abs(documents - 500), cluster_id LIMIT 1")).one()
        top = [str(r[0]) for r in conn.execute(sa.text("SELECT cluster_id FROM link_summaries "
                                                       "ORDER BY documents DESC LIMIT 30"))]
        phones = [str(r[0]) for r in conn.execute(sa.text(
            "SELECT value FROM entities WHERE kind = 'phone' GROUP BY value ORDER BY count(*) DESC LIMIT 30"))]
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    case = cs.create(store, "bench", "bench")
    cs.add_item(store, case.id, "cluster", top[0], "bench")
    watchlists.add(store, "phone", phones[0], name="bench", owner="bench")
    pages = {
        "clusters list": lambda i: "/clusters",
        "cluster page (30 biggest)": lambda i: f"/clusters/{top[i % len(top)]}",
        f"cluster page ({big[1]} ads)": lambda i: f"/clusters/{big[0]}",
        "entity page (30 busiest phones)": lambda i: f"/entities/phone/{phones[i % len(phones)]}",
        "map (90 days)": lambda i: "/map",
        "watchlists": lambda i: "/watchlists",
        "alerts": lambda i: "/alerts",
        "cases": lambda i: "/cases",
        "case page": lambda i: f"/cases/{case.id}",
        "settings": lambda i: "/settings",
        "api cluster": lambda i: f"/api/v1/clusters/{top[i % len(top)]}",
        "api entity": lambda i: f"/api/v1/entities/phone/{phones[i % len(phones)]}",
    }
    out: dict[str, object] = {}
    for name, url in pages.items():
        client.get(url(0))  # type: ignore[attr-defined]
        times = []
        for i in range(reps):
            t = time.perf_counter()
            r = client.get(url(i))  # type: ignore[attr-defined]
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (name, r.status_code)
        times.sort()
        out[name] = {"p50_ms": round(statistics.median(times), 1),
                     "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1)}
    t = time.perf_counter()
    assert client.get(f"/cases/{case.id}/export.pdf").status_code == 200  # type: ignore[attr-defined]
    out[f"case PDF export (cluster of {len(cs.document_ids(store, cs.get(store, case.id)))} ads, once)"] = {
        "ms": round((time.perf_counter() - t) * 1000)}
    if browser:
        out["browser"] = graph_in_browser(app, str(big[0]), int(big[1]), reps=min(reps, 5))
    return out


def graph_in_browser(app: object, cluster_id: str, size: int, reps: int) -> dict[str, object]:
    import threading

    import uvicorn
    from playwright.sync_api import sync_playwright

    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=8791, log_level="warning"))  # type: ignore[arg-type]
    threading.Thread(target=srv.run, daemon=True).start()
    while not srv.started:
        time.sleep(0.05)
    base = "http://127.0.0.1:8791"
    nav, drawn = [], []
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                               args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = b.new_page(viewport={"width": 1360, "height": 900})
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "bench")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=Dashboard")
        expanded = []
        for _ in range(reps):
            t = time.perf_counter()
            page.goto(f"{base}/clusters/{cluster_id}")
            page.wait_for_selector("#graph.ready", timeout=60000)
            nav.append((time.perf_counter() - t) * 1000)
            drawn.append(float(page.get_attribute("#graph", "data-rendered") or 0))
            if page.locator("#graph-collapse").is_checked():  # every ad its own node: the worst case
                page.uncheck("#graph-collapse")
                expanded.append(float(page.get_attribute("#graph", "data-redrawn") or 0))
        nodes = page.evaluate("() => JSON.parse(document.getElementById('page-data').textContent).graph.nodes.length")
        page.goto(f"{base}/clusters/{cluster_id}")
        page.wait_for_selector("#graph.ready", timeout=60000)
        shown = int(page.get_attribute("#graph", "data-nodes") or 0)
        b.close()
    srv.should_exit = True
    return {"cluster_ads": size, "graph_nodes_ads_and_keys": nodes, "graph_nodes_drawn_collapsed": shown,
            "navigation_to_graph_drawn_ms": [round(x) for x in nav],
            "graph_drawn_ms (graph.js start to first frame)": [round(x) for x in drawn],
            "uncollapsed_redraw_ms": [round(x) for x in expanded]}


if __name__ == "__main__":
    main()

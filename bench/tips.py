"""What the public tip form costs the server: CPU per accepted tip (linking on and off), per request the
rate limit refuses (429), and per 10 MB post refused by its Content-Length (413). Synthetic data only.

Builds a fresh SQLite store of `--docs` synthetic ads, then posts through Starlette's TestClient (in
process: the figures include the client's own work, so they are upper bounds for the server's share).
CPU time (process_time), not wall time, so other jobs on the machine do not inflate it.

    .venv/bin/python bench/tips.py [--docs 2000] [--tips 20] [--refused 2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from adtrace.app import create_app
from adtrace.app.pages.publictip import configure
from adtrace.linking.run import link_store
from adtrace.storage import init_db, open_store
from adtrace.storage.ingest import IngestOptions, ingest
from adtrace.synth import write_corpus
from adtrace.tips.limits import TipLimits


def _token(client: TestClient) -> str:
    return client.get("/public/tip").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def _tips(app: object, n: int, link: bool) -> list[float]:
    configure(app, TipLimits(rate=10 ** 9, window=60), link=link)  # type: ignore[arg-type]
    client = TestClient(app)  # type: ignore[arg-type]
    token = _token(client)
    out = []
    for i in range(n):
        text = (f"Vi un anuncio de trabajo; les quitan el pasaporte. Llamar al 702-555-{i:04d}. "
                "They do not let the girls leave the house at night.")
        t = time.process_time()
        r = client.post("/public/tip", data={"csrf": token, "text": text, "about": "labour"})
        out.append((time.process_time() - t) * 1000)
        assert r.status_code == 200, r.text[:200]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--tips", type=int, default=20)
    ap.add_argument("--refused", type=int, default=2000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, db = Path(tmp) / "c.jsonl", Path(tmp) / "s.db"
        with corpus.open("wb") as fh:
            write_corpus(args.docs, 3, fh)
        init_db(str(db))
        with open_store(str(db)) as store:
            ingest(store, [str(corpus)], IngestOptions(workers=1))
            link_store(store.engine, workers=1)  # type: ignore[attr-defined]
        app = create_app(str(db), secure_cookies=False, allowed_hosts=("testserver",))  # TestClient's host
        _tips(app, 2, link=False)  # warm-up: lexicons and gazetteer load once
        off = _tips(app, args.tips, link=False)
        on = _tips(app, args.tips, link=True)

        configure(app, TipLimits(rate=1, window=3600))
        client = TestClient(app)
        token = _token(client)
        client.post("/public/tip", data={"csrf": token, "text": "the one counted tip"})
        t = time.process_time()
        for _ in range(args.refused):
            assert client.post("/public/tip", data={"csrf": token, "text": "again"}).status_code == 429
        per_429 = (time.process_time() - t) / args.refused * 1000

        configure(app, TipLimits(rate=10 ** 9, window=60))  # the size check, not the rate limit
        big = b"csrf=x&text=" + b"a" * (10 * 1024 * 1024)
        client = TestClient(app)
        t = time.process_time()
        for _ in range(20):
            r = client.post("/public/tip", content=big, headers={"content-type": "application/x-www-form-urlencoded"})
            assert r.status_code == 413
        per_413 = (time.process_time() - t) / 20 * 1000
        app.state.adtrace.store.close()
    print(json.dumps({
        "store_docs": args.docs, "tips": args.tips,
        "accepted_cpu_ms_link_off": {"median": round(statistics.median(off), 1), "max": round(max(off), 1)},
        "accepted_cpu_ms_link_on": {"median": round(statistics.median(on), 1), "max": round(max(on), 1)},
        "refused_429_cpu_ms": round(per_429, 3), "refused_413_10mb_cpu_ms": round(per_413, 2),
        "note": "in-process TestClient: client work included; CPU time of this process",
    }, indent=2))


if __name__ == "__main__":
    main()

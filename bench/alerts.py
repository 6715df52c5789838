"""Alert latency: from a file dropped into a watched folder to the alert's webhook POST.

Starts a watch (FolderWatcher in a thread, as `adtrace watch` runs it) on a fresh SQLite store with
one phone on a watchlist, and a webhook receiver on loopback; drops `--drops` small JSONL files one
after another, each holding one matching ad among ordinary ones, and prints JSON with the latencies.

    .venv/bin/python bench/alerts.py [--drops 10] [--docs-per-file 5] [--settle 0.5] [--poll 0.1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from adtrace.cases import watchlists
from adtrace.cases.notify import Notifier, NotifyConfig
from adtrace.crawl import Feeder, FolderWatcher
from adtrace.storage import init_db, open_store

arrivals: dict[str, float] = {}


class Hook(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        arrivals.setdefault(body["doc_id"], time.time())
        self.send_response(204)
        self.end_headers()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--drops", type=int, default=10)
    ap.add_argument("--docs-per-file", type=int, default=5)
    ap.add_argument("--settle", type=float, default=0.5)
    ap.add_argument("--poll", type=float, default=0.1)
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        init_db(url)
        drop = Path(tmp) / "drop"
        drop.mkdir()
        with open_store(url) as store:
            watchlists.add(store, "phone", "702-555-0142", name="bench", owner="bench")
            notifier = Notifier(NotifyConfig(webhook_url=f"http://127.0.0.1:{server.server_address[1]}/"))
            watcher = FolderWatcher(drop, Feeder(store, notifier=notifier), settle=args.settle)
            stop = threading.Event()
            thread = threading.Thread(target=watcher.run, args=(stop,), kwargs={"poll": args.poll}, daemon=True)
            thread.start()
            latencies = []
            for i in range(args.drops):
                docs = [{"id": f"b{i}-{k}", "source": "bench",
                         "text": f"Friendly and sweet, call 702-555-{(1000 + k) % 10000:04d} ({i})"}
                        for k in range(args.docs_per_file - 1)]
                docs.append({"id": f"b{i}-hit", "source": "bench", "text": f"New here, call 702-555-0142 ({i})"})
                path = drop / f"drop{i}.jsonl"
                dropped = time.time()
                path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
                deadline = dropped + 60
                while f"b{i}-hit" not in arrivals and time.time() < deadline:
                    time.sleep(0.01)
                if f"b{i}-hit" in arrivals:
                    latencies.append(arrivals[f"b{i}-hit"] - dropped)
            stop.set()
            thread.join(10)
    server.shutdown()
    out = {"drops": args.drops, "delivered": len(latencies), "docs_per_file": args.docs_per_file,
           "settle_s": args.settle, "poll_s": args.poll,
           "latency_s": {"p50": round(statistics.median(latencies), 3), "p95": round(pct(latencies, 0.95), 3),
                         "max": round(max(latencies), 3)} if latencies else None,
           "target_s": 5.0}
    print(json.dumps(out))


if __name__ == "__main__":
    main()

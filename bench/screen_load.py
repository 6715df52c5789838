"""Load test for POST /api/v1/screen: starts uvicorn on loopback, drives it from a second process.

Phases: single-document requests, then 100-document batches; each runs for --seconds with
--concurrency requests in flight. Prints JSON: requests/s, documents/s, p50/p99 latency, status counts.
Loopback only; every loop is bounded by time and by --max-requests.

    .venv/bin/python bench/screen_load.py --seconds 20 --workers 2 --concurrency 16
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _setup(root: Path, n_docs: int) -> tuple[str, str, list[dict[str, Any]]]:
    """A database with one partner account and token, a keys directory, and synthetic ads to send."""
    from adtrace.app import accounts
    from adtrace.exchange import keys as xk
    from adtrace.storage import init_db, open_store
    from adtrace.synth.writer import write_corpus

    db = str(root / "bench.db")
    init_db(db)
    with open_store(db) as store:
        engine = store.engine  # type: ignore[attr-defined]
        accounts.add_user(engine, "platform", "partner", "bench-password-123")
        token = accounts.add_token(engine, "platform", "bench")
    xk.generate("bench-org", root / "keys")
    xk.set_consortium_key(None, root / "keys")
    buf = io.BytesIO()
    write_corpus(n_docs, 11, buf)
    docs = [json.loads(line) for line in buf.getvalue().splitlines() if line.strip()]
    return db, token, [{k: d[k] for k in ("id", "title", "text") if k in d} for d in docs]


async def _phase(port: int, token: str, bodies: list[dict[str, Any]], seconds: float, concurrency: int,
                 max_requests: int, docs_per_request: int) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    statuses: dict[str, int] = {}
    sent = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", limits=limits, timeout=30.0,
                                 headers={"Authorization": f"Bearer {token}"}) as client:

        async def worker(w: int) -> None:
            nonlocal sent
            i = w
            while time.perf_counter() < deadline and sent < max_requests:
                sent += 1
                body = bodies[i % len(bodies)]
                i += concurrency
                t = time.perf_counter()
                try:
                    r = await client.post("/api/v1/screen", json=body)
                    code = str(r.status_code)
                except httpx.HTTPError as exc:
                    code = type(exc).__name__
                latencies.append(time.perf_counter() - t)
                statuses[code] = statuses.get(code, 0) + 1

        start = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(concurrency)))
        elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 2) if latencies else 0.0

    ok = statuses.get("200", 0)
    return {"requests": len(latencies), "seconds": round(elapsed, 2), "requests_per_s": round(len(latencies) / elapsed, 1),
            "documents_per_s": round(ok * docs_per_request / elapsed, 1), "p50_ms": pct(0.50), "p99_ms": pct(0.99),
            "statuses": statuses, "server_errors": sum(n for c, n in statuses.items() if c.startswith("5"))}


def _drive(args: argparse.Namespace) -> None:
    """The load generator (second process): reads its plan from argv, prints JSON."""
    plan = json.loads(Path(args.plan).read_text())
    docs = plan["docs"]
    singles = [{"document": d} for d in docs]
    batches = [{"documents": docs[i:i + 100]} for i in range(0, len(docs) - 99, 100)] or [{"documents": docs[:100]}]
    # Warm-up, not measured: each worker loads lexicons and builds its pipeline on first use.
    asyncio.run(_phase(plan["port"], plan["token"], singles, 3.0, args.concurrency, 2000, 1))
    out = {"single": asyncio.run(_phase(plan["port"], plan["token"], singles, args.seconds, args.concurrency,
                                        args.max_requests, 1))}
    out["batch_100"] = asyncio.run(_phase(plan["port"], plan["token"], batches, args.seconds,
                                          max(2, args.concurrency // 4), args.max_requests, 100))
    print(json.dumps(out))


def _wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early with {proc.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start in time")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=20.0, help="Duration of each phase (target run: 60).")
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes.")
    ap.add_argument("--concurrency", type=int, default=16, help="Requests in flight (single-document phase).")
    ap.add_argument("--max-requests", type=int, default=200_000, help="Hard cap on requests per phase.")
    ap.add_argument("--docs", type=int, default=2000, help="Synthetic ads to cycle through.")
    ap.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--plan", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.drive:
        _drive(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db, token, docs = _setup(root, args.docs)
        port = _free_port()
        env = {**os.environ, "ADTRACE_DB": db, "ADTRACE_EXCHANGE_KEYS": str(root / "keys"),
               "ADTRACE_SCREEN_RATE": "1000000", "ADTRACE_SCREEN_BURST": "1000000"}
        server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "adtrace.app.server:create_app",
                                   "--host", HOST, "--port", str(port), "--workers", str(args.workers),
                                   "--log-level", "warning", "--no-access-log"], env=env)
        try:
            _wait_ready(port, server)
            time.sleep(2.0 if args.workers > 1 else 0.5)  # let every worker import the pipeline
            plan = root / "plan.json"
            plan.write_text(json.dumps({"port": port, "token": token, "docs": docs}))
            driver = subprocess.run([sys.executable, __file__, "--drive", "--plan", str(plan), "--seconds",
                                     str(args.seconds), "--concurrency", str(args.concurrency), "--max-requests",
                                     str(args.max_requests)], capture_output=True, text=True, timeout=4 * args.seconds + 120)
            if driver.returncode != 0:
                raise SystemExit(driver.stderr[-2000:])
            result = json.loads(driver.stdout)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    result["config"] = {"seconds_per_phase": args.seconds, "workers": args.workers, "concurrency": args.concurrency,
                        "cpus": os.cpu_count(), "note": "server, load generator and other jobs share these CPUs"}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

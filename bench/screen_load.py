"""Load test for POST /api/v1/screen (issue #9): `adtrace serve --workers N` on loopback, driven by wrk.

Needs wrk (Debian: `apt-get install -y wrk`); exits with a clear message when it is missing. wrk is a C
load generator: it uses little CPU, which matters because it shares the machine's cores with the server.
Load is bounded: a fixed number of connections, each with one request in flight (closed loop), for
--seconds per phase. Phases: single-document requests (target: >= 1,000 requests/s, p99 <= 25 ms, no
5xx over 60 s on 2 cores), then batches of 100 documents. The rate limit is lifted for the bench only.

    .venv/bin/python bench/screen_load.py --seconds 60 --workers 2 --connections 8

Prints JSON per phase: requests/s, documents/s, p50/p90/p99 latency (wrk's; closed loop, so it does
not count time a request would have waited to be sent), non-2xx and 5xx counts, socket errors.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"

# One Lua state per wrk thread: each cycles through the request bodies (one JSON body per line) and
# counts responses by class; done() sums the threads and prints one JSON line.
LUA = r"""
local bodies, i, threads = {}, 0, {}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("SCREEN_TOKEN")
function setup(thread) table.insert(threads, thread) end
function init(args)
  for line in io.lines(os.getenv("SCREEN_BODIES")) do bodies[#bodies + 1] = line end
  i = math.random(#bodies)
  ok, non2xx, s5xx = 0, 0, 0
end
function request()
  i = i % #bodies + 1
  return wrk.format(nil, "/api/v1/screen", nil, bodies[i])
end
function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else non2xx = non2xx + 1 end
  if status >= 500 then s5xx = s5xx + 1 end
end
function done(summary, latency, requests)
  local t = {ok = 0, non2xx = 0, s5xx = 0}
  for _, th in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + (th:get(k) or 0) end
  end
  local e = summary.errors
  io.write(string.format('\nRESULT {"requests": %d, "duration_us": %d, "ok": %d, "non_2xx": %d, "server_errors": %d, '
    .. '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, '
    .. '"p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, summary.duration, t.ok, t.non2xx, t.s5xx, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


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


def _wrk(port: int, token: str, bodies: Path, seconds: float, connections: int, threads: int,
         script: Path) -> dict[str, Any]:
    env = {**os.environ, "SCREEN_TOKEN": token, "SCREEN_BODIES": str(bodies)}
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s",
           "-s", str(script), f"http://{HOST}:{port}"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(min(2.0, seconds / 2))
    spread = _connections_per_process(port)
    stdout, stderr = proc.communicate(timeout=seconds + 60)
    line = next((ln for ln in stdout.splitlines() if ln.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({proc.returncode}): {stderr[-1000:]} {stdout[-1000:]}")
    r: dict[str, Any] = json.loads(line[len("RESULT "):])
    r["connections_per_worker"] = spread
    seconds_run = r.pop("duration_us") / 1e6
    r["seconds"] = round(seconds_run, 2)
    r["requests_per_s"] = round(r["requests"] / seconds_run, 1)
    return r


def _connections_per_process(port: int) -> list[int]:
    """How the kernel spread wrk's connections over the workers (a skew leaves one core idle)."""
    out = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"], capture_output=True,
                         text=True, check=False).stdout if shutil.which("ss") else ""
    pids = [m.split("pid=")[1].split(",")[0] for m in out.split() if "pid=" in m]
    return sorted((pids.count(p) for p in set(pids)), reverse=True)


def _cpu_seconds(pids: list[int]) -> float:
    """User+system CPU of these processes so far (Linux /proc), to report CPU per request."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def _server_pids(parent: int) -> list[int]:
    kids = Path(f"/proc/{parent}/task/{parent}/children")
    return [parent, *(int(p) for p in kids.read_text().split())] if kids.exists() else [parent]


def _wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 300.0) -> None:
    """Until 20 requests in a row, each on a new connection, are answered: the kernel spreads new
    connections over the workers, so every worker has loaded its app (a busy box takes tens of seconds)."""
    import http.client

    end, streak = time.time() + timeout, 0
    while time.time() < end and streak < 20:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early with {proc.returncode}")
        conn = http.client.HTTPConnection(HOST, port, timeout=1.0)
        try:
            conn.request("GET", "/login")
            streak = streak + 1 if conn.getresponse().status == 200 else 0
        except OSError:
            streak = 0
            time.sleep(0.2)
        finally:
            conn.close()
    if streak < 20:
        raise SystemExit("server did not start in time")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60.0, help="Duration of each measured phase.")
    ap.add_argument("--workers", type=int, default=2, help="Server processes (adtrace serve --workers).")
    ap.add_argument("--connections", type=int, default=8, help="Connections for single documents (1 request in "
                    "flight each).")
    ap.add_argument("--batch-connections", type=int, default=2, help="Connections for 100-document batches.")
    ap.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (one is enough on loopback).")
    ap.add_argument("--docs", type=int, default=2000, help="Synthetic ads to cycle through.")
    ap.add_argument("--skip-batches", action="store_true", help="Single-document phase only.")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/screen_load.py needs wrk: apt-get install -y wrk")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db, token, docs = _setup(root, args.docs)
        singles, batches, script = root / "singles.jsonl", root / "batches.jsonl", root / "screen.lua"
        singles.write_text("".join(json.dumps({"document": d}) + "\n" for d in docs))
        batches.write_text("".join(json.dumps({"documents": docs[i:i + 100]}) + "\n"
                                   for i in range(0, len(docs) - 99, 100)))
        script.write_text(LUA)
        port = _free_port()
        env = {**os.environ, "ADTRACE_EXCHANGE_KEYS": str(root / "keys"),
               "ADTRACE_SCREEN_RATE": "1000000000", "ADTRACE_SCREEN_BURST": "1000000"}
        server = subprocess.Popen([sys.executable, "-m", "adtrace", "serve", "--db", db, "--host", HOST, "--port",
                                   str(port), "--workers", str(args.workers)], env=env)
        try:
            _wait_ready(port, server)
            _wrk(port, token, singles, 5, args.connections, args.wrk_threads, script)  # warm-up, not reported
            result: dict[str, Any] = {}
            phases = [("single", singles, args.connections, 1)]
            if not args.skip_batches:
                phases.append(("batch_100", batches, args.batch_connections, 100))
            for name, bodies, conns, per in phases:
                pids = _server_pids(server.pid)
                cpu0 = _cpu_seconds(pids)
                r = _wrk(port, token, bodies, args.seconds, conns, args.wrk_threads, script)
                r["documents_per_s"] = round(r["ok"] * per / r["seconds"], 1)
                r["server_cpu_ms_per_request"] = round(1000 * (_cpu_seconds(pids) - cpu0) / max(r["requests"], 1), 3)
                r["connections"] = conns
                result[name] = r
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    single = result["single"]
    result["target_met"] = bool(single["requests_per_s"] >= 1000 and single["p99_ms"] <= 25
                                and single["server_errors"] == 0 and args.seconds >= 60)
    result["config"] = {"seconds_per_phase": args.seconds, "server": f"adtrace serve --workers {args.workers} "
                        "(uvicorn, httptools + uvloop)", "workers": args.workers,
                        "load_tool": f"wrk -t{args.wrk_threads} (closed loop, Lua body rotation)",
                        "cpus": os.cpu_count(), "load_average_at_end": os.getloadavg(),
                        "note": "server, load generator and any other jobs share these CPUs"}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

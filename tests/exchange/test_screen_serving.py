"""Serving /api/v1/screen at platform rates: worker processes, rate-limit split, inline and threaded paths."""

from __future__ import annotations

import gc
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from adtrace.app.api import exchange as xapi
from adtrace.app.api.exchange import configure

AD = {"text": "New in town! Call 213-473-0199 now, 100 roses, ig @NewHere"}


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # warm_up freezes the test process's heap; give it back to the collector


def test_rate_limit_is_split_between_worker_processes(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADTRACE_SCREEN_RATE", "300")
    monkeypatch.setenv("ADTRACE_SCREEN_BURST", "50")
    monkeypatch.setenv("ADTRACE_WORKERS", "3")
    cfg = configure(app)
    assert cfg.limiter.rate == pytest.approx(100.0) and cfg.limiter.burst == 50  # a batch still fits one worker
    monkeypatch.setenv("ADTRACE_WORKERS", "1")
    assert configure(app).limiter.rate == pytest.approx(300.0)


def test_cached_token_still_pays_into_its_own_bucket(app: Any, client_for: Callable[[str], TestClient]) -> None:
    configure(app, rate=0.001, burst=2)
    first, second = client_for("partner"), client_for("partner")
    assert [first.post("/api/v1/screen", json={"document": AD}).status_code for _ in range(3)] == [200, 200, 429]
    assert second.post("/api/v1/screen", json={"document": AD}).status_code == 200


def test_inline_and_threaded_paths_answer_alike(app: Any, client_for: Callable[[str], TestClient]) -> None:
    client = client_for("partner")
    one = client.post("/api/v1/screen", json={"document": AD}).json()  # screened on the event loop
    many = client.post("/api/v1/screen", json={"documents": [AD] * (xapi.INLINE_DOCS + 1)}).json()  # thread
    assert len(many["results"]) == xapi.INLINE_DOCS + 1
    assert all(r == one for r in many["results"])


def test_app_from_env_builds_a_warm_app(db: str, ours: Path, monkeypatch: pytest.MonkeyPatch,
                                        unfrozen: None) -> None:
    from adtrace.app import accounts
    from adtrace.app.server import app_from_env

    monkeypatch.setenv("ADTRACE_DB", db)
    monkeypatch.setenv("ADTRACE_EXCHANGE_KEYS", str(ours))
    monkeypatch.setenv("ADTRACE_IMAGES", "")
    monkeypatch.setenv("ADTRACE_ALLOWED_HOSTS", "testserver")  # the host TestClient sends
    web = app_from_env()
    try:
        assert isinstance(web.state.exchange, xapi.ExchangeConfig)  # configured and warmed before serving
        assert gc.get_freeze_count() > 0
        accounts.add_user(web.state.adtrace.engine, "p", "partner", "correct-horse-battery")
        token = accounts.add_token(web.state.adtrace.engine, "p", "t")
        r = TestClient(web).post("/api/v1/screen", json={"document": AD}, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and r.json()["entities"]["phones"][0]["value"] == "+12134730199"
        assert r.headers["content-security-policy"].startswith("default-src 'self'")
    finally:
        web.state.adtrace.store.close()


def test_serve_help_documents_workers() -> None:
    from adtrace.cli.main import _register
    from adtrace.cli.main import app as cli

    _register()  # commands are registered lazily by the entry point
    out = CliRunner().invoke(cli, ["serve", "--help"], env={"COLUMNS": "200"})
    assert out.exit_code == 0 and "--workers" in out.output and "ADTRACE_SCREEN_RATE" in out.output


@pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="SO_REUSEPORT is Linux/BSD")
def test_each_worker_listens_on_its_own_socket_of_one_port() -> None:
    from adtrace.cli.serve import _listen

    first = _listen("127.0.0.1", 0)
    port = first.getsockname()[1]
    second = _listen("127.0.0.1", port)  # a second worker joins the port instead of failing with EADDRINUSE
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
        assert first.fileno() != second.fileno() and second.getsockname()[1] == port
    finally:
        first.close()
        second.close()


def test_ctrl_c_stops_every_worker_without_a_traceback(tmp_path: Path) -> None:
    """Ctrl-C in a terminal signals the whole foreground group: the parent and each worker. The start line
    says "press Ctrl+C to stop"; each worker printed two tracebacks (KeyboardInterrupt) on the way out."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    from adtrace.storage import init_db

    db = str(tmp_path / "w.db")
    init_db(db)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "adtrace", "serve", "--db", db, "--workers", "2", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode()  # type: ignore[union-attr]
                time.sleep(0.5)
        time.sleep(2)  # the second worker too
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert "Traceback" not in err.decode() and "KeyboardInterrupt" not in err.decode(), err.decode()[-2000:]
    assert proc.returncode == 0

"""`adtrace serve`: the analyst web app and REST API on this machine (FastAPI + uvicorn, everything offline)."""

from __future__ import annotations

import contextlib
import errno
import os
import socket
from pathlib import Path

import typer

from adtrace import errors
from adtrace.cli.io import err_console
from adtrace.cli.main import app
from adtrace.cli.store import DB
from adtrace.i18n import gettext, ngettext

PORT_IN_USE = errors.PORT_IN_USE


def check_port(host: str, port: int) -> None:
    """Fail early and clearly (exit 3) when the address is taken, instead of a uvicorn traceback."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            why = "is already in use" if exc.errno == errno.EADDRINUSE else f"cannot be opened ({exc.strerror})"
            raise errors.ConfigError(f"port {port} on {host} {why}. Stop the other program or choose another "
                                     "port with --port", code=PORT_IN_USE, detail={"host": host, "port": port}) from None


@app.command("serve")
def serve_cmd(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (keep 127.0.0.1 unless behind HTTPS)."),
    port: int = typer.Option(8000, help="Port to listen on."),
    db: str = DB,
    images: list[Path] = typer.Option([], "--images", help="Folder holding the documents' images (repeatable)."),
    secure_cookies: bool = typer.Option(None, "--secure-cookies/--insecure-cookies",
                                        help="Force the cookies' Secure flag on or off. Default: Secure unless a "
                                        "request is plain HTTP to localhost/127.x/::1."),
    trusted_proxy: list[str] = typer.Option([], "--trusted-proxy", metavar="IP",
                                            help="A reverse proxy whose X-Forwarded-For/-Proto headers are believed "
                                            "(repeatable). Without it those headers are ignored."),
    audit_checkpoints: Path = typer.Option(None, "--audit-checkpoints", metavar="FILE",
                                           help="Append a signed audit-head checkpoint (the exchange keys' "
                                           "organisation key) to FILE at start and every --checkpoint-minutes; "
                                           "keep FILE off the database's disk. Check: adtrace audit verify "
                                           "--checkpoints FILE."),
    allowed_host: list[str] = typer.Option([], "--allowed-host", metavar="NAME",
                                           help="A host name the server answers to, as browsers and partners "
                                           "address it (repeatable; '*' for any, only behind a proxy that checks "
                                           "it). localhost, 127.0.0.1 and ::1 are always answered. Needed with a "
                                           "--host other than loopback or a --trusted-proxy."),
    checkpoint_minutes: float = typer.Option(60.0, min=1.0, help="Minutes between audit checkpoints."),
    workers: int = typer.Option(1, min=1, help="Server processes. Screening (POST /api/v1/screen) is CPU-bound: "
                                "use one per core for platforms; the per-token rate limit "
                                "(ADTRACE_SCREEN_RATE) is split between them."),
) -> None:
    """Run the analyst web app: dashboard, review queue, search, documents, audit log and REST API.

    Production screening: `adtrace serve --workers N` (N = cores) behind an HTTPS proxy; see docs/app.md.
    """
    import uvicorn

    from adtrace.app import create_app
    from adtrace.app.server import warm_up

    names = served_names(host, allowed_host, trusted_proxy)
    check_port(host, port)
    if audit_checkpoints:
        from adtrace.app.checkpoints import Periodic
        from adtrace.storage import open_store
        from adtrace.storage.db import engine_of

        Periodic(engine_of(open_store(db)), audit_checkpoints, every=checkpoint_minutes * 60).start()
    _warn_if_readable(db)
    # Each worker process reads these (and its rate-limit share) when it builds its own app.
    os.environ["ADTRACE_WORKERS"] = str(workers)
    web = create_app(db, image_roots=tuple(images), secure_cookies=secure_cookies,
                     allowed_hosts=names)  # fails here, clearly, if db is bad
    shown = f"[{host}]" if ":" in host else host
    err_console.print(ngettext("adtrace is running at %(url)s with %(num)s worker — press Ctrl+C to stop",
                               "adtrace is running at %(url)s with %(num)s workers — press Ctrl+C to stop", workers)
                      % {"url": f"[bold]http://{shown}:{port}/[/]", "num": workers}, highlight=False)
    # httptools + uvloop (uvicorn[standard]) are picked automatically: the cheaper parser and event loop.
    options = {"host": host, "port": port, **uvicorn_options(trusted_proxy)}
    if workers == 1:
        warm_up(web)
        uvicorn.run(web, **options)  # type: ignore[arg-type]
        return
    web.state.adtrace.store.close()
    if db:
        os.environ["ADTRACE_DB"] = db
    os.environ["ADTRACE_IMAGES"] = os.pathsep.join(str(p) for p in images)
    os.environ["ADTRACE_SECURE_COOKIES"] = {True: "1", False: "0"}.get(secure_cookies, "")
    os.environ["ADTRACE_TRUSTED_PROXIES"] = ",".join(trusted_proxy)
    os.environ["ADTRACE_ALLOWED_HOSTS"] = ",".join(names)
    if hasattr(socket, "SO_REUSEPORT"):
        run_workers(host, port, workers)
    else:  # no SO_REUSEPORT (Windows): uvicorn's workers share one socket
        uvicorn.run(FACTORY, factory=True, workers=workers, **options)  # type: ignore[arg-type]


FACTORY = "adtrace.app.server:app_from_env"


def served_names(host: str, allowed: list[str], trusted_proxies: list[str]) -> list[str]:
    """The Host names the app answers to (DNS rebinding, adtrace.app.hosts): the loopback names and the
    --allowed-host ones. Listening beyond loopback or behind a proxy, browsers use a name only the operator
    knows: refused until it is given, rather than answering any name."""
    # Imported here: the app package imports FastAPI, which `adtrace --help` should not pay for.
    from adtrace.app.hosts import LOOPBACK_HOSTS, is_loopback

    given = [n.strip() for n in allowed if n.strip()]
    if not given and (trusted_proxies or not is_loopback(host)):
        why = "behind a proxy" if trusted_proxies else f"on {host}"
        raise errors.ConfigError(f"the server would listen {why} without knowing the host names it answers to, "
                                 "so a web page could re-point its own name at it (DNS rebinding)",
                                 code=errors.EXPOSED_WITHOUT_HOSTS, exit_code=errors.EXIT_USAGE,
                                 cli_hint="Name them: adtrace serve --allowed-host adtrace.example.org (repeatable; "
                                 "'*' only behind a proxy that checks the host itself)")
    return [*LOOPBACK_HOSTS, *given]


def uvicorn_options(trusted_proxies: list[str] | None = None) -> dict[str, object]:
    """uvicorn settings every way of serving shares. Proxy headers (X-Forwarded-For: the client address
    that login throttling and the audit log use) are believed only from the proxies named here; uvicorn's
    own default would believe them from 127.0.0.1, where anyone on the machine can send them."""
    proxies = [p for p in (trusted_proxies or []) if p]
    return {"log_level": "warning", "access_log": False, "proxy_headers": bool(proxies),
            "forwarded_allow_ips": ",".join(proxies) or None}


def _warn_if_readable(db: str | None) -> None:
    from adtrace.storage.connect import resolve_url
    from adtrace.storage.sqlite import exposed_files

    url = resolve_url(db)
    if not url.startswith("sqlite"):
        return
    for path, mode in exposed_files(url):
        warning = gettext("warning")  # not inside the f-string: pybabel misses calls there
        why = gettext("%(path)s is readable by other users (mode %(mode)s); it holds password hashes, the cookie "
                      "secret and ad text. Run: chmod 600 %(path)s") % {"path": path, "mode": f"{mode:04o}"}
        err_console.print(f"[yellow]{warning}:[/] {why}", highlight=False)


def _listen(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # only processes of this user may join
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(host: str, port: int) -> None:
    import uvicorn

    trusted = os.environ.get("ADTRACE_TRUSTED_PROXIES", "").split(",")
    config = uvicorn.Config(FACTORY, factory=True, **uvicorn_options(trusted))  # type: ignore[arg-type]
    config.load()  # build and warm the app first: a socket in the group gets its share of connections at once
    # Ctrl-C reaches every worker of the terminal's group: uvicorn shuts down cleanly, then raises the
    # signal again, which printed a traceback per worker.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[_listen(host, port)])


def run_workers(host: str, port: int, workers: int, poll: float = 0.5) -> None:
    """`workers` processes, each listening on its own SO_REUSEPORT socket, restarted if one dies.

    Why not uvicorn's --workers: they share one socket, and whichever worker is idle when a client
    opens several connections accepts them all (measured: 7 of wrk's 8 connections on one of 2 workers);
    that worker's queue then sets the p99. With one socket each, the kernel spreads connections by hash.
    """
    import multiprocessing
    import signal
    import time

    spawn = multiprocessing.get_context("spawn")
    stopping: list[int] = []

    def start() -> multiprocessing.process.BaseProcess:
        proc = spawn.Process(target=_worker, args=(host, port), daemon=False)
        proc.start()
        return proc

    def stop(signum: int, _frame: object) -> None:
        stopping.append(signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    procs = [start() for _ in range(workers)]
    try:
        while not stopping:
            for i, proc in enumerate(procs):
                if not proc.is_alive():
                    err_console.print(gettext("worker %(pid)s exited (%(code)s); starting another")
                                      % {"pid": proc.pid, "code": proc.exitcode}, highlight=False)
                    procs[i] = start()
            time.sleep(poll)
    finally:
        for proc in procs:
            proc.terminate()  # uvicorn finishes the requests in flight, then exits
        for proc in procs:
            proc.join(30)
            if proc.is_alive():
                proc.kill()

"""A webhook receiver on loopback: records each JSON POST with the time it arrived."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    def __init__(self, fail_first: int = 0, status: int = 200) -> None:
        self.posts: list[tuple[float, dict[str, Any]]] = []
        self.attempts = 0
        self.fail_first, self.status = fail_first, status
        self.arrived = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.attempts += 1
                if outer.attempts <= outer.fail_first:
                    self.send_response(503)
                    self.end_headers()
                    return
                outer.posts.append((time.time(), json.loads(body)))
                self.send_response(outer.status)
                self.end_headers()
                outer.arrived.set()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()

"""The public form's own limits: a rate limit per client that stores no address, and a bounded body.

Clients are told apart by a keyed BLAKE2b of their address with a key drawn at random when the process
starts and never written anywhere: the limiter can count one client's requests, but nothing it holds can
be turned back into an address (nor joined across restarts or workers). Entries live only as long as the
window they count (default 10 minutes), in memory; the database never sees them.
"""

from __future__ import annotations

import hashlib
import math
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from adtrace import errors
from adtrace.i18n import _

MAX_BODY = 64 * 1024  # bytes of one form post: a 10,000-character tip in any script fits with room
MAX_FIELDS = 12


class Throttled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass
class TipLimits:
    """ADTRACE_TIP_RATE tips per ADTRACE_TIP_WINDOW seconds per client; ADTRACE_TIP_MAX_BYTES per post."""

    rate: int = 5
    window: float = 600.0
    max_body: int = MAX_BODY

    @classmethod
    def from_env(cls) -> TipLimits:
        def num(name: str, default: float) -> float:
            raw = os.environ.get(name, "").strip()
            try:
                value = float(raw) if raw else default
            except ValueError:
                value = -1
            if value <= 0:
                raise errors.ConfigError(f"{name}={raw!r} is not a positive number; unset it for the default "
                                         f"({default:g})", code=errors.BAD_SETTING)
            return value

        return cls(int(num("ADTRACE_TIP_RATE", cls.rate)), num("ADTRACE_TIP_WINDOW", cls.window),
                   int(num("ADTRACE_TIP_MAX_BYTES", cls.max_body)))


class ClientLimiter:
    """At most `rate` requests per client in any `window` seconds (sliding window); the clock is injectable
    so tests need no real time. Memory is bounded: at most `max_clients` keys, expired ones dropped first."""

    def __init__(self, rate: int, window: float, clock: Callable[[], float] = time.monotonic,
                 max_clients: int = 100_000) -> None:
        self.rate, self.window, self.clock, self.max_clients = rate, window, clock, max_clients
        self._key = secrets.token_bytes(32)  # per process, never stored: the digests cannot be reversed
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()  # sync routes run in the thread pool

    def client_key(self, address: str) -> str:
        return hashlib.blake2b(address.encode("utf-8", "replace"), key=self._key, digest_size=16).hexdigest()

    def _expire(self, t: float) -> None:
        for k in [k for k, q in self._seen.items() if not q or q[-1] <= t - self.window]:
            del self._seen[k]

    def hit(self, address: str) -> None:
        """Count one request; raise Throttled(seconds to wait) when the client is over its limit. A refused
        request is not counted: a client that keeps hammering is free again as soon as its counted
        requests leave the window."""
        key = self.client_key(address)
        with self._lock:
            self._hit(key, self.clock())

    def _hit(self, key: str, t: float) -> None:
        q = self._seen.get(key)
        if q is None:
            if len(self._seen) >= self.max_clients:
                self._expire(t)
            if len(self._seen) >= self.max_clients:  # a flood of distinct clients: forget the oldest
                self._seen.pop(next(iter(self._seen)))
            q = self._seen[key] = deque()
        while q and q[0] <= t - self.window:
            q.popleft()
        if len(q) >= self.rate:
            raise Throttled(max(1, math.ceil(q[0] + self.window - t)))
        q.append(t)

    def __len__(self) -> int:
        return len(self._seen)


def too_large(limit: int) -> errors.InputError:
    return errors.InputError(message=_("Your tip is too large: at most %(kb)s KB can be sent at once. Please "
                                       "shorten it, or send the rest later with your receipt code.")
                             % {"kb": f"{limit // 1024:,}"}, code=errors.TOO_LARGE, http_status=413,
                             detail={"limit": limit})


async def read_bounded(declared: str | None, chunks: AsyncIterator[bytes], limit: int) -> bytes:
    """The body, refused (413) as soon as it passes `limit`: by its Content-Length before reading, else
    while reading, so a 10 MB post is never held in memory whole."""
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > limit:
            raise too_large(limit)
    return bytes(body)


def parse_form(body: bytes) -> dict[str, str]:
    """A urlencoded form as UTF-8 text (any language); not UTF-8 or too many fields is a clear 422."""
    from urllib.parse import parse_qsl

    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False,
                          max_num_fields=MAX_FIELDS, errors="strict")
    except UnicodeDecodeError:
        raise errors.InputError(message=_("The form was not sent as UTF-8 text; please use the form on this "
                                          "page."), code=errors.BAD_TIP, http_status=422) from None
    except ValueError:
        raise errors.InputError(message=_("The form has too many fields; please use the form on this page."),
                                code=errors.BAD_TIP, http_status=422) from None
    return dict(pairs)

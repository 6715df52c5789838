"""Which names the server answers to (the Host header): the defence against DNS rebinding.

`adtrace serve` usually runs on an analyst's laptop on 127.0.0.1. A web page the analyst visits can
re-point its own name at 127.0.0.1 and then talk to the app as the same origin: post the tip form, try
passwords until an account locks. The browser still sends the attacker's name in `Host`, so answering
only the names the operator chose stops it. On loopback those are `localhost`, `127.0.0.1` and `::1`;
a server others reach is given its names (`adtrace serve --allowed-host`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
ANY = "*"  # answer to any name: only behind a proxy that checks Host itself


def host_name(header: str) -> str:
    """The name in a Host header, without port, IPv6 brackets, trailing dot or case: `[::1]:8000` is `::1`."""
    value = header.strip().lower()
    if value.startswith("["):  # "[::1]" or "[::1]:8000", nothing else after the bracket
        name, _, rest = value[1:].partition("]")
        return name if rest == "" or (rest[:1] == ":" and rest[1:].isdigit()) else value
    if value.count(":") == 1:
        value = value.partition(":")[0]
    return value.rstrip(".")


def allowed_names(names: Iterable[str] | None) -> frozenset[str] | None:
    """The names to answer to, normalised; None means any name. No names given: loopback only."""
    chosen = [n for n in (names if names is not None else LOOPBACK_HOSTS) if n.strip()]
    if ANY in chosen:
        return None
    return frozenset(host_name(n) for n in chosen) or frozenset(LOOPBACK_HOSTS)


def is_loopback(address: str) -> bool:
    """Whether a listening address is this machine only (127.x, ::1, localhost)."""
    name = host_name(address)
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def request_host(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The name of an ASGI request's Host header ("" when absent); HTTP/1.0 may send none."""
    for key, value in headers:
        if key == b"host":
            return host_name(value.decode("latin-1"))
    return ""

"""Which network addresses a crawl may connect to: global ones only, unless the operator allows others.

The crawler runs on the analyst's machine, beside the adtrace server and other local services. A hostile
site cannot send it off its allowed hosts (links, redirects and meta refreshes all pass Scrapy's offsite
filter), but it owns its DNS: `anything.hostile.test` (a subdomain, so allowed) may resolve to 127.0.0.1,
10.x, 169.254.169.254 or any other address that is not on the public internet. The check is made in the
resolver, on the very address the connection then uses, so a name cannot answer one address to a check
and another to the connection (DNS rebinding). Literal IP hosts go through the same resolver.

A crawl process runs one crawl (spider.py), so the names refused are kept per process for its summary.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

# name -> the address it resolved to, for the names refused in this process (the crawl's summary).
REFUSED: dict[str, str] = {}


def is_public(address: str) -> bool:
    """True when `address` is a global unicast address (not loopback, private, link-local, shared, ...)."""
    try:
        return ipaddress.ip_address(address).is_global
    except ValueError:
        return False


class NotGlobalAddress(DNSLookupError):
    """A name resolved to an address the crawl may not reach (Twisted treats it as a failed lookup)."""


class GlobalOnlyResolver(CachingThreadedResolver):
    """Scrapy's default resolver (cached, IPv4) that fails names resolving to a non-global address."""

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        return super().getHostByName(name, timeout).addCallback(self._refuse_non_global, name)

    @staticmethod
    def _refuse_non_global(address: Any, name: str) -> Any:
        if not is_public(str(address)):
            REFUSED[name] = str(address)
            raise NotGlobalAddress(f"{name} resolves to {address}, which is not a global address")
        return address


def resolver_setting() -> dict[str, str]:
    """The Scrapy setting that installs `GlobalOnlyResolver` (DNS_RESOLVER is TWISTED_DNS_RESOLVER in newer Scrapy)."""
    from scrapy.settings import default_settings

    key = "TWISTED_DNS_RESOLVER" if hasattr(default_settings, "TWISTED_DNS_RESOLVER") else "DNS_RESOLVER"
    return {key: f"{__name__}.GlobalOnlyResolver"}

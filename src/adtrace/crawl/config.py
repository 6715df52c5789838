"""What a crawl does: the site profile's `crawl:` section plus command-line overrides.

The `crawl:` section of a site profile (sources/profiles/*.yaml, or a file in --profiles DIR):

    crawl:
      start_urls: ["https://example-classifieds.test/"]
      allowed_domains: [example-classifieds.test]   # nothing outside these hosts is ever fetched
      follow: ["ul.sections a@href", "nav.pager a.pager-next@href"]  # index and next-page links
      ads: ["ul.listing a.listing-link@href"]       # links to ad pages
      cookies: {over18: "1"}                         # e.g. an age-confirmation cookie
      delay: 1.0                                     # seconds between requests to one host
      user_agent: "adtrace-crawler (+contact)"
      allow_private_addresses: false                 # true only for a mirror or test server on your network
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from adtrace import errors
from adtrace.i18n import _
from adtrace.sources.profiles import selector_problem, string_list

DEFAULT_USER_AGENT = "adtrace-crawler/0.1 (authorised monitoring; see docs/monitoring.md)"


@dataclass(frozen=True)
class CrawlConfig:
    profile: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    follow: tuple[str, ...]
    ads: tuple[str, ...]
    cookies: dict[str, str] = field(default_factory=dict)
    user_agent: str = DEFAULT_USER_AGENT
    delay: float = 1.0
    autothrottle: bool = True
    timeout: float = 30.0
    retries: int = 2
    concurrency: int = 2  # per host
    max_pages: int = 0  # ad pages per run; 0: no limit
    since: str | None = None  # ISO date: ads posted before it are not stored
    warc_dir: str | None = None
    db: str | None = None
    profiles_dir: str | None = None
    region: str = "US"
    log_level: str = "WARNING"
    # Hosts resolving to loopback, private, link-local or other non-global addresses are refused unless this
    # is set (a mirror on the organisation's network, a test server): see crawl/addresses.py.
    allow_private_addresses: bool = False

    def with_(self, **changes: Any) -> CrawlConfig:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def allows(self, url: str) -> bool:
        """Only http(s) on an allowed host (or its subdomains)."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        return parts.scheme in ("http", "https") and any(
            host == d or host.endswith("." + d) for d in self.allowed_domains)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> CrawlConfig:
        for key in ("start_urls", "allowed_domains", "follow", "ads"):
            obj[key] = tuple(obj.get(key) or ())
        return cls(**obj)


def _raw_profiles(profiles_dir: str | None) -> dict[str, tuple[str, dict[str, Any]]]:
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    pkg = resources.files("adtrace.sources.profiles")
    entries: list[tuple[str, Any]] = [(e.name, e) for e in pkg.iterdir() if e.name.endswith((".yaml", ".yml"))]
    if profiles_dir:
        d = Path(profiles_dir)
        files = sorted(p for p in d.iterdir() if p.suffix in (".yaml", ".yml")) if d.is_dir() else [d]
        entries += [(str(p), p) for p in files]
    for origin, entry in entries:
        try:
            obj = yaml.safe_load(entry.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise errors.InputError.at(errors.BAD_FIELD, f"cannot read site profile ({exc})", path=origin,
                                       hint="Fix the YAML where the reason says") from None
        if isinstance(obj, dict) and obj.get("name"):
            found[str(obj["name"])] = (origin, obj)
    return found


def load(profile: str, profiles_dir: str | None = None) -> CrawlConfig:
    """The crawl configuration of a profile; a clear error when it has no usable `crawl:` section."""
    raw = _raw_profiles(profiles_dir)
    if profile not in raw:
        raise errors.InputError.at(errors.BAD_FIELD, f"no site profile named {profile!r}", field_name="profile",
                                   hint=f"Use one of: {', '.join(sorted(raw))}",
                                   cli_hint="add one with `--profiles DIR`",
                                   web_hint=_("Or ask an administrator to add a site profile"))
    origin, obj = raw[profile]
    section = obj.get("crawl")

    def bad(what: str) -> errors.InputError:
        return errors.InputError.at(errors.BAD_FIELD, what, path=origin, field_name="crawl",
                                    hint="A crawl section lists 'start_urls', 'ads' (CSS selectors of links to ad pages) "
                                    "and 'allowed_domains' (else the profile's 'hosts'), and may add 'follow', "
                                    "'cookies', 'delay', 'user_agent' and 'allow_private_addresses'")

    if not isinstance(section, dict):
        raise bad(f"profile {profile!r} has no 'crawl:' section, so it cannot be crawled")
    def strings(key: str, where: dict[str, Any] = section) -> tuple[str, ...]:
        if (found := string_list(where.get(key))) is None:
            raise bad(f"'{key}' must be a list of strings")
        return found

    def selectors(key: str) -> tuple[str, ...]:
        for s in (found := strings(key)):
            if why := selector_problem(s):
                raise bad(f"'{key}': {why}")
        return found

    starts = strings("start_urls")
    ads = selectors("ads")
    if not starts or not ads:
        raise bad("'crawl' needs 'start_urls' and 'ads' (CSS selectors of links to ad pages)")
    domains = tuple(d.lower() for d in strings("allowed_domains") or strings("hosts", obj))
    if not domains:
        raise bad("'crawl' needs 'allowed_domains' (or the profile's 'hosts')")
    cookies = section.get("cookies") or {}
    if not isinstance(cookies, dict):
        raise bad("'cookies' must map cookie names to values")
    delay = section.get("delay", 1.0)
    if not isinstance(delay, int | float) or isinstance(delay, bool) or not 0 <= delay < math.inf:
        raise bad("'delay' must be a number of seconds between requests, e.g. 1.0")
    private = section.get("allow_private_addresses", False)
    if not isinstance(private, bool):
        raise bad("'allow_private_addresses' must be true or false")
    cfg = CrawlConfig(profile=profile, start_urls=starts, allowed_domains=domains, follow=selectors("follow"), ads=ads,
                      cookies={str(k): str(v) for k, v in cookies.items()},
                      user_agent=str(section.get("user_agent") or DEFAULT_USER_AGENT),
                      delay=float(delay), profiles_dir=profiles_dir, allow_private_addresses=private)
    outside = [u for u in cfg.start_urls if not cfg.allows(u)]
    if outside:
        raise bad(f"start URL {outside[0]} is outside allowed_domains {list(domains)}")
    return cfg


@dataclass
class CrawlSummary:
    profile: str
    pages: int = 0  # responses received (listings and ads)
    ads: int = 0  # ad pages fetched
    stored: dict[str, Any] = field(default_factory=dict)  # new / updated / duplicate / rejected / alerts
    skipped_seen: int = 0  # ad links already stored by an earlier run: not fetched
    offsite: int = 0  # links outside allowed_domains: not fetched
    failed: int = 0  # timeouts, connection errors, HTTP errors (retried next run)
    no_document: int = 0  # ad pages without an ad body (malformed, removed)
    older: int = 0  # ads posted before --since
    robots_denied: int = 0
    refused_address: int = 0  # requests to a host resolving to a non-global address (allow_private_addresses)
    failures: list[str] = field(default_factory=list)
    warc: str | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

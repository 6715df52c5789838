"""Site profiles: which CSS selectors hold an ad's title, body, date, place and images on one site.

A profile is a YAML file (see docs/storage.md). Built-in profiles ship beside this module; more are
loaded with `adtrace ingest --profiles DIR`. A page is matched by the host of its URL, else by a
marker element in the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from adtrace import errors
from adtrace.i18n import _
from adtrace.sources.profiles import linear

FIELDS = ("url", "id", "title", "body", "date", "location", "images", "author")


@dataclass(frozen=True)
class Profile:
    name: str
    source: str
    kind: str
    hosts: tuple[str, ...]
    markers: tuple[str, ...]  # CSS selectors; a page holding any of them matches
    selectors: dict[str, str]  # field -> "css" (text) or "css@attr"
    patterns: dict[str, str] = field(default_factory=dict)  # field -> regex; group 1 is the value

    def matches_host(self, host: str) -> bool:
        host = host.lower()
        return any(host == h or host.endswith("." + h) for h in self.hosts)


_PROFILES: dict[str, Profile] = {}
_EMPTY = LexborHTMLParser("")  # selectors are parsed against it when a profile is read
_loaded = False
_BUILTIN: set[str] = set()  # names of the profiles shipped in this folder


def string_list(value: Any) -> tuple[str, ...] | None:
    """A YAML list of strings (one string alone is a list of one; absent is empty), or None for anything else."""
    value = value or ()
    if isinstance(value, str):  # one host or marker written without brackets
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str | int | float) for v in value):
        return None
    return tuple(str(v) for v in value)


def selector_problem(selector: Any, *, attr: bool = True) -> str | None:
    """Why `selector` is no CSS selector lexbor parses ("css" or, with `attr`, "css@attribute"), else None.
    Checked when a profile is read: such a selector would fail on every page the profile reads."""
    if not isinstance(selector, str) or not (query := selector.partition("@")[0] if attr else selector).strip():
        return _("must be a CSS selector (text), optionally ending in @attribute") if attr else \
            _("must be a CSS selector (text)")
    try:
        _EMPTY.css_first(query)
    except SelectolaxError:
        return _("%(selector)r is not a CSS selector lexbor can parse") % {"selector": selector[:60]}
    return None


def parse_profile(obj: Any, origin: str) -> Profile:
    def bad(what: str) -> errors.InputError:
        return errors.InputError.at(errors.BAD_FIELD, what, path=origin,
                                    hint=_("A site profile is a mapping with a 'name', 'hosts' or 'markers', and "
                                           "'selectors' (CSS, optionally 'selector@attribute'; 'body' required)"))

    def strings(key: str) -> tuple[str, ...]:
        if (found := string_list(obj.get(key))) is None:
            raise bad(_("'%(key)s' must be a list of strings") % {"key": key})
        return found

    def css(selector: Any, where: str, attr: bool = True) -> str:
        if why := selector_problem(selector, attr=attr):
            raise bad(_("%(where)s %(why)s") % {"where": where, "why": why})
        return str(selector)

    if not isinstance(obj, dict) or not obj.get("name"):
        raise bad(_("a site profile must be a mapping with a 'name'"))
    sel = obj.get("selectors") or {}
    if not isinstance(sel, dict) or "body" not in sel:
        raise bad(_("'selectors' must map fields to CSS selectors and include 'body'"))
    unknown = set(map(str, sel)) - set(FIELDS)
    if unknown:
        raise bad(_("unknown selector fields %(fields)s; use %(known)s")
                  % {"fields": sorted(unknown), "known": ", ".join(FIELDS)})
    sel = {str(k): css(v, _("selector '%(name)s'") % {"name": k}) for k, v in sel.items()}
    hosts = tuple(h.lower() for h in strings("hosts"))
    markers = tuple(css(m, _("marker"), attr=False) for m in strings("markers"))
    if not hosts and not markers:
        raise bad(_("a site profile needs 'hosts' or 'markers' to match pages"))
    if not isinstance(obj.get("patterns") or {}, dict):
        raise bad(_("'patterns' must map fields to regular expressions"))
    patterns = {str(k): str(v) for k, v in (obj.get("patterns") or {}).items()}
    for name, pattern in patterns.items():
        try:
            re.compile(pattern)
        except re.error as exc:
            raise bad(_("pattern for '%(name)s' is not a regular expression (%(why)s)") % {"name": name, "why": exc}) \
                from None
        try:  # it runs on RE2, in time linear in the page (profiles/linear.py)
            linear.compile_pattern(pattern)
        except linear.Refused as exc:
            raise bad(_("pattern for '%(name)s' cannot run in time linear in the page (%(why)s): patterns run on "
                        "RE2, which has no back-references, look-arounds or \\b; write \\W, \\D or \\S outside "
                        "[...] (or list the characters)") % {"name": name, "why": exc}) from None
    return Profile(name=str(obj["name"]), source=str(obj.get("source") or obj["name"]),
                   kind=str(obj.get("kind") or "ad"), hosts=hosts, markers=markers,
                   selectors=sel, patterns=patterns)


def register(profile: Profile) -> None:
    if profile.name in _PROFILES:
        raise errors.RegistryError(message=f"a site profile named '{profile.name}' is already loaded",
                                   detail={"name": profile.name})
    _PROFILES[profile.name] = profile


def ensure(extra: tuple[Profile, ...]) -> None:
    """Register the profiles another process loaded and this one lacks (an engine's worker reading with the
    driver's options). The driver's copy wins over an older one of the same name left by an earlier run on a
    long-lived worker (a profile edited between runs); a built-in profile's name stays refused, as on the driver."""
    _load_builtins()
    for profile in extra:
        if _PROFILES.get(profile.name) != profile:
            if profile.name in _PROFILES and profile.name not in _BUILTIN:
                del _PROFILES[profile.name]
            register(profile)


def _load_builtins() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")):
            profile = parse_profile(yaml.safe_load(entry.read_text(encoding="utf-8")), entry.name)
            register(profile)
            _BUILTIN.add(profile.name)


def load_extra(path: Path) -> list[Profile]:
    """Load a profile file, or every .yaml/.yml file in a folder."""
    _load_builtins()
    files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")) if path.is_dir() else [path]
    out = []
    for f in files:
        try:
            obj = yaml.safe_load(f.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise errors.InputError.at(errors.BAD_FIELD, _("cannot read site profile (%(why)s)") % {"why": exc},
                                       path=str(f), hint=_("Fix the YAML where the reason says")) from None
        profile = parse_profile(obj, str(f))
        register(profile)
        out.append(profile)
    return out


def profiles() -> list[Profile]:
    _load_builtins()
    return list(_PROFILES.values())


def url_from_path(path: str) -> str | None:
    """A page saved under a folder named after its host (as `adtrace synth --html` and wget -r do)."""
    parts = Path(path).absolute().parts
    for i, part in enumerate(parts):
        if any(p.matches_host(part) for p in profiles()):
            return "https://" + "/".join((part, *parts[i + 1:]))
    return None


def for_host(url: str | None) -> Profile | None:
    host = urlsplit(url).hostname if url else None
    if not host:
        return None
    return next((p for p in profiles() if p.matches_host(host)), None)

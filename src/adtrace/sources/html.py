"""HTML pages -> Documents, through the site profile that matches each page (selectolax parses)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import IO, Any
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from adtrace import errors
from adtrace.documents import Document
from adtrace.i18n import _
from adtrace.sources.base import DAMAGED, Item, Options, ReadError, damaged
from adtrace.sources.pageshape import check_page
from adtrace.sources.profiles import Profile, ensure, for_host, profiles, url_from_path
from adtrace.sources.profiles.linear import compile_pattern


def read_html(fh: IO[bytes], path: str, opts: Options) -> Iterator[Item]:
    """One file, one page. A page no profile matches is rejected with a hint."""
    try:
        raw = fh.read(opts.max_line_bytes + 1)
    except DAMAGED as exc:
        yield ReadError(path, 1, damaged(path, None, exc))
        return
    if len(raw) > opts.max_line_bytes:
        err = errors.InputError.at(errors.LINE_TOO_LONG, _("page is larger than %(n)s bytes")
                                   % {"n": f"{opts.max_line_bytes:,}"}, path=path,
                                   hint=_("Raise the limit or drop the page"))
        yield ReadError(path, 1, err)
        return
    try:
        doc = page_document(raw, None, opts, path=path)
    except errors.InputError as err:
        yield ReadError(path, 1, err)
        return
    if doc is not None:
        yield doc


def page_document(raw: bytes, url: str | None, opts: Options, *, path: str, strict: bool = True) -> Document | None:
    """The Document in one page, or None when `strict` is off and no profile (or no body) fits.
    A page nested too deeply for the parser to finish in bounded time raises AT122 (sources.pageshape)."""
    check_page(raw, path)
    ensure(opts.profiles)
    tree = HTMLParser(raw)
    url = (url or _attr(tree, 'link[rel="canonical"]', "href") or _attr(tree, 'meta[property="og:url"]', "content")
           or url_from_path(path))
    by_host = for_host(url)
    profile = by_host or _by_marker(tree)
    if profile is None:
        if not strict:
            return None
        raise errors.InputError.at(errors.UNKNOWN_FORMAT, _("no site profile matches this page"), path=path,
                                   hint=_("Add a profile for the site: its hosts and the CSS selector of its ad text"), cli_hint="add one with `--profiles DIR`")
    fields = extract(tree, profile, url)
    if not fields.get("text"):
        if not strict or by_host is not None:
            return None  # a listing or index page of a known site: not an ad
        raise errors.InputError.at(errors.MISSING_FIELD, _("profile '%(name)s' found no ad body") % {"name": profile.name},
                                   path=path, field_name="text", hint=_("Check the profile's 'body' selector"))
    fields["source"] = opts.source or profile.source
    fields["kind"] = opts.kind or profile.kind
    return Document.from_dict(fields, path=path)


def extract(tree: HTMLParser, profile: Profile, url: str | None) -> dict[str, Any]:
    sel = profile.selectors
    out: dict[str, Any] = {}
    own_url = _select(tree, sel["url"]) if "url" in sel else None
    url = own_url or url
    if url:
        out["url"] = url
    for field, name in (("id", "id"), ("title", "title"), ("body", "text"), ("location", "location"),
                        ("author", "author")):
        if field in sel and (value := _select(tree, sel[field], multiline=field == "body")):
            if field in profile.patterns:
                m = _pattern(profile.patterns[field]).search(value)  # RE2: linear in the page
                value = (m.group(1) if m.groups() else m.group(0)) if m else None
            if value:
                out[name] = value
    if "date" in sel and (date := _select(tree, sel["date"])):
        out["posted_at" if _is_iso(date) else "date_raw"] = date  # unknown formats are kept under meta
    if "images" in sel:
        css, _, attr = sel["images"].partition("@")
        imgs = [n.attributes.get(attr or "src") for n in tree.css(css)]
        out["images"] = [{"url": urljoin(url or "", i)} for i in imgs if i]
    out["meta"] = {"profile": profile.name}
    return out


@functools.lru_cache(maxsize=256)
def _pattern(pattern: str) -> Any:
    """A profile's pattern on RE2 (checked when the profile was read), compiled once per process."""
    return compile_pattern(pattern)


def _select(tree: HTMLParser, selector: str, multiline: bool = False) -> str | None:
    css, _, attr = selector.partition("@")
    node = tree.css_first(css)
    if node is None:
        return None
    value = node.attributes.get(attr) if attr else _text(node, multiline)
    return value.strip() or None if value else None


def _text(node: Node, multiline: bool) -> str:
    if not multiline:
        return " ".join(node.text(deep=True).split())
    lines = (" ".join(line.split()) for line in node.text(deep=True, separator="\n").splitlines())
    return "\n".join(line for line in lines if line)


def _attr(tree: HTMLParser, css: str, attr: str) -> str | None:
    node = tree.css_first(css)
    return node.attributes.get(attr) if node is not None else None


def _by_marker(tree: HTMLParser) -> Profile | None:
    return next((p for p in profiles() if any(tree.css_first(m) is not None for m in p.markers)), None)


def _is_iso(value: str) -> bool:
    from datetime import datetime

    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False

"""Render classified documents as two fictitious sites with different layouts (for crawler/HTML ingest).

Each ad page lives at its URL's path under DIR/<domain>/; listing pages (50 ads each, with "next"
links) and an index per section, plus robots.txt. Only the two classified sites are rendered; social
posts, job-board and review-board documents have no pages. Selectors are listed in docs/synth.md.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from adtrace.synth.vocab import SITE_A, SITE_B

PER_PAGE = 50
_ROBOTS = "User-agent: *\nDisallow: /account/\nDisallow: /post/\nCrawl-delay: 1\n"


def _img(images: list[dict[str, Any]]) -> list[str]:
    return [str(i.get("path") or i.get("url")) for i in images]


def page_a(doc: dict[str, Any]) -> str:
    t = escape(doc.get("title") or "")
    body = "<br>\n".join(escape(line) for line in doc["text"].split("\n"))
    imgs = "".join(f'<img class="post-image" src="{escape(s)}" alt="">' for s in _img(doc.get("images", [])))
    return (
        f'<!doctype html>\n<html lang="{doc.get("lang", "en")}"><head><meta charset="utf-8">'
        f'<title>{t} | ExampleList</title><link rel="stylesheet" href="/static/site.css"></head>\n<body>'
        f'<header class="site-header"><a href="/">ExampleList</a></header>\n<main>'
        f'<article class="post" data-id="{escape(doc["id"])}">\n<h1 class="post-title">{t}</h1>\n'
        f'<div class="post-meta"><time class="post-date" datetime="{doc["posted_at"]}">'
        f'{doc["posted_at"][:10]}</time> · <span class="post-location">{escape(doc.get("location") or "")}'
        f'</span> · <span class="post-author">{escape(doc.get("author") or "")}</span></div>\n'
        f'<div class="post-body">{body}</div>\n<div class="post-gallery">{imgs}</div>\n'
        f"</article></main></body></html>\n"
    )


def page_b(doc: dict[str, Any]) -> str:
    paras = "".join(f"<p>{escape(line)}</p>" for line in doc["text"].split("\n"))
    imgs = "".join(f'<li><img data-src="{escape(s)}" src="/img/blank.gif"></li>'
                   for s in _img(doc.get("images", [])))
    when = doc["posted_at"][:16].replace("T", " ")
    return (
        f'<html><head><meta charset="utf-8"><title>CityBoard - {escape(doc.get("title") or "")}</title></head>\n'
        f'<body><div id="wrap"><div class="adHeader"><h2 id="adTitle">{escape(doc.get("title") or "")}</h2>'
        f'</div>\n<table class="adInfo"><tr><th>Posted:</th><td class="adDate">{when}</td></tr>'
        f'<tr><th>Location:</th><td class="adLoc">{escape(doc.get("location") or "")}</td></tr>'
        f'<tr><th>Poster:</th><td class="adUser">{escape(doc.get("author") or "")}</td></tr></table>\n'
        f'<section id="adText">{paras}</section>\n<ul class="adPics">{imgs}</ul>\n'
        f'<span class="adId">Ad #{escape(doc["id"])}</span></div></body></html>\n'
    )


class Sites:
    """Streams pages: an ad page per document, listing pages flushed as they fill (bounded memory)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pending: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {}
        self.pages: dict[tuple[str, str], int] = {}
        self.written = 0
        self._dirs: set[Path] = set()
        for _, domain in (SITE_A, SITE_B):
            (root / domain).mkdir(parents=True, exist_ok=True)
            (root / domain / "robots.txt").write_text(_ROBOTS)

    def add(self, doc: dict[str, Any]) -> None:
        src = doc["source"]
        if src not in (SITE_A[0], SITE_B[0]):
            return
        domain, _, path = doc["url"].removeprefix("https://").partition("/")
        self._write(domain, path, page_a(doc) if src == SITE_A[0] else page_b(doc))
        section = path.split("/")[1 if src == SITE_A[0] else 0]
        key = (domain, section)
        items = self.pending.setdefault(key, [])
        if len(items) >= PER_PAGE:  # a next page exists now, so this one can link to it
            self._listing(key, items, more=True)
            items.clear()
        items.append(("/" + path, doc.get("title") or "", doc["posted_at"][:10], doc.get("location") or ""))

    def close(self) -> int:
        for key, items in self.pending.items():
            self._listing(key, items, more=False)
        for _, domain in (SITE_A, SITE_B):
            sections = sorted(s for d, s in self.pages if d == domain)
            links = "".join(f'<li><a href="{self._list_href(domain, s, 1)}">{escape(s)}</a></li>' for s in sections)
            self._write(domain, "index.html", f'<html><head><meta charset="utf-8"><title>{domain}</title></head>'
                        f'<body><ul class="sections">{links}</ul></body></html>\n')
        return self.written

    def _list_href(self, domain: str, section: str, k: int) -> str:
        return f"/list/{section}/{k}.html" if domain == SITE_A[1] else f"/browse/{section}/page{k}.html"

    def _listing(self, key: tuple[str, str], items: list[tuple[str, str, str, str]], more: bool) -> None:
        domain, section = key
        k = self.pages.get(key, 0) + 1
        self.pages[key] = k
        nxt = self._list_href(domain, section, k + 1)
        if domain == SITE_A[1]:
            rows = "".join(f'<li class="listing-item"><a class="listing-link" href="{escape(h)}">{escape(t)}</a>'
                           f' <span class="listing-date">{d}</span></li>' for h, t, d, _ in items)
            pager = f'<nav class="pager"><a class="pager-next" rel="next" href="{nxt}">Next</a></nav>' if more else ""
            html = f'<html><body><ul class="listing">{rows}</ul>{pager}</body></html>\n'
        else:
            rows = "".join(f'<tr class="result"><td><a class="result-title" href="{escape(h)}">{escape(t)}</a></td>'
                           f"<td>{d}</td><td>{escape(loc)}</td></tr>" for h, t, d, loc in items)
            pager = f'<div class="paging"><a class="next" href="{nxt}">&raquo;</a></div>' if more else ""
            html = f'<html><body><table id="results">{rows}</table>{pager}</body></html>\n'
        self._write(domain, self._list_href(domain, section, k).lstrip("/"), html)

    def _write(self, domain: str, path: str, html: str) -> None:
        target = self.root / domain / path
        if target.parent not in self._dirs:  # a few hundred city/section folders: remember them
            target.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(target.parent)
        target.write_text(html, encoding="utf-8")
        self.written += 1

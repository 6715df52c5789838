"""Search with facets: storage's search API behind a form; facet values are one-click filters.

The box knows identifiers: a phone, e-mail, handle or payment tag typed in any form ("+1 702…",
"(702) 555-…", "702.555…", "name at domain dot com", "IG @name", "$tag") is found by the same
extractors that read the ads, normalised as the index stores it, and opens its entity page (payment
tags, which have none, become a visible filter). Words that hold no identifier search the text.
"""

from __future__ import annotations

import io
import re
from functools import cache
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape

from adtrace.app.auth import Ctx, require
from adtrace.app.data.cases import check_unmasked
from adtrace.app.data.search import FILTERS, PAGE, run_search
from adtrace.app.downloads import attachment
from adtrace.app.pages.cases import open_cases
from adtrace.app.pages.render import render
from adtrace.i18n import N_, get_locale, gettext
from adtrace.storage import audit
from adtrace.storage.search import fold

router = APIRouter()
# Facet headings: places say where they came from (a phone's area code is weaker evidence than a name).
# Marked for translation (adtrace.i18n); the template shows them in the reader's language (`|term`).
FACET_TITLES = {"source": N_("source"), "kind": N_("kind"), "indicator": N_("indicator"),
                "risk_level": N_("risk level"), "city": N_("city (named in the ad)"),
                "state": N_("state / province (named)"), "phone_area": N_("place of phone area code")}
# Words that may stand beside an identifier in the box and still mean "this identifier".
LABELS = frozenset({"call", "text", "txt", "phone", "tel", "cell", "mobile", "email", "e-mail", "mail", "handle",
                    "snap", "snapchat", "sc", "ig", "insta", "instagram", "kik", "telegram", "tg", "whatsapp", "wa",
                    "twitter", "x", "tiktok", "onlyfans", "of", "cashapp", "cash", "app", "venmo", "zelle",
                    "paypal", "chime", "applepay"})
KINDS = {"phones": "phone", "emails": "email", "handles": "handle", "payments": "payment"}


def recognise(q: str) -> tuple[str, str] | None:
    """(kind, value as the index stores it) when the query is one identifier, else None."""
    from adtrace.documents import Document
    from adtrace.pipeline import extract
    from adtrace.storage.prepare import normalise_lookup

    q = q.strip()
    if not q or len(q) > 200 or q.startswith('"'):
        return None
    record = extract(Document(id="query", text=q))
    found = [(int(e["span"][1]) - int(e["span"][0]), kind, e) for name, kind in KINDS.items()
             for e in record.get(name) or [] if isinstance(e, dict) and e.get("span") and not e.get("field")]
    if not found:
        return None
    _length, kind, ent = max(found, key=lambda f: f[0])
    a, b = int(ent["span"][0]), int(ent["span"][1])
    rest = re.findall(r"[\w-]+", (q[:a] + " " + q[b:]).lower())
    if any(w not in LABELS for w in rest):
        return None  # words beside the identifier: a text search
    value = normalise_lookup(kind, str(ent["value"]))
    return (kind, value) if value else None


SORT_LABELS = {"relevance": N_("relevance"), "newest": N_("newest first"), "score": N_("risk score")}
CSV_ROWS = 5000  # a result set exported as CSV: the first this many, newest first


def highlight(snippet: str, q: str) -> Markup:
    """The snippet (cut from the decoded text: entities read as characters) escaped, the query's words and
    phrases marked. Decoded once, by the store: decoding again would read "&amp;lt;" as "<". Words match with
    accents folded as the index folds them (`cafe` found "café", so it marks "café"): the pattern runs over the
    folded snippet, which keeps every offset, and each mark cuts the snippet as written."""
    words = [fold(w.strip('"*')) for w in re.findall(r'"[^"]+"|\S+', q)]
    words = [w for w in words if len(w) >= 2 and w.upper() not in ("AND", "OR", "NOT")]
    if not words:
        return Markup(escape(snippet))
    pattern = re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))
    out, pos = [], 0
    for m in pattern.finditer(fold(snippet)):
        out += [escape(snippet[pos:m.start()]), Markup('<mark class="q">{}</mark>').format(snippet[m.start():m.end()])]
        pos = m.end()
    out.append(escape(snippet[pos:]))
    return Markup("").join(out)


def facet_label(name: str, value: str) -> str:
    """What a facet value means in words, in the reader's language: an indicator's description
    (shortened), not its id; a level or kind translated; a place as the gazetteer names it; a source as it is."""
    return _facet_label(name, value, get_locale())


@cache  # per language: the same value reads differently in each
def _facet_label(name: str, value: str, locale: str) -> str:
    if name in ("risk_level", "kind"):
        return gettext(value)
    if name in PLACE_KINDS:
        return _place_name(value, PLACE_KINDS[name])
    if name != "indicator":
        return value
    from adtrace.indicators.wording import name as indicator_name

    return indicator_name(value)


# The place facets keep names lower-cased (the filter matches any case); shown, they read as the places are named.
PLACE_KINDS: dict[str, str | None] = {"city": "city", "state": "admin", "phone_area": None}


def _place_name(value: str, kind: str | None) -> str:
    """"albuquerque" -> "Albuquerque": the gazetteer's name when it folds to the value (an alternate name
    such as "nyc" stays as it is rather than becoming another name); else the value."""
    from adtrace.places.gazetteer import fold, lookup

    place = lookup(value, kind=kind)
    return place.name if place is not None and fold(place.name) == fold(value) else value


@router.get("/search")
def search_page(request: Request, ctx: Ctx = Depends(require("documents"))) -> Response:
    params = {k: v for k, v in request.query_params.items() if v}
    active = {k: params[k] for k in FILTERS if k in params}
    partial = bool(request.headers.get("hx-request"))
    if not params.get("q") and not active:  # an htmx swap gets the results part only, never a page
        return render(request, "_results.html" if partial else "search.html",
                      {"params": params, "result": None, "active": {}, "sorts": SORT_LABELS,
                       "sort": params.get("sort", "relevance")})
    recognised = recognise(params["q"]) if params.get("q") and not active else None
    if recognised and recognised[0] != "payment":
        kind, value = recognised
        audit.append(request.app.state.adtrace.engine, ctx.user.username, "search", "",
                     {"q": params["q"], "recognised": f"{kind}:{value}"})
        url = f"/entities/{kind}/{quote(value, safe='')}?" + urlencode({"searched": params["q"]})
        if partial:
            return Response(status_code=200, headers={"HX-Redirect": url})
        return RedirectResponse(url, status_code=303)
    if recognised:  # a payment tag: the filter, shown as a chip, in place of a text search
        params = {k: v for k, v in params.items() if k != "q"} | {"payment": recognised[1]}
        active = {"payment": recognised[1]}
    q, result = run_search(request, ctx, params)

    def link(**change: str | None) -> str:
        merged = {**params, **change}
        merged.pop("page", None)
        return "/search?" + urlencode({k: v for k, v in merged.items() if v})

    page = q.offset // PAGE + 1
    pages = {"prev": f"{link()}&page={page - 1}" if page > 1 else None,
             "next": f"{link()}&page={page + 1}" if q.offset + PAGE < result.total else None}
    template = "_results.html" if partial else "search.html"
    return render(request, template, {"params": params, "result": result, "active": active, "link": link,
                                      "page": page, "pages": pages, "recognised": recognised,
                                      "open_cases": open_cases(request, ctx), "highlight": highlight,
                                      "facet_label": facet_label, "csv_link": link().replace("/search?", "/search.csv?", 1),
                                      "facet_param": {"risk_level": "risk_level", "city": "city"},
                                      "sort": q.sort, "sorts": SORT_LABELS, "facet_titles": FACET_TITLES})


@router.get("/search.csv")
def search_csv(request: Request, full: bool = False, ctx: Ctx = Depends(require("export"))) -> Response:
    """The result set (first CSV_ROWS, as the page orders it) as CSV; audited as an export. Titles have their
    identifiers masked as in case exports unless an admin asks for `full=1`."""
    from adtrace.cases.redaction import Masker
    from adtrace.documents import spreadsheet

    check_unmasked(ctx, full)
    params = {k: v for k, v in request.query_params.items() if v and k not in ("page", "full")}
    q, result = run_search(request, ctx, params, facets=(), limit=CSV_ROWS)
    store, masker = request.app.state.adtrace.store, Masker(not full)

    def title(doc_id: str, raw: str) -> str:
        if full or not raw:  # nothing to mask: no reads
            return raw
        doc = store.get_document(doc_id)
        return raw if doc is None else masker.document(store.get_record(doc_id) or {}, doc)[0]

    buf = io.StringIO()
    w = spreadsheet.writer(buf)  # every cell guarded against formulas (ad text is hostile)
    w.writerow(["doc_id", "posted_at", "source", "kind", "location", "risk_score", "risk_level", "title"])
    for h in result.hits:
        w.writerow([h.id, h.posted_at or "", h.source, h.kind, h.location or "",
                    "" if h.risk_score is None else h.risk_score, h.risk_level or "", title(h.id, h.title or "")])
    audit.append(request.app.state.adtrace.engine, ctx.user.username, "export", "search.csv",
                 {"q": q.text, **{k: params[k] for k in FILTERS if params.get(k)}, "rows": len(result.hits),
                  "redacted": not full})
    return attachment(buf.getvalue(), "text/csv; charset=utf-8", "adtrace-search.csv")

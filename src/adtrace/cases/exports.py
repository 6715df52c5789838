"""A case leaves the app as a versioned JSON bundle, a CSV of its documents, or a PDF report.

Exports redact by default: phones, e-mails, handles, payment handles and names of the people in the
ads (likely victims) become `[phone 3fa9c1]`, each field masked on its own spans (`cases.redaction`:
how the ad is quoted faithfully). The same value gets the same mask within one export, so an
investigator still sees which ads share a number, but the masks mean nothing outside it.
Photos (faces) are never exported; only their count. An admin may export in full; the caller audits.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from adtrace import __version__, i18n
from adtrace.cases.cases import Case, document_ids
from adtrace.cases.redaction import MASKED_FIELDS, Masker
from adtrace.documents import Document, spreadsheet
from adtrace.i18n import N_
from adtrace.indicators.wording import explain  # the words analysts see on document pages
from adtrace.indicators.wording import name as indicator_name
from adtrace.linking import store as link_store
from adtrace.places import movement as mv
from adtrace.places.hotlines import hotline_for_records
from adtrace.storage import Store, casebook, db
from adtrace.storage.db import engine_of
from adtrace.storage.prepare import normalise_date
from adtrace.text.charrefs import unescape

BUNDLE_FORMAT = "adtrace.case-bundle"
BUNDLE_VERSION = 1
# English in the JSON bundle; the PDF shows it in the reader's language (report.html, `|term`).
NOTICE = N_("Flags mean indicators are present in the text, never a verdict on a person. People advertised "
            "in these ads may be victims of trafficking; minors in ads are victims.")
MAX_DOCS = 2000  # a report beyond this is unreadable; the bundle says when it was cut


def _prime(masker: Masker, store: Store, ids: list[str], records: list[dict[str, Any]]) -> None:
    """Learn every identifier first, so evidence quoted before its ad, and notes, are masked too."""
    if not masker.enabled:
        return
    for doc_id, rec in zip(ids, records, strict=True):
        doc = store.get_document(doc_id)
        masker.learn(rec, doc.full_text if doc else "")


def _explain(record: dict[str, Any], full_text: str, masker: Masker) -> list[dict[str, Any]]:
    out = []
    for e, ind in zip(explain(record), record.get("indicators") or [], strict=True):
        quoted = [masker.evidence(record, full_text, ev.get("span"), str(ev.get("text", "")))
                  for ev in ind.get("evidence") or []]
        out.append({"id": e.id, "name": indicator_name(e.id), "category": e.category, "weight": e.weight, "meaning": e.meaning,
                    "category_words": e.category_words, "evidence": quoted,
                    "research": {"status": e.status, "finding": e.finding, "citation": e.citation}})
    return out


def _doc_entry(store: Store, doc_id: str, cluster_of: dict[str, str], masker: Masker) -> dict[str, Any] | None:
    doc = store.get_document(doc_id)
    if doc is None:
        return None
    return document_entry(doc, store.get_record(doc_id) or {}, cluster_of.get(doc.id), masker)


def document_entry(doc: Document, rec: dict[str, Any], cluster: str | None, masker: Masker) -> dict[str, Any]:
    """One ad as exported: title and text each masked on its own spans (never the URL's)."""
    risk = rec.get("risk") or {}
    place = mv.place_of(rec)
    url = doc.url
    if masker.enabled and url:
        url = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/…"  # the path often names the person
    inds = _explain(rec, doc.full_text, masker)
    title, text = masker.record_fields(rec, doc.title, doc.text)
    idents = {name: sorted({masker.mask(name[:-1], str(e.get("value", "")) if isinstance(e, dict) else str(e))
                            for e in rec.get(name) or []}) for name in MASKED_FIELDS}
    return {"id": doc.id, "source": doc.source, "kind": doc.kind, "url": url, "posted_at": doc.posted_at,
            "location": doc.location, "city": place.get("name") if place else None,
            "lat": place.get("lat") if place else None, "lon": place.get("lon") if place else None,
            "cluster": cluster, "title": title, "text": text,
            "risk": {"score": risk.get("score"), "level": risk.get("level"), "reasons": risk.get("reasons") or []},
            "indicators": inds, "identifiers": idents, "images": len(doc.images or []),
            "images_note": "photos are not exported" if doc.images else ""}


# Slot kinds that hold an identifier of the person in the ad: masked whole, even where never learnt.
_IDENTIFIER_SLOTS = {"name", "phone", "email", "handle", "payment"}


def _template(store: Store, summary: dict[str, Any], masker: Masker) -> dict[str, Any] | None:
    """The cluster's template (`linking.consensus`): common wording, slots, each ad's slot values,
    masked by the rules of the rest of the export."""
    from adtrace.linking.consensus import summary_template

    def fetch(d: str) -> tuple[str, dict[str, Any]] | None:
        doc = store.get_document(d)
        if doc is None:
            return None
        rec = store.get_record(d) or {}
        masker.learn(rec, doc.full_text)  # an ad outside the case's documents: its identifiers too
        return doc.full_text, rec

    cons = summary_template(summary, fetch)
    if cons is None or not masker.enabled:
        return cons
    kinds = {sl["slot"]: sl["kind"] for sl in cons["slots"]}

    def value(slot: str, v: str) -> str:
        kind = kinds.get(int(slot), "text")
        if kind == "place":  # a place the record resolved ("Austin") is not a given name to guess at
            return masker.apply(v, masker.spans(v, guess_names=False))
        out = masker.field(v)
        return masker.mask(kind, v) if out == v and kind in _IDENTIFIER_SLOTS else out

    cons["parts"] = [{**p, "text": masker.field(p["text"])} if "text" in p else p for p in cons["parts"]]
    for ad in cons["ads"]:
        ad["values"] = {k: value(k, v) for k, v in ad["values"].items()}
    return cons


def _clusters(store: Store, ids: list[str], masker: Masker) -> list[dict[str, Any]]:
    engine = engine_of(store)
    out = []
    for cid in ids:
        s = link_store.summary(engine, cid)
        if s is None:
            continue
        template = _template(store, s, masker)
        s = {k: v for k, v in s.items() if k != "edges"}
        s["template"] = template
        for name, kind in (("phones", "phone"), ("emails", "email"), ("handles", "handle"), ("names", "name")):
            s[name] = {masker.mask(kind, k): n for k, n in (s.get(name) or {}).items()}
        for ind in s.get("cluster_indicators") or []:
            ind["evidence"] = [{"text": masker.field(str(e.get("text", "")))} for e in ind.get("evidence") or []]
        out.append(s)
    return out


def bundle(store: Store, case: Case, *, actor: str, redact: bool = True) -> dict[str, Any]:
    """The case with its documents, clusters, route and timeline, as one JSON-ready dict."""
    engine = engine_of(store)
    masker = Masker(redact)
    ids = document_ids(engine, case)
    cut = len(ids) > MAX_DOCS
    ids = ids[:MAX_DOCS]
    records = [store.get_record(d) or {} for d in ids]
    _prime(masker, store, ids, records)
    with db.read(engine) as conn:
        cluster_of = casebook.case_cluster_members(conn, case.id)
    docs = [e for e in (_doc_entry(store, d, cluster_of, masker) for d in ids) if e is not None]
    # In time (UTC), as the store's posted_at column sorts: pages write dates with and without a zone.
    docs.sort(key=lambda e: (normalise_date(e["posted_at"]) or "", e["id"]))
    posted = {e["id"]: e["posted_at"] for e in docs}
    sightings = [s for d, r in zip(ids, records, strict=True) if (s := mv.sighting(d, posted.get(d), r))]
    route = mv.movement(sightings)
    entities = [masker.mask(r.partition(":")[0], r.partition(":")[2]) for r in case.refs("entity")]
    hotline = hotline_for_records(records)  # the country most of the case's ads point to (places.hotlines)
    return {
        "format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "adtrace": __version__,
        "generated_at": db.now(), "generated_by": actor,
        "redacted": redact, "truncated": cut, "notice": NOTICE,
        "hotline": hotline.line(), "hotline_entry": hotline.public(),
        "case": {"id": case.id, "title": masker.analyst(case.title), "status": case.status, "assignee": case.assignee,
                 "created_by": case.created_by, "created_at": case.created_at, "updated_at": case.updated_at,
                 "notes": [{"author": n.author, "at": n.at, "text": masker.analyst(n.text)} for n in case.notes],
                 "items": [{"kind": i.kind, "ref": masker.mask(i.ref.partition(":")[0], i.ref.partition(":")[2])
                            if i.kind == "entity" else i.ref, "note": masker.analyst(i.note), "added_by": i.added_by,
                            "added_at": i.added_at} for i in case.items]},
        "entities": entities, "clusters": _clusters(store, case.refs("cluster"), masker),
        "documents": docs, "route": route,
        "timeline": [{"posted_at": d["posted_at"], "doc_id": d["id"], "city": d["city"],
                      "risk_level": d["risk"]["level"]} for d in docs],
    }


CSV_FIELDS = ("doc_id", "posted_at", "source", "city", "location", "cluster", "risk_score", "risk_level",
              "indicators", "indicator_ids", "phones", "emails", "handles", "names", "title")


def to_csv(data: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = spreadsheet.writer(buf)
    w.writerow(CSV_FIELDS)
    for d in data["documents"]:
        w.writerow([d["id"], d["posted_at"] or "", d["source"], d["city"] or "", d["location"] or "",
                    d["cluster"] or "", d["risk"]["score"] if d["risk"]["score"] is not None else "",
                    # Names for people (in the export's language), ids for scripts (the column held ids before).
                    d["risk"]["level"] or "", "; ".join(i.get("name") or i["id"] for i in d["indicators"]),
                    " ".join(i["id"] for i in d["indicators"]),
                    *(" ".join(d["identifiers"][k]) for k in ("phones", "emails", "handles", "names")),
                    d["title"]])
    return buf.getvalue()


def to_pdf(data: dict[str, Any]) -> bytes:
    """The report: summary, route map (inline SVG), timeline, evidence with indicator explanations."""
    import jinja2

    from adtrace.places.mapsvg import route_svg

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    i18n.install(env)  # the report reads in the current language (the request's; English elsewhere)
    env.filters["chars"] = unescape  # (adtrace.text.charrefs: never raises) scraped `&amp;` reads as "&"; a plain str, so autoescape still applies
    template = env.from_string(resources.files("adtrace.cases").joinpath("report.html").read_text("utf-8"))
    stops = (data.get("route") or {}).get("stops") or []
    fonts = report_fonts()
    html = template.render(d=data, map_svg=route_svg(stops) if stops else "", fonts=fonts)
    return render_pdf(html, own=frozenset(v for v in fonts.values() if v.startswith("file:")))


def render_pdf(html: str, own: frozenset[str] = frozenset()) -> bytes:
    """HTML to PDF, fetching nothing but `data:` URIs and the `own` URLs (the shipped fonts).

    WeasyPrint's default fetcher follows every URL the HTML or its CSS names (`img src`, `link href`,
    `url()` in a style attribute; `file:`, `http:`): text an attacker wrote that ever reached markup would
    read the analyst's files into the report or call addresses on their network. Anything else is refused
    (WeasyPrint logs it and renders without it)."""
    from weasyprint import HTML, default_url_fetcher
    from weasyprint.text.fonts import FontConfiguration

    def fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if url.startswith("data:") or url in own:
            result: dict[str, Any] = default_url_fetcher(url, *args, **kwargs)
            return result
        raise ValueError(f"the report fetches only its own fonts, not {url[:80]!r}")

    pdf: bytes = HTML(string=html, url_fetcher=fetch).write_pdf(font_config=FontConfiguration())
    return pdf


@cache
def report_fonts() -> dict[str, str]:
    """file: URIs of the shipped CJK and emoji fallback fonts (cases/fonts/README.txt), never fetched.

    They ship as WOFF2 (small), but WeasyPrint decompresses a WOFF2 font on every render: about 5 CPU s
    per report, most of a report's cost. So each is decompressed once to TrueType in the user's cache
    directory (a temporary one when that is not writable), named by the WOFF2's digest; `format` says
    which kind the URIs point to."""
    from fontTools.ttLib import TTFont

    out = {"format": "truetype"}
    for kind in ("cjk", "emoji"):
        source = resources.files("adtrace.cases") / "fonts" / f"adtrace-{kind}.woff2"
        raw = source.read_bytes()
        name = f"adtrace-{kind}-{hashlib.sha256(raw).hexdigest()[:16]}.ttf"
        for folder in _font_dirs():
            target = folder / name
            try:
                if not target.is_file():
                    folder.mkdir(parents=True, exist_ok=True)
                    font = TTFont(io.BytesIO(raw))
                    font.flavor = None
                    part = target.with_suffix(f".{os.getpid()}.part")
                    font.save(str(part))
                    os.replace(part, target)  # atomic: a concurrent render sees the whole file or none
                out[kind] = target.as_uri()
                break
            except OSError:
                continue
        else:  # nowhere writable: the WOFF2 itself (slow, but the report still renders)
            with resources.as_file(source) as path:
                return {"format": "woff2", **{k: path.with_name(f"adtrace-{k}.woff2").as_uri()
                                               for k in ("cjk", "emoji")}}
    return out


def _font_dirs() -> list[Path]:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return [Path(base) / "adtrace" / "fonts", Path(tempfile.gettempdir()) / f"adtrace-fonts-{os.getuid()}"]

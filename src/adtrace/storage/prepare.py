"""Turn a Document and its Record into rows; normalise entity values the same way for lookups.

Runs in the worker processes of ingest, so the single writer only writes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import phonenumbers

from adtrace.documents import Document
from adtrace.storage.base import Prepared, content_hash, doc_hash


def prepare(doc: Document, record: dict[str, Any]) -> Prepared:
    risk = record.get("risk") or {}
    body = doc.to_dict()
    body.pop("title", None)
    body.pop("text", None)
    return Prepared(
        id=doc.id, source=doc.source, url=doc.url, kind=doc.kind, title=doc.title, text=doc.text,
        location=doc.location, posted_at=normalise_date(doc.posted_at),
        content_hash=content_hash(doc), doc_hash=doc_hash(doc),
        doc_json=orjson.dumps(body), record_json=orjson.dumps(record),
        risk_score=_float(risk.get("score")), risk_level=risk.get("level"),
        entities=entities(doc, record),
        indicators=tuple(sorted({str(i["id"]) for i in record.get("indicators") or [] if i.get("id")})),
        place_facets=place_facets(record),
    )


def renamed_json(raw: bytes, doc_id: str) -> bytes:
    """A document's or record's JSON under another id: a new version of a stored document that came under
    its own id (same source and url) is stored under the stored one's (ingest, and engine runs alike)."""
    obj = orjson.loads(raw)
    obj["id"] = doc_id
    return orjson.dumps(obj)


def place_facets(record: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The record's places as search facets, kept apart by what they are and how they were found:
    `city` (a town named in the ad or its location field), `state` (a state or province named there),
    `phone_area` (the city or state of a phone number's area code: weaker evidence, labelled as such).
    Countries are no facet. Migration 0015 and PostgreSQL's trigger compute the same from the stored
    Record (`adtrace.storage.facets.PLACE_FACETS_SQL`)."""
    out: set[tuple[str, str]] = set()
    for place in record.get("places") or []:
        name, kind = place.get("name"), place.get("kind")
        if not name or kind == "country":
            continue
        facet = "phone_area" if place.get("via") == "area_code" else "state" if kind == "admin" else "city"
        out.add((facet, city_value(str(name))))
    return tuple(sorted(out))


def entities(doc: Document, record: dict[str, Any]) -> tuple[tuple[str, str, str | None], ...]:
    out: set[tuple[str, str, str | None]] = set()
    for p in record.get("phones") or []:
        out.add(("phone", str(p["value"]), None))
    for e in record.get("emails") or []:
        out.add(("email", str(e["value"]).lower(), None))
    for h in record.get("handles") or []:
        out.add(("handle", handle_value(str(h["value"])), h.get("platform")))
    for p in record.get("payments") or []:
        out.add(("payment", handle_value(str(p["value"])), p.get("platform")))
    for place in record.get("places") or []:
        if place.get("name"):
            out.add(("city", city_value(str(place["name"])), place.get("country")))
    if doc.location:
        out.add(("city", city_value(doc.location.split(",")[0]), None))
    # One row per (kind, value): the index answers "which documents hold this value".
    unique: dict[tuple[str, str], str | None] = {}
    for k, v, p in sorted(out, key=lambda t: (t[0], t[1], t[2] or "")):
        if v and (k, v) not in unique:
            unique[(k, v)] = p
    return tuple((k, v, p) for (k, v), p in unique.items())


def handle_value(value: str) -> str:
    return value.strip().lstrip("@$").lower()


def city_value(value: str) -> str:
    return " ".join(value.lower().split())


def normalise_lookup(kind: str, value: str, region: str = "US") -> str:
    """A user's phone/email/handle as the index stores it: E.164, lower case, no leading @."""
    if kind == "phone":
        try:
            num = phonenumbers.parse(value, None if value.strip().startswith("+") else region)
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            return "".join(c for c in value if c.isdigit() or c == "+")
    if kind in ("handle", "payment"):
        return handle_value(value.split(":", 1)[-1])
    if kind == "city":
        return city_value(value)
    return value.strip().lower()


def normalise_date(value: str | None) -> str | None:
    """ISO 8601, in UTC when the input names a zone, so dates compare correctly as text."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed.isoformat(timespec="seconds")


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None

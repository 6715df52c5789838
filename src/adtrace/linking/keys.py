"""Hard identifiers from a Record, each as one key string `kind:value` (the unit the linker joins on).

Keys are normalised so two spellings of one identifier meet: phones are E.164 already (extractors),
emails and handles are lower-cased, payment handles keep their service. This module is the `keys`
linking signal (`SIGNAL`, adtrace.linking.signals); image and template keys are assigned by their
indexes (`img:<founder>`, `tpl:<founder>`, the `images` and `templates` signals).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adtrace.linking import signals

MIN_HANDLE = 3  # 'ab' or a stray '55' is no identifier
# A posting's detail for a contact key the document holds only in its images (OCR, adtrace.ocr): the
# edge then reads "phone in image" (contact keys otherwise carry no detail).
VIA_IMAGE = -1


def contact_keys(record: Mapping[str, Any]) -> list[str]:
    """Phone, email, handle and payment keys of one Record, deduplicated, in a stable order."""
    out: dict[str, None] = {}
    for p in record.get("phones") or ():
        value = str(p.get("value") or "")
        if value.startswith("+") and len(value) >= 8:
            out[f"phone:{value}"] = None
    for e in record.get("emails") or ():
        value = str(e.get("value") or "").strip().lower()
        if "@" in value:
            out[f"email:{value}"] = None
    for h in record.get("handles") or ():
        value = str(h.get("value") or "").strip().lstrip("@").lower()
        platform = str(h.get("platform") or "web").lower()
        if len(value) >= MIN_HANDLE and not value.isdigit():
            out[f"handle:{platform}:{value}"] = None
    for p in record.get("payments") or ():
        value = str(p.get("value") or p.get("handle") or "").strip().lower()
        service = str(p.get("service") or p.get("platform") or "pay").lower()
        if len(value) >= MIN_HANDLE:
            out[f"payment:{service}:{value}"] = None
    return list(out)


def image_only_keys(record: Mapping[str, Any]) -> list[str]:
    """Contact keys found only in the Record's image text (entities marked `via: "image"`), never in
    the ad's own text: their edges say so ("phone in image")."""
    from_image = {name: [i for i in record.get(name) or () if isinstance(i, Mapping) and i.get("via") == "image"]
                  for name in ("phones", "emails", "handles", "payments")}
    if not any(from_image.values()):
        return []
    in_text = set(contact_keys({name: [i for i in record.get(name) or ()
                                       if not (isinstance(i, Mapping) and i.get("via") == "image")]
                                for name in from_image}))
    return [k for k in contact_keys(from_image) if k not in in_text]


def reason(kind: str, via_image: bool) -> str:
    """The edge's reason in words: "phone", or "phone in image" when the document shows it only in a photo."""
    return f"{kind} in image" if via_image else kind


def evidence(key: str, record: Mapping[str, Any], text: str) -> list[str]:
    """How the key was written in one document (the span texts), for an analyst to check."""
    kind = signals.kind_of(key)
    field = {"phone": "phones", "email": "emails", "handle": "handles", "payment": "payments"}.get(kind)
    if field is None:
        return []
    want = key.split(":", 1)[1]
    out = []
    for item in record.get(field) or ():
        value = str(item.get("value") or item.get("handle") or "").lstrip("@").lower()
        if want.lower().endswith(value) and value and item.get("span"):
            s, e = item["span"]
            if item.get("field") == "image_text":  # the span indexes that image's text, not the ad's
                written = next((str(t.get("text", "")) for t in record.get("image_text") or ()
                                if t.get("image") == item.get("image")), "")
                out.append(f"{written[s:e]} (in image {int(item.get('image') or 0) + 1})")
            elif item.get("field") is None:
                out.append(text[s:e])
    return out


def document_keys(record: Mapping[str, Any], text: str) -> list[str]:
    return contact_keys(record)


def _explain(kind: str, detail: int | None) -> str:
    return reason(kind, detail == VIA_IMAGE)


SIGNAL = signals.Signal("keys", {"phone": "phone", "email": "email", "handle": "handle", "payment": "payment"},
                        keys=document_keys, weight=1.0, explain=_explain)

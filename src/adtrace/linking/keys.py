"""Hard identifiers from a Record, each as one key string `kind:value` (the unit the linker joins on).

Keys are normalised so two spellings of one identifier meet: phones are E.164 already (extractors),
emails and handles are lower-cased, payment handles keep their service. Image and template keys are
assigned by their indexes (`img:<founder>`, `tpl:<founder>`) in `adtrace.linking.linker`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

KINDS = ("phone", "email", "handle", "payment", "image", "template")
_PREFIX = {"phone": "phone", "email": "email", "handle": "handle", "payment": "payment", "img": "image",
           "tpl": "template"}
MIN_HANDLE = 3  # 'ab' or a stray '55' is no identifier


def kind_of(key: str) -> str:
    return _PREFIX.get(key.split(":", 1)[0], "other")


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


def evidence(key: str, record: Mapping[str, Any], text: str) -> list[str]:
    """How the key was written in one document (the span texts), for an analyst to check."""
    kind = kind_of(key)
    field = {"phone": "phones", "email": "emails", "handle": "handles", "payment": "payments"}.get(kind)
    if field is None:
        return []
    want = key.split(":", 1)[1]
    out = []
    for item in record.get(field) or ():
        value = str(item.get("value") or item.get("handle") or "").lstrip("@").lower()
        if want.lower().endswith(value) and value and item.get("span"):
            s, e = item["span"]
            out.append(text[s:e])
    return out

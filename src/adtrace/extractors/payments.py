"""Payment handles: Cash App $cashtags, Venmo, Zelle, PayPal, and Bitcoin/Ethereum addresses."""

from __future__ import annotations

import re

from adtrace.extractors.base import Context, Extractor, entity
from adtrace.extractors.literals import present, register_gate
from adtrace.extractors.registry import register

_CASHTAG = re.compile(r"(?<![\w$])\$(?P<h>[a-z][a-z0-9_-]{0,19})(?![\w])", re.I)
_LABELLED = re.compile(
    r"(?<![\w])(?P<label>venmo|zelle|paypal|pay pal|cash\s?app|chime|apple\s?pay)\s*(?:me|id|is|:|-|@|=)*\s*"
    r"(?P<h>[@$]?[a-z0-9][a-z0-9._@-]{1,40}[a-z0-9])(?![\w])",
    re.I,
)
_PAYPAL_ME = re.compile(r"paypal\.me/(?P<h>[a-z0-9._-]{2,40})", re.I)
_BTC = re.compile(r"(?<![\w])(?P<h>(?:bc1[ac-hj-np-z02-9]{11,71}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}))(?![\w])")
_ETH = re.compile(r"(?<![\w])(?P<h>0x[a-fA-F0-9]{40})(?![\w])")
_PLATFORM = {"venmo": "venmo", "zelle": "zelle", "paypal": "paypal", "pay pal": "paypal", "cashapp": "cashapp",
             "cash app": "cashapp", "chime": "chime", "applepay": "applepay", "apple pay": "applepay"}
_STOP = frozenset({"only", "accepted", "ok", "okay", "and", "or", "me", "is", "also", "too", "welcome",
                   "available", "please", "first", "deposit", "required", "for", "to", "the", "app", "pay"})


# Cheap necessary conditions checked before any pattern runs: substring tests on the lower-cased
# text are several times faster than one big case-insensitive alternation.
_WORDS = ("venmo", "zelle", "paypal", "pay pal", "cash app", "cashapp", "chime", "apple pay", "applepay", "bc1",
          "0x")
register_gate("payments.words", _WORDS)  # one pass with the other gates (adtrace.extractors.literals)
_CASHTAG_HINT = re.compile(r"\$[A-Za-z]")
_BTC_HINT = re.compile(r"[13][a-km-zA-HJ-NP-Z1-9]{25}")


def find_payments(text: str) -> list[tuple[str, str, tuple[int, int]]]:
    out: list[tuple[str, str, tuple[int, int]]] = []
    if not (("$" in text and _CASHTAG_HINT.search(text)) or "payments.words" in present(text)
            or _BTC_HINT.search(text)):
        return out
    for m in _CASHTAG.finditer(text):
        out.append(("cashapp", "$" + m.group("h"), m.span()))
    for m in _LABELLED.finditer(text):
        label = re.sub(r"\s+", " ", m.group("label").lower())
        platform = _PLATFORM.get(label, _PLATFORM.get(label.replace(" ", ""), label))
        h = m.group("h")
        if h.lower().lstrip("@$") in _STOP or (h.isdigit() and len(h) < 7):
            continue
        if platform == "cashapp" and h.startswith("$"):
            continue  # the cashtag pass already has it
        out.append((platform, h, m.span()))
    for m in _PAYPAL_ME.finditer(text):
        out.append(("paypal", m.group("h"), m.span()))
    for m in _BTC.finditer(text):
        out.append(("bitcoin", m.group("h"), m.span()))
    for m in _ETH.finditer(text):
        out.append(("ethereum", m.group("h"), m.span()))
    return out


def _run(ctx: Context) -> None:
    view = ctx.view
    seen: set[tuple[str, str]] = set()
    for platform, handle, (start, end) in find_payments(view.text):
        if (platform, handle.lower()) in seen:
            continue
        seen.add((platform, handle.lower()))
        ctx.add("payments", entity(handle, view.span(start, end), platform=platform))
    ctx.record.setdefault("payments", [])


register(Extractor("payments", _run, assigns=("payments",)))

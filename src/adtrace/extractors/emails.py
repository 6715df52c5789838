"""E-mail addresses, including the spelled-out forms ads use ("name at gmail dot com", "name[at]yahoo")."""

from __future__ import annotations

import re

from adtrace.extractors.base import Context, Extractor, entity
from adtrace.extractors.registry import register
from adtrace.text import prescan
from adtrace.text.lowered import lowered

_AT = r"(?:\s*@\s*|\s*[\[\(\{<]\s*at\s*[\]\)\}>]\s*|\s+at\s+|\s*\(@\)\s*)"
# A plain "." may be spaced on both sides ("gmail . com") but not on one: "com. Call" ends a sentence.
_DOT = r"(?:\.|\s+\.\s+|\s*[\[\(\{<]\s*dot\s*[\]\)\}>]\s*|\s+dot\s+)"
_EMAIL = re.compile(
    # The local part is possessive (no backtracking, speed): only the whole run of local-part
    # characters can be followed by an "@" or a spelled "at", none of which is such a character.
    rf"(?<![\w.+-])(?P<local>[a-z0-9][a-z0-9._%+-]{{0,63}}+){_AT}"
    rf"(?P<domain>[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?(?:{_DOT}[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?)*)"
    rf"(?:{_DOT}(?P<tld>[a-z]{{2,12}}))?(?![\w@])",
    re.I,
)
# A dot spelled inside the local part ("jane dot doe at gmail dot com"): the labels before the matched local
# part, read backwards from it. At most three (the local part of an address is short), only spelled dots:
# a spaced "." there is more often a sentence's end than an address.
_LOCAL_LABEL = re.compile(r"(?<![\w.+-])(?P<label>[a-z0-9][a-z0-9._%+-]{0,63})"
                          r"(?:\s*[\[\(\{<]\s*dot\s*[\]\)\}>]\s*|\s+dot\s+)\Z", re.I)
# Bare provider names written without a TLD ("@gmail", "at yahoo"), and their common misspellings.
PROVIDERS = {
    "gmail": "gmail.com", "gmial": "gmail.com", "gml": "gmail.com", "gmai": "gmail.com", "gmal": "gmail.com",
    "yahoo": "yahoo.com", "yaho": "yahoo.com", "yahooo": "yahoo.com", "ymail": "ymail.com",
    "hotmail": "hotmail.com", "hotmale": "hotmail.com", "hotmial": "hotmail.com", "outlook": "outlook.com",
    "aol": "aol.com", "icloud": "icloud.com", "live": "live.com", "protonmail": "protonmail.com",
    "proton": "proton.me", "msn": "msn.com",
}
_TLDS = frozenset(
    ["com", "net", "org", "edu", "gov", "mil", "info", "biz", "co", "us", "ca", "uk", "au", "mx", "es", "de", "fr", "it", "nl", "io", "me", "tv", "ru", "cn", "in", "br", "ar", "cl", "pe", "ve", "ec", "nz", "ie", "za", "ph", "sg", "hk", "tw", "jp", "kr", "eu", "ch", "at", "be", "se", "no", "dk", "fi", "pl", "pt", "gr", "tr", "il", "ae", "sa", "pk", "ng", "ke", "gh", "live", "email"])


# A platform's own name as the local part ("facebook@hotmail.com" after "Facebook:") is a form's
# placeholder or a label run into the next field, not a person's mailbox; DIG's e-mail extractor drops
# these for the same reason.
_PLATFORM_LOCALS = frozenset({"facebook", "twitter", "instagram", "snapchat", "whatsapp", "telegram", "kik",
                              "tiktok", "onlyfans", "skype", "myspace", "tumblr", "youtube", "linkedin"})

_HINT = re.compile(r"@|[\s\[\(\{<]at[\s\]\)\}>]", re.I)
# Speed (exact): without an "@", an address needs a spelled "at", then a label followed by a dot
# (written or spelled) or a bare provider name (what find_emails accepts). "at" is common prose
# ("at your place"): this stricter test, over lowered text (adtrace.text.lowered), skips ~9 in 10 of
# the backpage-dev ads the loose one let through to the full scan.
_SPELLED_HINT = re.compile(
    r"[\s\[\(\{<]at[\s\]\)\}>]+(?:[a-z0-9][a-z0-9-]*(?:\.|\s+\.\s|\s*[\[\(\{<]\s*dot|\s+dot\s)"
    # (a provider may end the domain before a "-": "at yahoo-" is read as yahoo.com by the full scan)
    rf"|(?:{'|'.join(sorted(PROVIDERS, key=len, reverse=True))})(?![a-z0-9]))")


# _SPELLED_HINT for hyperscan's one pass (adtrace.text.prescan): a superset (a space may be any
# non-ASCII character), so where it is absent _SPELLED_HINT finds nothing.
_S = prescan.SPACE
prescan.register(
    "emails.spelled",
    rf"[\t\n\x0b\x0c\r\x1c-\x1f \[({{<{prescan.NON_ASCII}]at[\t\n\x0b\x0c\r\x1c-\x1f \])}}>{prescan.NON_ASCII}]+"
    rf"(?:[a-z0-9][a-z0-9\-]*(?:\.|{_S}+\.{_S}+|{_S}*[\[({{<]{_S}*dot|{_S}+dot{_S}+))"
    rf"|(?:{'|'.join(sorted(PROVIDERS, key=len, reverse=True))})(?:[^a-z0-9]|$)", offsets=False)


def find_emails(text: str) -> list[tuple[str, tuple[int, int]]]:
    out: list[tuple[str, tuple[int, int]]] = []
    low = lowered(text)
    if low is None:
        if not _HINT.search(text):
            return out
    elif "@" not in text and not _spelled_hint(text, low):
        return out  # no "@" and no spelled address: most texts stop here
    return _scan(text)


def _spelled_hint(text: str, low: str) -> bool:
    """`_SPELLED_HINT.search(low)`, skipped where the hyperscan pass found no superset match (~99% of
    backpage-dev ads; the search costs ~9 µs per ad)."""
    found = prescan.scan(text)
    if found is not None and "emails.spelled" not in found.gates:
        return False
    return _SPELLED_HINT.search(low) is not None


def _scan(text: str) -> list[tuple[str, tuple[int, int]]]:
    out: list[tuple[str, tuple[int, int]]] = []
    for m in _EMAIL.finditer(text):
        local, start = _extended_local(text, m)
        domain_raw = re.sub(_DOT, ".", m.group("domain"), flags=re.I).lower()
        tld = (m.group("tld") or "").lower()
        spelled = "@" not in m.group(0)
        if tld:
            domain = f"{domain_raw}.{tld}"
            last = tld
        elif "." in domain_raw:
            domain, last = domain_raw, domain_raw.rsplit(".", 1)[1]
        elif domain_raw in PROVIDERS:
            domain, last = PROVIDERS[domain_raw], "com"
        else:
            continue
        first = domain.split(".", 1)[0]
        if first in PROVIDERS and domain != PROVIDERS[first] and domain.count(".") == 1 and first not in (
                "live", "proton", "aol", "msn"):
            domain = PROVIDERS[first] if last == "com" else domain
        if last not in _TLDS:
            continue
        if spelled and (len(local) < 3 or local in {"me", "us", "text", "call", "her", "him"}):
            continue  # "text me at home dot" is prose, not an address
        if local in _PLATFORM_LOCALS:
            continue
        out.append((f"{local}@{domain}", (start, m.end())))
    return out


def _extended_local(text: str, m: re.Match[str]) -> tuple[str, int]:
    """The local part with up to three labels joined to it by a spelled dot, and where it starts."""
    local, start = m.group("local").strip(".").lower(), m.start()
    for _ in range(3):
        before = _LOCAL_LABEL.search(text, max(0, start - 80), start)
        if before is None or len(before["label"]) + 1 + len(local) > 64:
            break
        local, start = f"{before['label'].lower()}.{local}", before.start()
    return local, start


def _run(ctx: Context) -> None:
    view = ctx.view
    for value, (start, end) in find_emails(view.text):
        ctx.add("emails", entity(value, view.span(start, end)))
    ctx.record.setdefault("emails", [])


register(Extractor("emails", _run, assigns=("emails",)))

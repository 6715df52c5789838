"""Social-media handles with their platform: from profile URLs and from "snap: name"-style labels."""

from __future__ import annotations

import re
from collections.abc import Iterable

from wordfreq import zipf_frequency

from adtrace.extractors.base import Context, Extractor, entity
from adtrace.extractors.literals import present, register_gate
from adtrace.extractors.registry import register
from adtrace.text import prescan
from adtrace.text.lowered import lowered
from adtrace.text.numbers import trie_pattern

# Profile URLs: the platform is certain.
_URL_FORMS: list[tuple[str, str]] = [
    ("instagram", r"(?:instagram\.com|instagr\.am)/(?P<h>[a-z0-9._]{1,30})"),
    ("twitter", r"(?:twitter\.com|(?<![\w.])x\.com)/(?P<h>[a-z0-9_]{1,15})"),
    ("snapchat", r"snapchat\.com/add/(?P<h>[a-z0-9._-]{2,15})"),
    ("telegram", r"(?:t\.me|telegram\.me)/(?P<h>[a-z0-9_]{4,32})"),
    ("whatsapp", r"wa\.me/(?P<h>\+?\d{7,15})"),
    ("kik", r"kik\.me/(?P<h>[a-z0-9._]{2,20})"),
    ("onlyfans", r"onlyfans\.com/(?P<h>[a-z0-9._-]{2,30})"),
    ("tiktok", r"tiktok\.com/@(?P<h>[a-z0-9._]{2,24})"),
    ("facebook", r"(?:facebook\.com|fb\.com|fb\.me)/(?P<h>[a-z0-9.]{2,50})"),
]
_URL_RE = [(p, re.compile(rx, re.I)) for p, rx in _URL_FORMS]
# Cheap substring checks that let most texts skip the URL patterns entirely.
_URL_NEEDLES = ("instagr", "twitter.", "x.com/", "snapchat.", "t.me/", "telegram.", "wa.me/", "kik.me/", "onlyfans.",
                "tiktok.", "fb.", "facebook.")
register_gate("handles.url", _URL_NEEDLES)  # one pass with the other gates (adtrace.extractors.literals)
_RESERVED = frozenset({"home", "login", "share", "p", "explore", "intent", "search", "profile.php", "pages",
                       "groups", "events", "watch", "hashtag", "i", "add", "s"})

# Labels before a handle. Order matters only for readability; each label names one platform.
_LABELS: dict[str, str] = {
    "snapchat": "snapchat", "snap chat": "snapchat", "snap": "snapchat", "sc": "snapchat", "scn": "snapchat",
    "👻": "snapchat",
    "instagram": "instagram", "insta": "instagram", "ig": "instagram", "instgram": "instagram",
    "twitter": "twitter", "tweet": "twitter", "tw": "twitter", "x": "twitter",
    "telegram": "telegram", "tg": "telegram", "telegrm": "telegram",
    "kik": "kik", "kik me": "kik",
    "onlyfans": "onlyfans", "only fans": "onlyfans", "of": "onlyfans",
    "tiktok": "tiktok", "tik tok": "tiktok",
    "facebook": "facebook", "fb": "facebook",
    "wechat": "wechat", "we chat": "wechat", "weixin": "wechat", "微信": "wechat", "wx": "wechat",
    # Chinese ads write WeChat around keyword filters: homophones of 微 and a "v" for it.
    "薇信": "wechat", "威信": "wechat", "v信": "wechat", "vx": "wechat",
    "whatsapp": "whatsapp", "whats app": "whatsapp", "wa": "whatsapp", "watsapp": "whatsapp",
    "line": "line", "line id": "line",
}
# Short labels are too common as words; they need a ':' or '@' after them ("sc: name", "ig @name").
_STRICT = frozenset({"sc", "scn", "ig", "tw", "x", "tg", "of", "fb", "wa", "wx", "vx", "line", "snap", "tweet", "kik"})
# Chinese writes no space between words: a label may follow a Han character ("加微信"), and a handle may
# follow a Han label or its 号 ("微信号") with no separator at all ("请加微信abc123").
_HAN = "\u3400-\u9fff"
_LABEL_ALT = trie_pattern(list(_LABELS))
# The match consumes only the label (the rest is a lookahead), so "Twitter Snapchat: name" still
# finds the second label after the first is refused.
_LABELLED = re.compile(
    rf"(?<![^\W{_HAN}])(?P<label>{_LABEL_ALT})(?=(?P<rest>(?:\s*(?:id|name|user(?:name)?|号))?"
    rf"(?P<sep>(?:\s*(?:[:：=\-]|is|me|@|➡️|👉|=>|->))+\s*@?|\s+@|\s+|(?<=[{_HAN}]))"
    rf"(?P<h>[a-z0-9][a-z0-9._-]{{1,29}})(?![^\W{_HAN}])))",
    re.I,
)
# Speed: the same over lowered text (adtrace.text.lowered) without re.I, and without the leading
# lookbehind, so the engine skips to a label's first letter in C; `_labelled` checks the character
# before instead. Exact: a match refused that way covers no other match's start, since a start needs a
# non-word character before it, and the word after the space of a two-word label ("snap chat",
# "kik me") begins no label.
_LABELLED_LOWER = re.compile(_LABELLED.pattern.replace(f"(?<![^\\W{_HAN}])", "", 1))
# Handle-shaped: a digit, underscore or dot inside, or an inner capital (camelCase, "MaxSail").
_HANDLE_SHAPE = re.compile(r"[0-9_.]|[a-z][A-Z]")
# Zipf frequency (wordfreq) at or above which a word is ordinary English: "fun" 5.3, "jade" 3.8.
_COMMON_WORD = 3.0
# The "@" first and what precedes it checked after: the engine then jumps from "@" to "@" (speed only).
_AT = re.compile(r"@(?<![\w@.]@)(?P<h>[a-z0-9_][a-z0-9_.]{1,29})(?![\w@])", re.I)
_STOP = frozenset({"me", "at", "is", "or", "and", "the", "for", "my", "on", "in", "to", "only", "add", "follow",
                   "dm", "text", "call", "now", "com", "gmail", "hotmail", "yahoo", "id", "name", "you", "it",
                   "us", "with", "me.", "app", "number", "account", "handle", "please", "pls", "plz"})


def find_handles(text: str) -> list[tuple[str, str, tuple[int, int]]]:
    """(platform, handle, span); the span covers label and handle, the evidence an analyst reads."""
    out: list[tuple[str, str, tuple[int, int]]] = []
    taken: list[tuple[int, int]] = []
    has_url = "handles.url" in present(text)
    for platform, rx in _URL_RE if has_url else ():
        for m in rx.finditer(text):
            h = m.group("h").rstrip(".")
            if h.lower() in _RESERVED:
                continue
            out.append((platform, h, (m.start(), m.end())))
            taken.append((m.start(), m.end()))
    for m in _labelled(text):
        label = m.group("label").lower()
        sep = m.group("sep")
        if label in _STRICT and not re.search(r"[:：=@\-]|➡️|👉|->|=>", sep):
            continue
        h = text[m.start("h"):m.end("h")].rstrip("._-")  # as written: the match may be over lowered text
        if sep.strip() == "" and not _HANDLE_SHAPE.search(h) and zipf_frequency(h, "en") >= _COMMON_WORD:
            continue  # "snapchat fun", "Twitter also": after a bare space, a common word is prose
        if h.lower() in _LABELS:
            continue  # "Twitter Snapchat: name" — the next label, not a handle
        if h.lower() in _STOP or (h.isdigit() and _LABELS[label] not in ("whatsapp", "line", "wechat", "kik")):
            continue
        span = (m.start(), m.end("h"))
        if _overlaps(span, taken) or "@" in text[span[1]:span[1] + 1]:
            continue
        out.append((_LABELS[label], h, span))
        taken.append(span)
    for m in _AT.finditer(text):
        if _overlaps(m.span(), taken):
            continue
        h = m.group("h").rstrip(".")
        # A bare @name: the platform is whatever the ad names nearby, else unknown.
        out.append((_nearby_platform(text, m.start()), h, (m.start(), m.end())))
    return out


def _labelled(text: str) -> list[re.Match[str]]:
    """`_LABELLED.finditer(text)` with the refused matches left out (a word character before the label);
    over lowered text the groups are lower-cased, the spans the same."""
    low = lowered(text)
    if low is None:
        return list(_LABELLED.finditer(text))
    found = prescan.scan(text) if not any(lab in low for lab in _UNENCODED_LABELS) else None
    matches = _LABELLED_LOWER.finditer(low) if found is None else _label_matches(low, found.spans.get("handles.label", ()))
    return [m for m in matches if not (m.start() and _glued(text[m.start() - 1]))]


def _glued(before: str) -> bool:
    """Whether a label starting after `before` is the end of a longer word (a Han character is a word of
    its own: "加微信")."""
    return (before.isalnum() or before == "_") and not "\u3400" <= before <= "\u9fff"


# Where a label may start, for hyperscan's one pass (adtrace.text.prescan) over the lowered text: a
# label after no ASCII letter, digit or "_" (a superset of the labels `_labelled` keeps: a non-ASCII
# character is "?" or a Latin-1 byte there). Python's engine tries `_LABELLED_LOWER` at every character
# (~11 µs per backpage-dev ad); at these candidates (1.3 per ad) it costs ~1 µs. The labels beyond
# Latin-1 ("👻", "微信") are looked for with `in`: a text holding one takes the whole scan.
_UNENCODED_LABELS = tuple(lab for lab in _LABELS if not prescan.encodable(lab))
_ENCODED_LABELS = tuple(lab for lab in _LABELS if prescan.encodable(lab))
# Exact only while no label ends another after a non-word character ("snap chat" and a label "chat"):
# hyperscan reports one start per match end, the leftmost. A label added that breaks this takes the scan.
_SUFFIX_FREE = not any(b != a and a.endswith(b) and not a[-len(b) - 1].isalnum() for a in _LABELS for b in _LABELS)
if _SUFFIX_FREE:
    prescan.register("handles.label", rf"(?:^|[^a-z0-9_])(?:{prescan.literal_alternation(_ENCODED_LABELS)})",
                     offsets=True)


def _label_matches(low: str, spans: Iterable[tuple[int, int]]) -> list[re.Match[str]]:
    """What `_LABELLED_LOWER.finditer(low)` gives, less the matches after a word character: the pattern
    is tried only where the pass found a label after no ASCII word character. Exact: a match after a
    word character, refused by `_labelled`, consumes only its label, and inside a label no other label
    starts after a non-word character (the second words of "snap chat", "kik me" are no labels)."""
    if not _SUFFIX_FREE:
        return list(_LABELLED_LOWER.finditer(low))
    out: list[re.Match[str]] = []
    pos = 0
    for start in sorted({s if "a" <= low[s] <= "z" else s + 1 for s, _ in spans}):
        if start < pos:
            continue
        m = _LABELLED_LOWER.match(low, start)
        if m is not None:
            out.append(m)
            pos = m.end()
    return out


def _nearby_platform(text: str, pos: int) -> str:
    window = text[max(0, pos - 40):pos].lower()
    best, where = "unknown", -1
    for label, platform in _LABELS.items():
        if label in _STRICT and len(label) <= 2:
            continue
        i = window.rfind(label)
        if i > where:
            best, where = platform, i
    return best


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in taken)


def _run(ctx: Context) -> None:
    view = ctx.view
    seen: set[tuple[str, str]] = set()
    for platform, handle, (start, end) in find_handles(view.text):
        key = (platform, handle.lower())
        if key in seen:
            continue
        seen.add(key)
        ctx.add("handles", entity(handle, view.span(start, end), platform=platform))
    ctx.record.setdefault("handles", [])


register(Extractor("handles", _run, assigns=("handles",)))

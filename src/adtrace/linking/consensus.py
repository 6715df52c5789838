"""A cluster's template: the wording its ads share, with slots where they differ.

The ads are aligned one after another against a running consensus (difflib's matching of token
sequences; a token one ad adds is inserted into the consensus, so the consensus is a linearised
partial order of all the ads' tokens). Consensus tokens that most ads contain are the template; the
runs between them are *slots* (a name, a city, a rate, a sentence one ad adds), and each ad's slot
values are the tokens it has there. Minimum description length says whether the template explains
an ad: encoding the ad as "the template, with these edits and slot values" must cost fewer bits than
spelling the ad out word by word. The idea is InfoShield's (Lee et al., ICDE 2021); this code is
written from the paper's description only.

Pure: text and Records in, JSON-ready dict out (for the cluster page and case reports).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from adtrace.linking.templates import MASKED_FIELDS
from adtrace.text.charrefs import unescape

MAX_ADS = 50  # ads aligned per cluster: enough to show the template, bounded cost on a big cluster
MAX_TOKENS = 600  # per ad (alignment is quadratic at worst); real dev ads: median 113, 1 of 3,051 over
BITS_PER_WORD = 14.0  # a word spelled out, from a vocabulary of ~16,000 words
BITS_PER_MARK = 5.0  # a punctuation mark, from ~32
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)
_DIGITS = re.compile(r"\d")


@dataclass
class _Tok:
    key: str  # what alignment compares: the lower-cased word, or <kind> for an entity or a number
    text: str  # what the analyst reads


def _kind(field: str) -> str:
    return field[:-1] if field.endswith("s") else field


def ad_tokens(text: str, record: Mapping[str, Any] | None = None) -> list[_Tok]:
    """Words and punctuation of one ad; each extracted entity (name, city, age, price, contact) is one
    token whose key is its kind, so ads meet on "<name>" whatever the name."""
    spans: list[tuple[int, int, str]] = []
    for name in MASKED_FIELDS:
        for item in (record or {}).get(name) or ():
            span = item.get("span") if isinstance(item, Mapping) else None
            if span and len(span) == 2 and item.get("via", "text") == "text":
                spans.append((int(span[0]), int(span[1]), _kind(name)))
    spans.sort()
    out: list[_Tok] = []
    pos = 0
    for start, end, kind in [*spans, (len(text), len(text), "")]:
        if start < pos or end > len(text):
            continue  # overlapping or stale span
        # Scraped text keeps HTML entities; tokenised raw, `&nbsp;` became "&", "nbsp", ";" and the template
        # read "Posted:& nbsp;". Each piece between entity spans is decoded first (spans index the stored text).
        for m in _TOKEN.finditer(unescape(text[pos:start])):
            word = m.group()
            out.append(_Tok("<number>" if _DIGITS.search(word) else word.lower(), word))
        if kind:
            out.append(_Tok(f"<{kind}>", unescape(text[start:end])))
        pos = end
    return out


def _align(consensus: list[list[Any]], toks: list[_Tok]) -> None:
    """Fold one ad into the consensus ([key, display, count] entries) in place."""
    sm = SequenceMatcher(None, [c[0] for c in consensus], [t.key for t in toks], autojunk=False)
    shift = 0
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            for i in range(i1, i2):
                consensus[i + shift][2] += 1
        elif tag in ("insert", "replace"):
            at = i2 + shift  # a replaced run stays (other ads may hold it); the new tokens follow it
            consensus[at:at] = [[t.key, t.text, 1] for t in toks[j1:j2]]
            shift += j2 - j1


def _cost(toks: Sequence[_Tok]) -> float:
    return sum(BITS_PER_WORD if t.key[0].isalnum() or t.key[0] == "<" else BITS_PER_MARK for t in toks)


Where = tuple[int, int]  # (template position, 0) = the gap before it; (position, 1) = its entity


def _bits(template_keys: list[str], toks: list[_Tok]) -> tuple[float, float, dict[Where, list[_Tok]], int]:
    """(bits alone, bits given the template, slot values by place, template tokens matched) of one ad.

    A slot is a gap (what the ad has before template token i; i = len(template): after the last) or
    an entity the template holds (<name>: the ad's own name there). An edit costs its kind and place
    in the template; the words it adds are spelled out; the template's own entities cost their value."""
    sm = SequenceMatcher(None, template_keys, [t.key for t in toks], autojunk=False)
    op_bits = 2.0 + math.log2(len(template_keys) + 1)
    given, matched = op_bits, 0  # the end of the ad
    values: dict[Where, list[_Tok]] = {}
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            matched += i2 - i1
            for i, t in zip(range(i1, i2), toks[j1:j2], strict=True):
                if t.key[0] == "<":
                    values[(i, 1)] = [t]
                    given += BITS_PER_WORD
            continue
        given += op_bits
        if j2 > j1:
            given += _cost(toks[j1:j2])
            values.setdefault((i1 if tag == "insert" else i2, 0), []).extend(toks[j1:j2])
    return max(BITS_PER_WORD, _cost(toks)), given, values, matched


_CLOSING = frozenset(".,;:!?)]}%…»。，；：！？）")  # marks written against the word before them
_APOSTROPHES = frozenset("'’")  # inside a word: "don't"


def _glued(before: str, word: str) -> bool:
    """Whether `word` is written without a space after `before` (a mark that closes, or either side of an
    apostrophe); "&", "+" and the like stand apart, as in "Sweet & discreet"."""
    return word in _CLOSING or word in _APOSTROPHES or (before[-1:] in _APOSTROPHES and word[:1].isalnum())


def cluster_template(ads: Sequence[tuple[str, Mapping[str, Any] | None]], min_share: float = 0.5) -> dict[str, Any]:
    """The template of a cluster's ads (text, Record), earliest first.

    Returns `parts` (template text and slots in order: {"text": ...} or {"slot": n, "kind": ...}),
    `slots` (n, kind), and per ad (`ads`, in input order, at most MAX_ADS): its slot values, template
    tokens matched, bits alone and given the template, and `explained` (the template compresses it).
    `min_share`: a consensus token is template when at least this share of the ads hold it."""
    toks = [ad_tokens(text, record)[:MAX_TOKENS] for text, record in ads[:MAX_ADS]]
    use = list(range(len(toks)))
    for _round in range(2):  # an ad the template does not explain leaves it, and the template is redone
        consensus: list[list[Any]] = []
        for i in use:
            _align(consensus, toks[i])
        need = max(2, math.ceil(min_share * len(use))) if len(use) > 1 else 1
        template = [c for c in consensus if c[2] >= need]
        keys = [c[0] for c in template]
        per_ad = [_bits(keys, t) for t in toks]
        explained = [i for i, (alone, given, _v, _m) in enumerate(per_ad) if given < alone]
        if explained == use or len(explained) < 2:
            break
        use = explained
    explained = [i for i, (alone, given, _v, _m) in enumerate(per_ad) if given < alone]
    # slots come from the ads the template explains; an unrelated ad's words are not the template's slots
    gaps = sorted({g for i in (explained if len(explained) > 1 else range(len(per_ad))) for g in per_ad[i][2]})
    slot_of = {g: n for n, g in enumerate(gaps)}
    kinds: dict[Where, str] = {}
    for g in gaps:
        held = [v for i in explained for v in [per_ad[i][2].get(g)] if v]
        entity = {v[0].key for v in held if len(v) == 1 and v[0].key.startswith("<")}
        # a slot holding one entity of one kind in every ad that fills it is that kind; else free text
        kinds[g] = entity.pop().strip("<>") if len(entity) == 1 and all(len(v) == 1 for v in held) else "text"
    parts: list[dict[str, Any]] = []
    for i in range(len(template) + 1):
        if (i, 0) in slot_of:
            parts.append({"slot": slot_of[(i, 0)], "kind": kinds[(i, 0)]})
        if (i, 1) in slot_of:
            parts.append({"slot": slot_of[(i, 1)], "kind": kinds[(i, 1)]})
        elif i < len(template):
            word = template[i][1]
            if parts and "text" in parts[-1]:
                parts[-1]["text"] += word if _glued(parts[-1]["text"], word) else " " + word
            else:
                parts.append({"text": word})
    return {
        "parts": parts,
        "slots": [{"slot": slot_of[g], "kind": kinds[g]} for g in gaps],
        "template_tokens": len(template),
        "ads": [{"values": {str(slot_of[g]): " ".join(t.text for t in v) for g, v in values.items() if g in slot_of},
                 "matched": matched, "bits_alone": round(alone, 1), "bits_given_template": round(given, 1),
                 "explained": given < alone}
                for alone, given, values, matched in per_ad],
        "aligned": len(toks),
    }



def summary_template(summary: Mapping[str, Any],
                     fetch: Callable[[str], tuple[str, Mapping[str, Any] | None] | None]) -> dict[str, Any] | None:
    """The template of a cluster's biggest template edge (its first non-hub `template` edge), or None.

    `fetch(doc_id)` gives an ad's (full text, Record), or None when it is gone. The founder comes first;
    each ad of the result also has its `doc_id` and `jaccard_pct` (its overlap with the founder)."""
    tpl = next((e for e in summary.get("edges") or [] if e.get("kind") == "template" and not e.get("hub")), None)
    if tpl is None:
        return None
    founder = tpl.get("founder") or (tpl.get("docs") or [None])[0]
    ads, ids = [], []
    for d in [founder, *(d for d in tpl.get("docs") or () if d != founder)][:MAX_ADS]:
        got = fetch(d) if d else None
        if got is not None:
            ads.append(got)
            ids.append(d)
    if not ads:
        return None
    cons = cluster_template(ads)
    for d, ad in zip(ids, cons["ads"], strict=True):
        ad["doc_id"], ad["jaccard_pct"] = d, (tpl.get("jaccard_pct") or {}).get(d)
    return {"template": tpl["key"], "founder": founder, **cons}

"""Templated text: mask what changes between ads of one template, shingle, MinHash, LSH bands.

An operator writes one ad and re-posts it with a new name, age, city, price and phone each time.
Masking those slots (from the Record's spans, plus every number) leaves the template's skeleton; two
skeletons with word-shingle Jaccard >= `threshold` are the same template. MinHash (datasketch)
estimates Jaccard; LSH bands over the signature give candidates without all-pairs comparison.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from datasketch import MinHash

from adtrace.linking import signals
from adtrace.text.charrefs import unescape

# Record fields whose spans are slots an operator fills per posting.
MASKED_FIELDS = ("phones", "emails", "handles", "urls", "ages", "prices", "payments", "names", "places")
NUM_PERM = 64
BANDS = 16  # 16 bands x 4 rows: candidates at Jaccard 0.7 are found with p ~ 0.99, at 0.65 p ~ 0.96
ROWS = NUM_PERM // BANDS
SHINGLE = 3
MIN_SHINGLES = 4  # shorter skeletons say too little to call two ads one template
# Slots an ad must fill like its template's founder: a template has a fixed set of slots, so an ad
# that names a person or a city where the founder names none (or the reverse) is another template;
# and the name slots must share a value. Same wording under another name, or with a city the founder
# lacks, is how unrelated posters' ads look alike: on the real dev ads (text only, pairs at Jaccard
# >= 0.7, truth = shared phone) 96 % of pairs sharing a name are one poster, 39 % when the names
# differ, 29 % when only one ad has a name, 67 % when only one names a city. City values may differ
# (operators move); ages, prices and contacts change with every post and stay free.
SLOT_FIELDS = ("names", "places")
VALUE_SLOTS = ("names",)
Slots = tuple[str, ...]  # "names:ann", "places:las vegas": sorted, lower-cased

_WORD = re.compile(r"<[a-z]+>|[^\W\d_]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_DIGITS = re.compile(r"\d+")


def mask(text: str, record: Mapping[str, Any], *, decode: bool = False) -> str:
    """The text with entity spans replaced by a slot token and digits dropped. `decode`: HTML entities in
    the text between slots (`&nbsp;`, `&#39;`) become the characters they stand for, before digits go (so
    `&#39;` reads as an apostrophe): for showing the skeleton to a reader; shingling keeps the stored text."""
    piece = unescape if decode else str
    spans: list[tuple[int, int, str]] = []
    for name in MASKED_FIELDS:
        for item in record.get(name) or ():
            span = item.get("span") if isinstance(item, Mapping) else None
            if span and len(span) == 2 and item.get("via", "text") == "text":
                spans.append((int(span[0]), int(span[1]), name[:-1] if name.endswith("s") else name))
    spans.sort()
    out: list[str] = []
    pos = 0
    for start, end, name in spans:
        if start < pos or end > len(text):
            continue  # overlapping or stale span: the first one wins
        out.append(piece(text[pos:start]))
        out.append(f" <{name}> ")
        pos = end
    out.append(piece(text[pos:]))
    return _DIGITS.sub(" ", "".join(out))


def slot_values(record: Mapping[str, Any]) -> Slots:
    """The ad's name and city slot values (from the text itself, not from a site field)."""
    out: set[str] = set()
    for name in SLOT_FIELDS:
        for item in record.get(name) or ():
            if not isinstance(item, Mapping) or item.get("via", "text") != "text":
                continue
            value = item.get("name") if name == "places" else item.get("value")
            if value:
                out.add(f"{name}:{str(value).strip().lower()}")
    return tuple(sorted(out))


def digest(sig: np.ndarray, slots: Slots | None) -> bytes:
    """What the template index remembers an answer by: reposts of one template mask to the same skeleton and slots."""
    raw = np.ascontiguousarray(sig).tobytes() + "\x1f".join(slots or ("?",)).encode()
    return hashlib.blake2b(raw, digest_size=16).digest()


def slots_agree(a: Slots | None, b: Slots | None) -> bool:
    """Whether two ads' slots allow one template: the same slots filled, name slots sharing a value.
    None (not known, e.g. state from before slots were kept) agrees with anything."""
    if a is None or b is None or a == b:
        return True
    for name in SLOT_FIELDS:
        va = {s for s in a if s.startswith(name)}
        vb = {s for s in b if s.startswith(name)}
        if bool(va) != bool(vb) or (name in VALUE_SLOTS and va and not va & vb):
            return False
    return True


def tokens(masked: str) -> list[str]:
    """Lower-case words; CJK runs split into characters (no spaces to split on)."""
    low = masked.lower()
    if not _CJK.search(low):  # most ads: one regex pass, no per-word test
        words: list[str] = _WORD.findall(low)
        return words
    toks: list[str] = []
    for word in _WORD.findall(low):
        if _CJK.search(word):
            toks.extend(word)
        else:
            toks.append(word)
    return toks


def shingles(toks: list[str], k: int = SHINGLE) -> set[bytes]:
    if len(toks) < k:
        return {" ".join(toks).encode()} if toks else set()
    return {" ".join(toks[i:i + k]).encode() for i in range(len(toks) - k + 1)}


def _hash32(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


_SEED_MH = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_hash32)
# datasketch's affine32 scheme, applied with numpy to many documents at once (one MinHash object
# per document cost more than the hashing): fmix32, then h * a + b modulo 2^32, minimum per permutation.
_A, _B = (np.asarray(p, dtype=np.uint32) for p in _SEED_MH.permutations)
# shingle rows per block: the (rows x NUM_PERM) uint32 temporary (~0.5 MB) stays in the CPU cache, which made
# this 1.7x as fast as 50,000 rows (~13 MB) on the synthetic corpus
_ROWS_PER_BLOCK = 2_000


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    out: np.ndarray = h ^ (h >> np.uint32(16))
    return out


def shingle_hashes(shingle_set: Iterable[bytes]) -> np.ndarray:
    return np.fromiter((zlib.crc32(s) for s in shingle_set), dtype=np.uint32)


def signatures(hashes: list[np.ndarray]) -> np.ndarray:
    """MinHash signatures (one row each, uint64) of many shingle-hash arrays, none of them empty.

    Equal to datasketch's `MinHash.update_batch` with the fixed seed: signatures from different
    runs, and from before this was vectorised, compare."""
    out = np.empty((len(hashes), NUM_PERM), dtype=np.uint64)
    i = 0
    while i < len(hashes):
        j, rows = i, 0
        while j < len(hashes) and (j == i or rows + len(hashes[j]) <= _ROWS_PER_BLOCK):
            rows += len(hashes[j])
            j += 1
        block = hashes[i:j]
        hv = _fmix32(np.concatenate(block))
        phv = hv[:, None] * _A + _B  # uint32 arithmetic wraps: modulo 2^32, as datasketch does
        starts = np.cumsum([0] + [len(h) for h in block[:-1]])
        out[i:j] = np.minimum.reduceat(phv, starts, axis=0)
        i = j
    return out


def signature(shingle_set: Iterable[bytes]) -> np.ndarray:
    """MinHash signature (datasketch, fixed seed: signatures from different runs compare)."""
    mh = MinHash(num_perm=NUM_PERM, hashfunc=_hash32, permutations=_SEED_MH.permutations,
                 scheme=_SEED_MH.scheme)
    mh.update_batch(list(shingle_set))
    return np.asarray(mh.hashvalues, dtype=np.uint64)


def bands(sig: np.ndarray) -> list[int]:
    """One LSH bucket id per band (band index folded in, so bands never collide with each other)."""
    raw = sig.astype(np.uint32).tobytes()
    step = ROWS * 4
    return [zlib.crc32(raw[i * step:(i + 1) * step], i) for i in range(BANDS)]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / len(a)


def skeleton_hashes(text: str, record: Mapping[str, Any]) -> np.ndarray | None:
    """The skeleton's shingle hashes, or None when the text is too short to tell a template."""
    sh = shingles(tokens(mask(text, record)))
    if len(sh) < MIN_SHINGLES:
        return None
    return shingle_hashes(sh)


def skeleton_signature(text: str, record: Mapping[str, Any]) -> np.ndarray | None:
    """The template signature of one document, or None when the text is too short to tell."""
    h = skeleton_hashes(text, record)
    return None if h is None else signatures([h])[0]


def _template_hub(policy: Any, docs: int, seen: int, n_docs: int) -> bool:
    return bool(seen >= policy.template_witnesses)  # stock wording: unrelated posters share it


def _explain(kind: str, detail: int | None) -> str:
    return f"same ad text (word-shingle Jaccard {100 if detail is None else detail}%)"


# `tpl:N`: wording within the threshold of founder N, slots agreeing (TemplateIndex assigns it).
SIGNAL = signals.Signal("templates", {"tpl": "template"}, hub=_template_hub, weight=0.5, explain=_explain,
                        detail="jaccard_pct", detail_default=100)

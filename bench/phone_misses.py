"""Why real ads yield no phone: aggregate miss categories on backpage-dev (counts only, never text).

Reads ../shared/realdata/backpage-dev.jsonl (read only, never copied) and, for every ad in which
extraction finds no phone (text or URL), computes in code which obstacle stands in the way and
prints one JSON object of counts per category. No text, digit, number or handle is printed.

Categories, first that applies (on the normalised view of title + text):

- `few_digits_no_words`: fewer than 7 digits and no spelled digit word, even inside another word;
- `few_digits_glued_words`: fewer than 7 digits, but spelled digit words glued inside longer words
  ("callmesevenoh...") bring the count to 7 or more;
- `few_digits_other`: fewer than 7 digits otherwise;
- `stamp_dropped`: a chain of 7+ units exists only before the stamp digits (dates, ids) are dropped;
- `chain_short`: 7+ digits in the ad but no chain of 7: groups broken by words or long gaps
  (`gap_kinds` counts what stood between digit groups that would give 10 digits if joined);
- `long_block`: the chain is one unbroken block of more than 12 digits (an id);
- `invalid_N`: a chain of 7+ units whose longest reading has N digits but is no valid number.

Beside them, `hidden_reading`: ads whose phones come only from the second, hidden reading
(adtrace.text.hidden_digits), and how many of those phones have a California area code (every post
is from a California site: a proxy for a right reading, never a check of the number itself).

Then, for the ads without a phone, the general shape classes of bench/phone_shapes.py (multi-label
counts: digit count bucket, a phone cue word, another contact named, pictures named, unfolded numeric
characters, digit words in other languages, letters for digits, a number split across title and text,
the country code in words), and for those with 10 digits somewhere the shortest stretch holding ten
digit units: its length, the separator shapes inside it, and whether its digits joined are a valid US
number (a measure of what a general joining rule could recover, never a check of any number).

    python bench/phone_misses.py [--data PATH]
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from adtrace.documents import Document
from adtrace.extractors.phonechains import MAX_BLOCK
from adtrace.extractors.phonechains import blocks as _blocks
from adtrace.extractors.phonechains import chains as _chains
from adtrace.extractors.phones import _units, find_phones
from adtrace.extractors.phoneunits import MIN_DIGITS
from adtrace.pipeline import BATCH, Pipeline
from adtrace.places.areacodes import area_place
from adtrace.text import normalise
from adtrace.text.numbers import SPELLED_UNITS
from adtrace.text.stamps import stamp_spans

sys.path.insert(0, str(Path(__file__).resolve().parent))
from phone_shapes import best_window, shape_classes  # bench/phone_shapes.py

DATA = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "backpage-dev.jsonl"

# Spelled digits of three letters or more, found anywhere (also inside another word).
_ANY_WORD = re.compile("|".join(sorted((w for w in SPELLED_UNITS if len(w) >= 3 and w.isascii()),
                                       key=len, reverse=True)), re.I)
_DIGIT_GROUP = re.compile(r"\d+")


def _gap_kind(gap: str) -> str:
    words = re.findall(r"[^\W\d_]+", gap)
    if not words:
        return "long_or_odd_gap"
    if len(words) == 1:
        return "one_word" if len(words[0]) > 1 else "one_letter"
    return "two_words" if len(words) == 2 else "three_plus_words"


def category(text: str, gaps: Counter[str]) -> str:
    view = normalise(text)
    t = view.text
    digits = sum(ch.isdigit() for ch in t)
    if digits < MIN_DIGITS:
        glued = sum(1 for _ in _ANY_WORD.finditer(t))
        if glued == 0:
            return "few_digits_no_words"
        return "few_digits_glued_words" if digits + glued >= MIN_DIGITS else "few_digits_other"
    units = _units(t)
    before = _chains(t, units)
    stamps = stamp_spans(t)
    kept = [u for u in units if not any(a < u[1] and u[0] < b for a, b in stamps)]
    chains = _chains(t, kept)
    if before and not chains:
        return "stamp_dropped"
    if not chains:
        groups = list(_DIGIT_GROUP.finditer(t))
        for a, b in itertools.pairwise(groups):
            if len(a.group(0)) + len(b.group(0)) >= 6:
                gaps[_gap_kind(t[a.end():b.start()])] += 1
        return "chain_short"
    best = max(chains, key=lambda c: sum(len(u[2]) for u in c))
    if any(sum(len(u[2]) for u in best[i:k]) > MAX_BLOCK for i, k in _blocks(t, best)):
        return "long_block"
    n = sum(len(u[2]) for u in best)
    return f"invalid_{min(n, 13)}{'_spelled' if any(u[3] for u in best) else ''}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA)
    args = ap.parse_args()
    if not args.data.exists():
        sys.exit(f"error: {args.data} not found; pass --data PATH (see bench/phone_misses.py --help)")
    rows = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    docs = [Document.from_dict({"id": r["id"], "source": r["source"], "url": r["url"], "title": r["title"],
                                "text": r["text"], "location": r["location_field"]}) for r in rows]
    pipe = Pipeline()
    cats: Counter[str] = Counter()
    gaps: Counter[str] = Counter()
    missed = 0
    hidden: Counter[str] = Counter()
    shapes: Counter[str] = Counter()
    windows: Counter[str] = Counter()
    for i in range(0, len(docs), BATCH):
        for doc, rec in zip(docs[i:i + BATCH], pipe.extract_many(docs[i:i + BATCH]), strict=True):
            assert not isinstance(rec, Exception), rec
            if rec["phones"]:
                if not find_phones(normalise(doc.full_text), ("US",)) and any(
                        p.get("field") != "url" for p in rec["phones"]):
                    hidden["ads"] += 1
                    for p in rec["phones"]:
                        place = area_place(p["value"])
                        hidden["phones"] += 1
                        hidden["california_area_code"] += place is not None and place.admin == "CA"
                continue
            missed += 1
            cat = category(doc.full_text, gaps)
            cats[cat] += 1
            view = normalise(doc.full_text)
            for name in shape_classes(doc.title or "", doc.text, view):
                shapes[name] += 1
            win = best_window(view.text)
            if win is not None:
                windows["ads_with_10_digit_stretch"] += 1
                windows[f"length_{win['length']}"] += 1
                windows[f"joined_valid_us_{win['valid_us']}"] += 1
                windows[f"category_{cat}_valid_us_{win['valid_us']}"] += 1
                windows[f"spelled_{win['spelled']}"] += 1
                for g in win["gaps"]:
                    windows[f"gap_{g}"] += 1
                    windows[f"gap_{g}_valid_us_{win['valid_us']}"] += 1
    out: dict[str, Any] = {"bench": "phone_misses", "ads": len(docs), "without_phone": missed,
                           "categories": dict(cats.most_common()), "gap_kinds": dict(gaps.most_common()),
                           "hidden_reading": dict(hidden), "shape_classes": dict(shapes.most_common()),
                           "ten_digit_stretch": dict(sorted(windows.items()))}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

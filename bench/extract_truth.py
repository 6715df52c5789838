"""Extraction against the realistic synthetic truth: both sides of every planted span, as JSON.

    .venv/bin/python bench/extract_truth.py [--docs 5000] [--seed 7]

Entities: for each kind the generator planted (phone, age, price, place, name, e-mail, payment),
how many the Record holds with the planted value (`recall`); for phones, ages and prices also
whether a Record span overlaps the planted span (`span_recall`). Traps: text that looks like an
entity and must not be read as one (dates, post ids, heights, weights, body measurements, "24/7",
"18+", ids in URLs): how many the Record reads as an age, price or phone with one of the values the
trap must not give, with its span overlapping the trap, or any phone overlapping it (`violations`). Synthetic text only: this
shows what the extractors make of the generator's notations, not how they fare on real ads.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any

from adtrace.documents import Document
from adtrace.pipeline import Pipeline
from adtrace.synth import generate

_RECORD = {"phone": "phones", "age": "ages", "price": "prices", "place": "places", "name": "names",
           "email": "emails", "payment": "payments"}


def _offset(doc: dict[str, Any], note: dict[str, Any]) -> tuple[int, int] | None:
    """The note's span in Document.full_text (title, newline, text); None for the URL field."""
    start, end = note["span"]
    if note["field"] == "text":
        shift = len(doc["title"]) + 1 if doc["title"] else 0
        return start + shift, end + shift
    if note["field"] == "title":
        return start, end
    return None


def _value(kind: str, item: dict[str, Any]) -> Any:
    if kind == "price":
        return item.get("amount")
    if kind == "place":
        return item.get("name")
    if kind == "payment":
        return (item.get("platform"), str(item.get("value", "")).lower())
    return item.get("value")


def _overlaps(item: dict[str, Any], span: tuple[int, int]) -> bool:
    """Whether the item's span overlaps `span` in the text (a URL or location-field span indexes
    another string, so never does)."""
    got = item.get("span")
    return bool(got) and item.get("field", "text") == "text" and got[0] < span[1] and span[0] < got[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    pipe = Pipeline()
    pairs = list(generate(args.docs, seed=args.seed))
    records = pipe.extract_many([Document.from_dict(d) for d, _ in pairs])
    planted: Counter[str] = Counter()
    found: Counter[str] = Counter()
    span_found: Counter[str] = Counter()
    traps: Counter[str] = Counter()
    violations: Counter[str] = Counter()
    for (doc, truth), rec in zip(pairs, records, strict=True):
        assert not isinstance(rec, Exception), rec
        for note in truth["entities"]:
            kind = note["kind"]
            if kind not in _RECORD:
                continue
            planted[kind] += 1
            want = note["value"]
            if kind == "payment":
                want = (want["platform"], want["value"].lower())
            items = rec.get(_RECORD[kind]) or []
            hit = [i for i in items if _value(kind, i) == want]
            found[kind] += bool(hit)
            span = _offset(doc, note)
            if kind in ("phone", "age", "price") and span is not None:
                span_found[kind] += any(_overlaps(i, span) for i in hit)
        for note in truth["traps"]:
            traps[note["trap"]] += 1
            span = _offset(doc, note)
            if span is None:
                continue
            for kind, bad in note["not"].items():
                items = rec.get(_RECORD[kind]) or []
                if kind == "phone":  # no phone may overlap a date, an id or a measurement at all
                    wrong = [i for i in items if _overlaps(i, span)]
                else:
                    wrong = [i for i in items if _value(kind, i) in bad and _overlaps(i, span)]
                if wrong:
                    violations[f"{note['trap']}->{kind}"] += 1
            if "phone" not in note["not"] and any(_overlaps(i, span) for i in rec.get("phones") or []):
                violations[f"{note['trap']}->phone"] += 1
    out = {"bench": "extract_truth", "docs": args.docs, "seed": args.seed, "profile": "realistic",
           "entities": {k: {"planted": planted[k], "recall": round(found[k] / planted[k], 4) if planted[k] else None,
                            **({"span_recall": round(span_found[k] / planted[k], 4)}
                               if k in ("phone", "age", "price") else {})} for k in _RECORD},
           "traps": dict(traps), "violations": dict(violations.most_common()),
           "traps_violated": round(sum(violations.values()) / max(1, sum(traps.values())), 4)}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

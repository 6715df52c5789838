"""Extraction benchmark: throughput and memory on a synthetic corpus, quality on the real holdout.

Prints one JSON object. The holdout (../shared/holdout/dev.jsonl, real ads) is only read here, never
copied; when it is absent that part is skipped with a message.

    python bench/extract.py [--docs 100000] [--holdout PATH] [--no-speed] [--profile realistic|compact]
        [--speed-only]

The synthetic corpus is the realistic profile by default (lengths fitted to real ads). Measured
2026-12-06, 20,000 documents, 2 shared cores (load ~11): realistic 1,457 docs per CPU-second (mean
551 characters), compact 2,948 (mean 143) in the same run.
After the extraction speed work of issue 17 (compact view offset map, e-mail gate): 3,000 realistic
documents of seed 7 (mean 603 characters), `--speed-only`, 3 runs alternating with the commit before,
load 10-16: before 1,593 · 1,512 · 1,474, after 1,398 · 1,733 · 1,812 docs per CPU-second.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from adtrace.documents import Document
from adtrace.pipeline import BATCH, Pipeline

LABELLED = frozenset({"snapchat", "twitter", "wechat", "instagram"})
HOLDOUT = Path(__file__).resolve().parents[2] / "shared" / "holdout" / "dev.jsonl"


def corpus(n: int, seed: int, profile: str = "realistic") -> Iterator[Document]:
    from adtrace.synth import generate

    for doc, _truth in generate(n, seed=seed, profile=profile):
        yield Document.from_dict(doc)


def speed(n: int, seed: int, profile: str = "realistic") -> dict[str, Any]:
    pipe = Pipeline()
    docs = list(corpus(n, seed, profile))
    chars = sum(len(d.full_text) for d in docs)
    # Warm on other documents: lazily built tables (gazetteer, phone metadata) and the code paths,
    # without filling the phone caches with the measured documents' own numbers.
    for doc in corpus(1000, seed + 1000, profile):
        pipe.extract(doc)
    # CPU time of this process is the "docs/s on one core" figure; wall time also counts whatever
    # else shares the machine.
    start, cpu = time.perf_counter(), time.process_time()
    entities: Counter[str] = Counter()
    # In batches, as `adtrace extract`, ingest and the engines run it (stage by stage per batch).
    for i in range(0, n, BATCH):
        for rec in pipe.extract_many(docs[i:i + BATCH]):
            assert not isinstance(rec, Exception), rec
            for k in ("phones", "emails", "handles", "ages", "prices", "places", "names"):
                entities[k] += len(rec[k])
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"docs": n, "profile": profile, "mean_chars": round(chars / n), "seconds": round(elapsed, 2),
            "batch": BATCH, "docs_per_s": round(n / elapsed), "cpu_seconds": round(cpu, 2), "docs_per_cpu_s": round(n / cpu),
            "entities": dict(entities)}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def _multiset_counts(got: list[Any], want: list[Any]) -> tuple[int, int, int]:
    g, w = Counter(got), Counter(want)
    tp = sum((g & w).values())
    return tp, sum(g.values()) - tp, sum(w.values()) - tp


def holdout(path: Path) -> dict[str, Any]:
    pipe = Pipeline()
    tallies: dict[str, list[int]] = {}
    misses: Counter[str] = Counter()

    def tally(name: str, tp: int, fp: int, fn: int) -> None:
        t = tallies.setdefault(name, [0, 0, 0])
        t[0] += tp
        t[1] += fp
        t[2] += fn

    for line in path.open(encoding="utf-8"):
        case = json.loads(line)
        kind = case["case_type"]
        text = case["text"]
        doc_fields: dict[str, Any] = {"id": case["id"], "text": text}
        if case.get("input_kind") == "url":
            doc_fields["url"] = text
            # A URL-only case: the URL is both the field and the only text; sets absorb the repeat.
        rec = pipe.extract(Document.from_dict(doc_fields))
        if kind == "phone":
            got = {p["value"] for p in rec["phones"]}
            want = set(case["expected_phones_e164"])
            tp, fp, fn = len(got & want), len(got - want), len(want - got)
            tally("phone", tp, fp, fn)
            tally(f"phone.{case['input_kind']}", tp, fp, fn)
        elif kind == "age":
            got_a, want_a = {a["value"] for a in rec["ages"]}, set(case["expected_ages"])
            tally("age", len(got_a & want_a), len(got_a - want_a), len(want_a - got_a))
        elif kind == "price":
            tally("price", *_multiset_counts([float(p["amount"]) for p in rec["prices"]],
                                             [float(v) for v in case["expected_prices"]]))
        elif kind == "email":
            got_e = {e["value"].lower() for e in rec["emails"]}
            want_e = {e.lower() for e in case["expected_emails"]}
            tally("email", len(got_e & want_e), len(got_e - want_e), len(want_e - got_e))
        elif kind == "social_handle":
            # The holdout labels only these networks; handles on others are out of its scope.
            got_h = {(h["platform"], h["value"].lower()) for h in rec["handles"] if h["platform"] in LABELLED}
            want_h = {(p, v.lower()) for p, vs in case["expected_social_handles"].items() for v in vs}
            tally("handle", len(got_h & want_h), len(got_h - want_h), len(want_h - got_h))
            # Platform-blind: did we find the handle at all?
            got_v, want_v = {v for _, v in got_h}, {v for _, v in want_h}
            tally("handle.value_only", len(got_v & want_v), len(got_v - want_v), len(want_v - got_v))
        elif kind == "name":
            got_n = {n["value"].lower() for n in rec["names"]}
            want_n = {n.lower() for n in case["expected_names"]}
            tally("name", len(got_n & want_n), len(got_n - want_n), len(want_n - got_n))
        else:
            misses[kind] += 1
    return {k: _prf(*v) for k, v in sorted(tallies.items())}


def synthetic_places(n: int, seed: int) -> dict[str, Any]:
    """Places against the generator's truth (the city each ad was planted in). A text place in
    another country than the planted one is a misreading (a worker's name, a brand, a word) or, for
    most of those left, a real mention: synthetic job ads recruit abroad (Doha, Warsaw). Also the
    planted e-mails and payment handles (synthetic forms only: they show the extractors work end to
    end, not how they fare on real ads)."""
    from adtrace.places.gazetteer import fold
    from adtrace.synth import generate

    pipe = Pipeline()
    pairs = [(Document.from_dict(d), t) for d, t in generate(n, seed=seed) if t.get("city")]
    records = pipe.extract_many([d for d, _ in pairs])
    found = text_places = foreign = 0
    misread: Counter[str] = Counter()
    contacts: dict[str, list[int]] = {"emails": [0, 0, 0], "payments": [0, 0, 0]}
    for (_, truth), rec in zip(pairs, records, strict=True):
        assert not isinstance(rec, Exception), rec
        for kind, got, want in (
                ("emails", {e["value"] for e in rec["emails"]}, set(truth["emails"])),
                ("payments", {(p["platform"], p["value"].lower()) for p in rec["payments"]},
                 {(p["platform"], p["value"].lower()) for p in truth["payments"]})):
            t = contacts[kind]
            t[0] += len(got & want)
            t[1] += len(got - want)
            t[2] += len(want - got)
        found += fold(truth["city"]) in {fold(p["name"]) for p in rec["places"]}
        for p in rec["places"]:
            if p["via"] == "text":
                text_places += 1
                if p["country"] != truth["country"]:
                    foreign += 1
                    misread[f"{p['name']} ({p['country']})"] += 1
    return {"docs": len(pairs), "planted_city_found": round(found / len(pairs), 4),
            "text_places": text_places, "text_places_in_another_country": foreign,
            "most_misread": dict(misread.most_common(5)),
            "planted_contacts": {k: _prf(*v) for k, v in contacts.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--holdout", type=Path, default=HOLDOUT)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--profile", default="realistic", help="synthetic corpus profile: realistic or compact")
    ap.add_argument("--speed-only", action="store_true", help="only the speed part (for runs alternating commits)")
    args = ap.parse_args()
    out: dict[str, Any] = {"bench": "extract"}
    if not args.no_speed:
        out["speed"] = speed(args.docs, args.seed, args.profile)
        # Peak so far: the speed run (its 100k documents held in memory included), before the parts below.
        out["speed"]["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if args.speed_only:
        print(json.dumps(out, indent=2))
        return
    out["synthetic_places"] = synthetic_places(20_000, args.seed + 1)
    if args.holdout.exists():
        out["holdout"] = holdout(args.holdout)
    else:
        print(f"holdout not found at {args.holdout}; quality part skipped", file=sys.stderr)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

"""Aggregate figures of the real dev corpora that `adtrace synth --profile realistic` is fitted to.

    .venv/bin/python bench/synth_fit.py [--backpage PATH] [--emscad PATH]

Reads ../shared/realdata/backpage-dev.jsonl and emscad-dev.jsonl and prints JSON only: length
quantiles (title + "\\n" + text, in characters) and, for each generic notation (site chrome, noise,
rate notations...), the share of documents where a regular expression finds it. No text, number or
handle is printed. The parameters in src/adtrace/synth/realistic/fitted.py were copied from this
output (figures only).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata"
QS = tuple(range(0, 101, 5))

# Generic notations: none of these patterns names a person, a number or a phrase of a real ad.
NOTATIONS: dict[str, str] = {
    "title_tail_dash": r"(?m)\s[-–|]\s*[^-–|\n]{2,40}$",
    "posted_line": r"(?i)\bposted\b\s*:?",
    "post_id": r"(?i)\b(post|ad)\s*(id|#|number|no\.?)\s*:?\s*\d{4,}",
    "age_field": r"(?i)\b(poster'?s?\s+)?age\s*:\s*\d\d",
    "location_field": r"(?i)\blocation\s*:",
    "disclaimer": r"(?i)disclaim|not affiliated|law enforcement|\bleo\b|money is for time|time (and|&) companionship",
    "measurements": r"\b[3-4]\d\s?[A-Za-z]{0,3}\s?[-/]\s?[2-3]\d\s?[-/]\s?[3-4]\d\b",
    "height": r"(?i)\b[4-6]\s?(?:'|ft|feet|’)\s?\d{0,2}",
    "weight": r"(?i)\b\d{2,3}\s?(?:lbs?|pounds)\b",
    "dollar_amount": r"\$\s?\d{2,4}",
    "roses": r"(?i)\broses?\b",
    "donation": r"(?i)\bdonations?\b",
    "rate_short": r"(?i)\b(qv|qk|hh|hhr|fh|hr|hour|half)\b",
    "minutes": r"(?i)\b\d{2}\s?(min|mins|minutes)\b",
    "url": r"(?i)https?://|www\.",
    "html_entity": r"&(?:[a-z]{2,6}|#\d{2,6});",
    "html_tag": r"(?i)</?(?:br|p|b|i|u|div|span|a|strong|em|font)\b[^>]*>",
    "literal_escape": r"\\u[0-9a-fA-F]{4}|\\[nrt]|\\x[0-9a-fA-F]{2}",
    "emoji": r"[\U0001F300-\U0001FAFF\u2600-\u27BF]",
    "separator_line": r"(?m)^\s*([^\w\s])\1{2,}\s*$|^\s*[\U0001F300-\U0001FAFF\u2600-\u27BF\s]{3,}$",
    "symbol_run": r"([*~=_♡♥★☆✿❤-])\1{2,}",
    "all_caps_line": r"(?m)^[^a-z\n]*[A-Z]{4,}[^a-z\n]*$",
    "spanish": r"(?i)\b(hola|soy|papi|amor|disponible|llamame|bienvenidos|chica|latina)\b",
    "email": r"[\w.+-]+@[\w-]+\.[a-z]{2,}",
    "at_handle": r"(?<![\w.])@[A-Za-z_]\w{2,}",
    "phone_like": r"\(?\b\d{3}\)?[\s.*-]?\d{3}[\s.*-]?\d{4}\b",
    "date_like": r"\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b|\b(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s\d{1,2}\b",
    "price_like": r"(?i)\$\s?\d{2,4}|\b\d{2,3}\s?(?:roses?|hh|hr|/h|hours?|half|qv|special|donations?|usd|dollars?)\b",
    "times_24_7": r"\b24\s?/\s?7\b|\b24\s?hrs?\b",
    "plus18": r"\b18\s?\+|\b18 ?(?:and|&) ?(?:up|over)\b",
    "incall_outcall": r"(?i)\b(in|out)\s?calls?\b",
    "screening": r"(?i)\bscreen",
    "new_in_town": r"(?i)new (in|to) (town|the area)|just arrived|visiting",
}

TITLE_NOTATIONS: dict[str, str] = {
    "tail_dash": NOTATIONS["title_tail_dash"],
    "tail_age": r"\s-\s*\d{2}\s*$",
    "emoji": NOTATIONS["emoji"],
    "all_caps": r"^[^a-z]*[A-Z]{4,}[^a-z]*$",
    "repeated_word": r"(?i)\b(\w{4,})\b.*\b\1\b",
}


def _quantiles(values: list[int]) -> dict[str, float]:
    s = sorted(values)
    out: dict[str, float] = {}
    for q in QS:
        pos = (len(s) - 1) * q / 100
        lo = int(pos)
        hi = min(lo + 1, len(s) - 1)
        out[f"p{q}"] = round(s[lo] + (s[hi] - s[lo]) * (pos - lo), 1)
    out["mean"] = round(sum(s) / len(s), 1)
    return out


def _rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def backpage(path: Path) -> dict[str, Any]:
    rows = _rows(path)
    full = [(r.get("title") or "") + "\n" + (r.get("text") or "") for r in rows]
    rates = {}
    for name, pat in NOTATIONS.items():
        rx = re.compile(pat)
        rates[name] = round(sum(1 for t in full if rx.search(t)) / len(full), 3)
    title_rates = {name: round(sum(1 for r in rows if re.search(pat, r.get("title") or "")) / len(rows), 3)
                   for name, pat in TITLE_NOTATIONS.items()}
    emoji = re.compile(NOTATIONS["emoji"])
    phone = re.compile(NOTATIONS["phone_like"])
    lines = [t.count("\n") + 1 for t in full]
    return {"rows": len(rows), "length": _quantiles([len(t) for t in full]),
            "title_length": _quantiles([len(r.get("title") or "") for r in rows]),
            "lines": _quantiles(lines), "rates": rates, "title_rates": title_rates,
            "emoji_per_doc": _quantiles([len(emoji.findall(t)) for t in full]),
            "phones_per_doc_mean": round(sum(len(phone.findall(t)) for t in full) / len(full), 2),
            "upper_share": round(sum(sum(c.isupper() for c in t) for t in full) / sum(len(t) for t in full), 3),
            "digit_share": round(sum(sum(c.isdigit() for c in t) for t in full) / sum(len(t) for t in full), 3)}


def emscad(path: Path) -> dict[str, Any]:
    rows = _rows(path)
    out: dict[str, Any] = {"rows": len(rows)}
    for label, pick in (("all", None), ("genuine", 0), ("fraudulent", 1)):
        sel = [r for r in rows if pick is None or r.get("fraudulent") == pick]
        out[label] = {"rows": len(sel),
                      "length": _quantiles([len((r.get("title") or "") + "\n" + (r.get("text") or "")) for r in sel])}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backpage", type=Path, default=REAL / "backpage-dev.jsonl")
    ap.add_argument("--emscad", type=Path, default=REAL / "emscad-dev.jsonl")
    args = ap.parse_args()
    print(json.dumps({"backpage": backpage(args.backpage), "emscad": emscad(args.emscad)}, indent=1))


if __name__ == "__main__":
    main()

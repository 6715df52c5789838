"""Phone recall per obfuscation style, and false phones in number-laden ads without one (synthetic).

Every text here is generated from patterns written for this bench (published obfuscation patterns of
escort and spam ads: spelled digits in English and Spanish, mixed words and digits, digits glued to a
word, letters for digits, separators of every kind, emoji digits and keycaps, full-width digits,
numbers split across lines, homophones, leet digit words, separator words, "double"/"triple"); no
real ad is read. For each style, `--n` random valid North American numbers are written that way
inside a short ad and the bench counts how often extraction returns exactly that number. Decoys are
ads that hold rates, dates, times, measurements, post ids and prose with digit words inside other
words ("someone", "weight", "todos"), and no phone: every phone found there is a false one; they
also hold no age, and small numbers (dates, times, roads, rooms, counts, ids, measurements): every age
under 18 read there is an invented minor.

    .venv/bin/python bench/obfuscation.py [--n 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable

import phonenumbers

from adtrace.documents import Document
from adtrace.pipeline import Pipeline

EN = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
ES = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"]
LEET = ["z3ro", "0ne", "tw0", "thr33", "f0ur", "f1ve", "s1x", "s3v3n", "e1ght", "n1ne"]
KEYCAP = "\ufe0f\u20e3"
SEPS = ["-", ".", " ", "~", "*", "/", "•", "|", "_", " - ", " . ", "**", "*/", "💋", "🌹", "\\u2022", ",", ":", "=",
        " ~ ", "..", "♥", "➖"]
WORDS = ["call", "text", "callme", "txt", "hmu", "reach", "contact", "phone"]
NAMES = ["Candy", "babe", "x", "KISSES", "ask", "Jade", "me", "xoxo"]
TAILS = ["", " now", " anytime", " xoxo", " no blocked calls", " 24/7"]
_OPENINGS = ["Sweet and discreet, new in town.", "Hi gentlemen! Upscale companion, incall/outcall.",
             "Let me make your day ❤️", "Available tonight, real pics."]


def _number(rng: random.Random) -> str:
    while True:
        digits = f"{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
        num = phonenumbers.parse("+1" + digits)
        if phonenumbers.is_valid_number(num):
            return digits


def _groups(d: str) -> list[str]:
    return [d[:3], d[3:6], d[6:]]


def _mixed(d: str, rng: random.Random, words: list[str]) -> str:
    return "".join(words[int(c)] if rng.random() < 0.5 else c for c in d)


STYLES: dict[str, Callable[[str, random.Random], str]] = {
    "plain_dashes": lambda d, r: "-".join(_groups(d)),
    "parens": lambda d, r: f"({d[:3]}) {d[3:6]}-{d[6:]}",
    "spelled_en": lambda d, r: " ".join(EN[int(c)] for c in d),
    "spelled_en_caps_hyphens": lambda d, r: "-".join("-".join(EN[int(c)].upper() for c in g) for g in _groups(d)),
    "spelled_es": lambda d, r: " ".join(ES[int(c)] for c in d),
    "mixed_words_digits": lambda d, r: " ".join(_mixed(g, r, EN) for g in _groups(d)),
    "mixed_es": lambda d, r: " ".join(_mixed(g, r, ES) for g in _groups(d)),
    "glued_after_word": lambda d, r: r.choice(WORDS) + _mixed(d, r, EN),
    "spelled_glued_after_word": lambda d, r: r.choice(WORDS) + "".join(EN[int(c)] for c in d[:3]) + " "
    + " ".join(_groups(d)[1:]),
    "glued_before_word": lambda d, r: _mixed(d, r, EN) + r.choice(WORDS),
    "letters_for_digits": lambda d, r: "-".join(_groups(d)).replace("0", r.choice("oO")).replace("1", r.choice("lI")),
    "separator_each_gap": lambda d, r: r.choice(SEPS).join(_groups(d)),
    "separator_each_digit": lambda d, r: r.choice(SEPS).join(d),
    "keycaps": lambda d, r: "".join(c + KEYCAP for c in d),
    "fullwidth": lambda d, r: "".join(chr(0xFF10 + int(c)) for c in d),
    "split_lines": lambda d, r: "\n".join(_groups(d)),
    "leet_words": lambda d, r: " ".join(LEET[int(c)] if r.random() < 0.5 else EN[int(c)] for c in d),
    "separator_words": lambda d, r: f" {r.choice(['dot', 'dash'])} ".join(_groups(d)),
    "double_triple": lambda d, r: _repeat_words(d),
    "spaced_letters": lambda d, r: " ".join(EN[int(d[0])]) + " " + d[1:3] + "-" + d[3:6] + "-" + d[6:],
    "dotted_gaps": lambda d, r: " . . . ".join(_groups(d)),
    "word_between_groups": lambda d, r: f" {r.choice(NAMES)} ".join(_groups(d)),
}


def _repeat_words(d: str) -> str:
    out, i = [], 0
    while i < len(d):
        if d[i:i + 3] == d[i] * 3:
            out.append(f"triple {EN[int(d[i])]}")
            i += 3
        elif d[i:i + 2] == d[i] * 2:
            out.append(f"double {d[i]}")
            i += 2
        else:
            out.append(d[i])
            i += 1
    return " ".join(out)


def _repeating_number(rng: random.Random) -> str:
    """A valid number with a doubled or tripled digit (for the double/triple style)."""
    while True:
        d = _number(rng)
        k = rng.randint(3, 7)
        d = d[:k] + d[k] * (3 if rng.random() < 0.5 else 2) + d[k + 1:]
        d = d[:10]
        if phonenumbers.is_valid_number(phonenumbers.parse("+1" + d)):
            return d


def _ad(body: str, rng: random.Random) -> str:
    return f"{rng.choice(_OPENINGS)} {rng.choice(['Call', 'Text', 'Contact'])} {body}{rng.choice(TAILS)}"


def decoys(n: int, rng: random.Random) -> list[str]:
    """Number-laden ads with no phone."""
    forms: list[Callable[[], str]] = [
        lambda: f"Rates: {rng.randint(6, 9)}0 qv {rng.randint(10, 15)}0 hh {rng.randint(18, 30)}0 hr "
                f"{rng.randint(4, 9)}00 overnight",
        lambda: f"Posted: {rng.choice(['Monday', 'Friday'])}, {rng.choice(['March', 'August'])} {rng.randint(1, 28)}, "
                f"20{rng.randint(10, 24)} {rng.randint(1, 12)}:{rng.randint(10, 59)} PM  Post ID: {rng.randint(10**7, 10**9)}",
        lambda: f"{rng.randint(32, 38)}{rng.choice(['C', 'D', 'DD'])}-{rng.randint(22, 28)}-{rng.randint(34, 40)}, "
                f"5'{rng.randint(1, 9)} {rng.randint(100, 140)}lbs, {rng.randint(150, 180)} cm",
        lambda: f"someone special, alone tonight? tattoo on my weight {rng.randint(100, 130)} todos bienvenidos "
                f"{rng.randint(100, 999)} {rng.randint(100, 999)}",
        lambda: f"exit {rng.randint(10, 99)} off the {rng.randint(5, 605)} fwy, {rng.randint(100, 9999)} Main St "
                f"suite {rng.randint(100, 999)}",
        lambda: f"{rng.randint(60, 90)}$qk {rng.randint(100, 150)}/hh {rng.randint(160, 250)}/h "
                f"dot com double {rng.randint(2, 9)} triple {rng.randint(2, 9)} hundred roses",
        lambda: f"available {rng.randint(1, 12)}am to {rng.randint(1, 12)}pm, 24/7 . . . {rng.randint(2, 9)} . . . "
                f"{rng.randint(2, 9)} girls, ages {rng.randint(19, 25)}-{rng.randint(26, 40)}",
        # Minor traps: small numbers that are dates, times, roads, rooms, counts, discounts, ids.
        lambda: f"{rng.choice(['Aug', 'Sept', 'March'])} {rng.randint(1, 17)}, {rng.choice(['Sunday', 'Fri'])} "
                f"{rng.randint(1, 17)}, {rng.randint(1, 12)}/{rng.randint(1, 17)}, {rng.randint(1, 12)} noon, "
                f"right off the {rng.randint(5, 17)} fwy, exit {rng.randint(1, 17)}, I-{rng.randint(5, 17)}",
        lambda: f"room {rng.randint(1, 17)}, ${rng.randint(10, 17)} off, {rng.randint(2, 17)} min away, "
                f"post id {rng.randint(1, 17)}, #{rng.randint(1, 17)}, open {rng.randint(6, 11)} to {rng.randint(1, 12)}, "
                f"{rng.randint(2, 5)} girls, {rng.randint(2, 17)} reviews",
        # Rate lists and addresses with a word between three-digit groups (no phone, for word_between_groups).
        lambda: f"{rng.randint(20, 40)}0 quickie {rng.randint(30, 60)}0 hourly {rng.randint(10, 30)}00 vip",
        lambda: f"{rng.randint(200, 999)} Ocean suite {rng.randint(200, 999)} , {rng.randint(20, 99)} girls "
                f"{rng.randint(1000, 9999)} reviews",
        lambda: f"5'{rng.randint(1, 11)} {rng.randint(95, 140)}lbs {rng.randint(30, 38)}D-{rng.randint(22, 28)}-"
                f"{rng.randint(30, 38)} size {rng.randint(1, 12)} shoe {rng.randint(5, 10)}, call after {rng.randint(1, 12)} "
                f"seven two {rng.choice(EN)} {rng.choice(EN)}",
    ]
    return [_ad(rng.choice(forms)(), rng) for _ in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="numbers per style, and decoy ads")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pipe = Pipeline()
    recall: dict[str, float] = {}
    for name, style in STYLES.items():
        hits = 0
        for _ in range(args.n):
            digits = _repeating_number(rng) if name == "double_triple" else _number(rng)
            rec = pipe.extract(Document.from_dict({"id": "s", "text": _ad(style(digits, rng), rng)}))
            hits += [p["value"] for p in rec["phones"]] == ["+1" + digits]
        recall[name] = round(hits / args.n, 3)
    false = minors = 0
    decoy_ads = decoys(args.n * 3, rng)
    for text in decoy_ads:
        rec = pipe.extract(Document.from_dict({"id": "d", "text": text}))
        false += len(rec["phones"])
        minors += sum(a["value"] < 18 for a in rec["ages"])
    out = {"bench": "obfuscation", "n": args.n, "seed": args.seed,
           "mean_recall": round(sum(recall.values()) / len(recall), 4), "recall": recall,
           "decoy_ads": len(decoy_ads), "false_phones_in_decoys": false,
           "ages_under_18_in_decoys": minors}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

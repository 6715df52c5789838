"""Given names for redaction: a capitalised word that is a common given name is masked in redacted
exports even where the extractor found no self-introduction ("Amber 21 ready now").

The list (`given_names.txt`, shipped) is the US Census Bureau's 1990 first names (public domain:
`dist.female.first`, `dist.male.first`), less the ordinary words among them ("May", "Will", "Love").
Regenerate by hand: `python -m adtrace.cases.givennames dist.female.first dist.male.first`. Nothing
reads the census files at run time.
"""

from __future__ import annotations

import sys
from functools import cache
from importlib import resources

# Census first names that are ordinary English words, months or places more often than names (from
# those among wordfreq's 2,000 most frequent English words). Names such as Hope, Rose or Summer stay:
# they are common in ads, and masking a word is the safe mistake.
_ORDINARY_WORDS = """
america an angeles april art august brain carry chance china else florida france gay german guy in
india israel january june king lady long love major man many may miles miss my numbers ok page prince
queen rich royal season see september so son song soon spring sun sunday van will winter young
"""
ORDINARY = frozenset(_ORDINARY_WORDS.split())
HEADER = "# Given names (US Census 1990 first names, less ordinary words). Made by adtrace.cases.givennames.\n"


@cache
def given_names() -> frozenset[str]:
    """Lower-cased given names."""
    text = resources.files("adtrace.cases").joinpath("given_names.txt").read_text(encoding="utf-8")
    return frozenset(w for w in text.split() if not w.startswith("#"))


def main(argv: list[str]) -> int:
    names: set[str] = set()
    for path in argv:
        with open(path, encoding="ascii") as fh:
            names |= {line.split()[0].lower() for line in fh if line.strip()}
    found = sorted(n for n in names - ORDINARY if len(n) >= 3)
    target = resources.files("adtrace.cases").joinpath("given_names.txt")
    with open(str(target), "w", encoding="utf-8") as fh:
        fh.write(HEADER + "\n".join(found) + "\n")
    print(f"{len(found)} names -> {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

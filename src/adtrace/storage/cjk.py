"""CJK text for the full-text index: overlapping character bigrams of every run of CJK characters.

Chinese and Japanese write no spaces, so both word indexes (FTS5 unicode61, PostgreSQL's 'simple'
parser) keep a whole run of characters as one token: "按摩" inside "北京按摩服务" was never found.
A side index (migration 0013) holds each run as bigrams plus its last character ("北京 京按 按摩 摩服
服务 务"); a query run becomes the phrase of its bigrams, a single character the prefix "按*". Every
substring of a run is then found, whatever a dictionary would call a word. A dictionary segmenter
(jieba, index with cut_for_search, query with cut) was measured against this (`bench/cjk_segment.py`,
realistic synthetic corpus, 1,002 ads with CJK text, 19,040 two-character dictionary words inside
longer runs): it found 95.2 % of them, the bigrams 100 %; it cost 2,626 µs per ad against 185 µs and
2.8 s to load its dictionary, and PostgreSQL could not run it in a trigger.

PostgreSQL computes the same grams in SQL (`adtrace_cjk_grams`, migration 0013) so every writer, COPY
included, fills the index; tests check both backends find the same documents.
"""

from __future__ import annotations

import re

# Hiragana, Katakana, CJK Extension A, CJK Unified Ideographs, Hangul syllables, CJK Compatibility
# Ideographs. The same ranges are written into PostgreSQL's function (migration 0013): keep them equal.
RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
RUN = re.compile(f"[{RANGES}]+")


def has_cjk(text: str) -> bool:
    return RUN.search(text) is not None


def run_grams(run: str) -> list[str]:
    """One run's bigrams and its last character: every substring of the run is a phrase of these."""
    return [run[i:i + 2] for i in range(len(run) - 1)] + [run[-1]]


def grams(*texts: str | None) -> str:
    """The side index's text for a document (title, text, location): '' when it has no CJK run."""
    out: list[str] = []
    for t in texts:
        if t:
            for m in RUN.finditer(t):
                out += run_grams(m.group(0))
    return " ".join(out)


def query_runs(word: str) -> list[str]:
    """The CJK runs in one query word."""
    return RUN.findall(word)


def fts5_run(run: str) -> str:
    """A run as an FTS5 query: a single character as a prefix, longer runs as the phrase of bigrams."""
    if len(run) == 1:
        return f'"{run}"*'
    return '"' + " ".join(run[i:i + 2] for i in range(len(run) - 1)) + '"'


def tsquery_run(run: str) -> str:
    """A run as a tsquery: the same as `fts5_run`."""
    if len(run) == 1:
        return f"{run}:*"
    words = [run[i:i + 2] for i in range(len(run) - 1)]
    return "(" + " <-> ".join(words) + ")" if len(words) > 1 else words[0]

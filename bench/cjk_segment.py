"""Why the CJK side index uses bigrams, not a segmenter: recall and cost against jieba.

    .venv/bin/pip install jieba && .venv/bin/python bench/cjk_segment.py    # jieba is not a dependency

For every two-character dictionary word (jieba's own dictionary) that occurs inside a longer run of
CJK characters in the realistic synthetic corpus: is the document found by it? jieba indexes with
cut_for_search and queries with cut (its documented search setup); the bigram index (adtrace/storage/
cjk.py) by the phrase of bigrams. Prints one JSON object. Synthetic ads only.
"""

from __future__ import annotations

import json
import logging
import time

import jieba  # type: ignore[import-not-found]

from adtrace.storage.cjk import RUN, grams
from adtrace.synth import generate

jieba.setLogLevel(logging.WARNING)


def main() -> None:
    t0 = time.perf_counter()
    jieba.initialize()
    init_s = time.perf_counter() - t0
    texts = [d["text"] for d, _ in generate(20000, seed=4) if RUN.search(d["text"])]
    words = {w for w, f in jieba.dt.FREQ.items() if len(w) == 2 and f > 0 and RUN.fullmatch(w)}
    pairs = found_j = found_b = 0
    tj = tb = 0.0
    for t in texts:
        a = time.perf_counter()
        toks = set(jieba.cut_for_search(t))
        tj += time.perf_counter() - a
        a = time.perf_counter()
        g = set(grams(t).split())
        tb += time.perf_counter() - a
        for run in RUN.findall(t):
            for i in range(len(run) - 1):
                w = run[i:i + 2]
                if w in words and len(run) > 2:  # a word inside a longer run
                    pairs += 1
                    found_j += all(x in toks for x in jieba.cut(w))
                    found_b += w in g
    print(json.dumps({"corpus": "adtrace synth realistic, 20k docs seed 4, docs with CJK", "docs": len(texts),
                      "word_occurrences": pairs, "jieba_recall": round(found_j / max(1, pairs), 4),
                      "bigram_recall": round(found_b / max(1, pairs), 4), "jieba_init_s": round(init_s, 2),
                      "jieba_us_per_doc": round(tj / max(1, len(texts)) * 1e6, 1),
                      "bigram_us_per_doc": round(tb / max(1, len(texts)) * 1e6, 1)}))


if __name__ == "__main__":
    main()

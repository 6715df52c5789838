"""Parameters of the realistic profile fitted to real dev corpora: figures only, never text.

Every table here was copied from the JSON that `bench/synth_fit.py` prints (run 2026-12-06):
length quantiles p0, p5, ..., p100 of `title + "\\n" + text` in characters, and shares of documents
where a generic notation occurs. Sources:
- escort-like ads: ../shared/realdata/backpage-dev.jsonl (3,051 real posts);
- job ads: ../shared/realdata/emscad-dev.jsonl (611 genuine, 409 fraudulent postings).
Lengths are drawn by linear interpolation between these quantiles (an empirical inverse CDF).
"""

from __future__ import annotations

# backpage-dev.jsonl, len(title + "\n" + text), p0..p100 step 5 (median 423, mean 446).
AD_LENGTH = (10.0, 182.0, 225.0, 264.0, 293.0, 316.0, 343.0, 362.0, 380.0, 400.5, 423.0, 441.0, 458.0, 479.0,
             505.0, 532.0, 572.0, 621.5, 691.0, 801.5, 2699.0)
# backpage-dev.jsonl, len(title), p0..p100 step 5 (median 68).
TITLE_LENGTH = (7.0, 26.0, 34.0, 39.0, 43.0, 47.0, 53.0, 56.0, 60.0, 65.0, 68.0, 73.0, 76.0, 80.0, 83.0, 87.0,
                91.0, 95.0, 100.0, 104.0, 121.0)
# backpage-dev.jsonl, emoji per document (U+1F300-1FAFF, U+2600-27BF), p0..p100 step 5 (median 14).
EMOJI_PER_AD = (0.0, 0.0, 0.0, 3.0, 5.0, 6.0, 7.0, 9.0, 11.0, 12.0, 14.0, 16.0, 18.0, 20.0, 23.0, 26.0, 30.0,
                35.0, 41.0, 53.0, 169.0)
# emscad-dev.jsonl genuine postings, len(title + "\n" + text), p0..p100 step 5 (median 2,618).
JOB_LENGTH_GENUINE = (136.0, 819.0, 1165.0, 1406.0, 1615.0, 1833.5, 2014.0, 2219.0, 2369.0, 2502.5, 2618.0,
                      2734.0, 2948.0, 3174.0, 3329.0, 3570.0, 3860.0, 4114.0, 4593.0, 5231.0, 8587.0)
# emscad-dev.jsonl fraudulent postings, same measure (median 1,639).
JOB_LENGTH_FRAUD = (23.0, 430.8, 532.8, 807.2, 873.6, 963.0, 1117.8, 1197.0, 1337.6, 1389.2, 1639.0, 1844.0,
                    2010.4, 2230.0, 2510.0, 2916.0, 3139.2, 3440.4, 4221.2, 5191.2, 8159.0)

# Shares of backpage-dev.jsonl documents in which `bench/synth_fit.py`'s pattern of that name matches.
# That file is a cleaned scrape (one line per post, site chrome stripped): the `examplelist` site is
# written like it. `cityboard` is written as a raw page dump instead (see CITYBOARD below).
BACKPAGE_RATES: dict[str, float] = {
    "title_tail_age": 1.0,  # every title ends in " - <age>"
    "emoji": 0.892, "symbol_run": 0.107, "all_caps_line": 0.051, "title_repeated_word": 0.079,
    "height": 0.14, "weight": 0.086, "measurements": 0.042, "disclaimer": 0.043, "times_24_7": 0.045,
    "spanish": 0.099, "email": 0.015, "url": 0.016, "screening": 0.026, "new_in_town": 0.067,
    "age_field": 0.01, "location_field": 0.011, "posted_line": 0.001, "post_id": 0.0, "price_like": 0.004,
    "roses": 0.013, "rate_short": 0.024, "date_like": 0.005, "phone_like": 0.808,
    "html_entity": 0.0, "html_tag": 0.0, "literal_escape": 0.0, "separator_line": 0.0,
}

# The raw-page site: chosen, not fitted (backpage-dev has the chrome stripped and prices banned, so it
# cannot give these). A page dump keeps its chrome on every post; rate tables are common on boards
# that allow them; markup and escape residue come from scrapers that do not decode.
CITYBOARD: dict[str, float] = {
    "posted_line": 0.9, "post_id": 0.9, "age_field": 0.8, "location_field": 0.8, "rate_table": 0.55,
    "disclaimer": 0.35, "html_entity": 0.08, "html_tag": 0.06, "literal_escape": 0.04, "url": 0.3,
    "separator_line": 0.25,
}


def draw(table: tuple[float, ...], u: float) -> int:
    """The value at quantile u (0..1) of a p0..p100 table by linear interpolation."""
    pos = u * (len(table) - 1)
    lo = min(int(pos), len(table) - 2)
    return round(table[lo] + (table[lo + 1] - table[lo]) * (pos - lo))


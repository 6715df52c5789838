"""A cluster's template: shared wording, slots where the ads differ, MDL says which ads it explains."""

from __future__ import annotations

from adtrace.linking.consensus import cluster_template

BODY = "Hi gentlemen, my name is {n}. Sweet and discreet, visiting {c} this week only. No rush, {x}call me today"


def _ad(n: str, c: str, x: str = "") -> tuple[str, dict[str, object]]:
    t = BODY.format(n=n, c=c, x=x)
    return t, {"names": [{"value": n, "span": [t.index(n), t.index(n) + len(n)]}],
               "places": [{"name": c, "span": [t.index(c), t.index(c) + len(c)], "via": "text"}]}


def test_template_has_name_and_city_slots_with_each_ads_values() -> None:
    ads = [_ad("Ann", "Phoenix"), _ad("Bea", "Reno", "private and clean place, "), _ad("Cat", "Austin")]
    out = cluster_template(ads)
    slots = [p for p in out["parts"] if "slot" in p]
    assert [s["kind"] for s in slots] == ["name", "place", "text"]
    text = " ".join(p["text"] for p in out["parts"] if "text" in p)
    assert "my name is" in text and "this week only" in text
    assert "Ann" not in text and "Phoenix" not in text  # values live in the slots, not in the template
    values = [a["values"] for a in out["ads"]]
    assert values[0] == {"0": "Ann", "1": "Phoenix"}
    assert values[1] == {"0": "Bea", "1": "Reno", "2": "private and clean place ,"}
    assert all(a["explained"] for a in out["ads"])


def test_an_unrelated_ad_is_not_explained_and_adds_no_slots() -> None:
    ads = [_ad("Ann", "Phoenix"), _ad("Bea", "Reno"),
           ("Moving sale: sofa, table and lamps, everything must go this weekend", None)]
    out = cluster_template(ads)
    assert [a["explained"] for a in out["ads"]] == [True, True, False]
    assert out["ads"][2]["bits_given_template"] >= out["ads"][2]["bits_alone"]
    assert [s["kind"] for s in out["slots"]] == ["name", "place"]


def test_one_ad_is_its_own_template() -> None:
    out = cluster_template([_ad("Ann", "Phoenix")])
    assert out["aligned"] == 1 and out["ads"][0]["explained"]
    assert cluster_template([])["parts"] == []


def test_html_entities_read_as_their_characters() -> None:
    """Scraped ads keep HTML entities; the tokeniser split them ("&", "nbsp", ";") and the cluster page's
    template read "Posted:& nbsp;" and "tomorrow&# ;s". Decoded first, the template holds the characters."""
    body = "Posted:&nbsp;{d} by {n} &amp; friends, see you tomorrow&#39;s night in {c}"
    ads = []
    for n, c, d in (("Ann", "Phoenix", "Monday"), ("Bea", "Reno", "Friday"), ("Cat", "Austin", "Sunday")):
        t = body.format(n=n, c=c, d=d)
        ads.append((t, {"names": [{"value": n, "span": [t.index(n), t.index(n) + len(n)]}],
                        "places": [{"name": c, "span": [t.index(c), t.index(c) + len(c)], "via": "text"}]}))
    out = cluster_template(ads)
    text = " ".join(p["text"] for p in out["parts"] if "text" in p)
    assert "nbsp" not in text and "#" not in text and "amp" not in text, text
    assert "Posted:" in text and "& friends" in text and "tomorrow's" in text, text
    assert out["ads"][0]["values"]["1"] == "Ann", out["ads"][0]["values"]


def test_a_huge_numeric_reference_reads_as_the_replacement_character() -> None:
    """html.unescape raises on a decimal reference of over 4,300 digits: one such ad stopped the cluster's
    template (and linking with it). Synthetic ads."""
    huge = "&#" + "9" * 5000 + ";"
    ads = [_ad("Ann", "Phoenix", f"{huge} "), _ad("Bea", "Reno", f"{huge} "), _ad("Cat", "Austin")]
    out = cluster_template(ads)
    assert "9999" not in " ".join(p.get("text", "") for p in out["parts"])
    assert out["ads"][0]["values"]["0"] == "Ann"


def test_the_shown_skeleton_decodes_a_huge_reference_too() -> None:
    from adtrace.linking.templates import mask

    text = "Posted:&nbsp;now &#" + "9" * 5000 + "; call"
    assert mask(text, {}, decode=True) == "Posted:\u00a0now \ufffd call"

"""HTML pages through site profiles: the two synthetic sites, markers, listing pages, bad profiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from adtrace import errors
from adtrace.documents import Document
from adtrace.sources import Options, ReadError, read_paths
from adtrace.sources.profiles import load_extra, parse_profile
from adtrace.synth import generate
from adtrace.synth.html import Sites


def render(tmp_path: Path, n: int = 40) -> tuple[Path, dict[str, dict[str, object]]]:
    root = tmp_path / "html"
    sites = Sites(root)
    docs = {}
    for d, _ in generate(n, seed=4):
        sites.add(d)
        docs[d["id"]] = d
    sites.close()
    return root, docs


def test_both_synthetic_sites_round_trip(tmp_path: Path) -> None:
    root, truth = render(tmp_path)
    pages = sorted(str(p) for p in root.rglob("*.html"))
    items = list(read_paths(pages))
    docs = [i for i in items if isinstance(i, Document)]
    assert not [i for i in items if isinstance(i, ReadError)]
    assert {d.source for d in docs} == {"examplelist", "cityboard"}
    assert len(docs) == sum(1 for d in truth.values() if d["source"] in ("examplelist", "cityboard"))
    for d in docs:
        want = truth[d.id]
        assert (d.source, d.url, d.title, d.location, d.author) == (
            want["source"], want["url"], want["title"] or None, want["location"], want["author"])
        assert " ".join(d.text.split()) == " ".join(str(want["text"]).split())
        assert d.posted_at is not None and d.posted_at[:16].replace(" ", "T") == str(want["posted_at"])[:16]
        assert len(d.images) == len(want.get("images") or [])  # type: ignore[arg-type]


def test_marker_matches_a_page_saved_anywhere(tmp_path: Path) -> None:
    page = tmp_path / "saved.html"
    page.write_text('<html><body><div id="wrap"><h2 id="adTitle">Hi</h2><section id="adText"><p>Line one</p>'
                    '<p>Line two</p></section><span class="adId">Ad #x-1</span></div></body></html>')
    [doc] = list(read_paths([str(page)]))
    assert isinstance(doc, Document)
    assert (doc.id, doc.source, doc.text, doc.url) == ("x-1", "cityboard", "Line one\nLine two", None)


def test_unknown_page_is_rejected_with_a_hint(tmp_path: Path) -> None:
    page = tmp_path / "other.html"
    page.write_text("<html><body><p>Nothing we know</p></body></html>")
    [item] = list(read_paths([str(page)]))
    assert isinstance(item, ReadError) and item.error.code == errors.UNKNOWN_FORMAT
    assert "Add a profile for the site" in item.error.message and "--profiles" not in item.error.message
    assert "--profiles" in item.error.cli_hint  # the flag only where the CLI prints it


def test_extra_profile_and_bad_profiles(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("name: testsite-html\nhosts: [testsite.test]\nselectors:\n"
                                     "  body: div.ad\n  title: h1\n  date: span.when\n")
    load_extra(tmp_path / "p.yaml")
    page = tmp_path / "testsite.test" / "ad" / "1.html"
    page.parent.mkdir(parents=True)
    page.write_text("<h1>T</h1><div class=ad>Body</div><span class=when>yesterday</span>")
    [doc] = list(read_paths([str(page)], Options(source="mine")))
    assert isinstance(doc, Document)
    assert (doc.source, doc.url, doc.title, doc.posted_at, doc.meta["date_raw"]) == (
        "mine", "https://testsite.test/ad/1.html", "T", None, "yesterday")
    for bad in ({"name": "x"}, {"name": "x", "selectors": {"body": "p"}},
                {"name": "x", "hosts": ["a"], "selectors": {"body": "p", "colour": "q"}},
                {"name": "x", "hosts": ["a"], "selectors": {"body": "p"}, "patterns": {"id": "("}}):
        with pytest.raises(errors.InputError):
            parse_profile(bad, "p.yaml")

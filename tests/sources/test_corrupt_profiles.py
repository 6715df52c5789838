"""Site profiles an admin edits (`adtrace ingest --profiles`) survive damage, and so does reading with them.

As tests/sources/test_corrupt_files.py: a valid profile (the shipped examplelist one, renamed for its own
host) is damaged (YAML bytes, or fields given other types or removed), loaded with `load_extra` as
`adtrace ingest --profiles` does, then a page of its site is read. Loading returns or raises a
catalogued `adtrace.errors` error naming the file; reading yields Documents and located ReadErrors only.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.sources.test_corrupt_files import byte_damage, html_bytes, json_damage

from adtrace import errors
from adtrace.sources import ReadError, read_paths
from adtrace.sources import profiles as prof

HOST = "fuzz-classifieds.test"


def _profile() -> dict[str, Any]:
    text = resources.files("adtrace.sources.profiles").joinpath("examplelist.yaml").read_text(encoding="utf-8")
    obj: dict[str, Any] = yaml.safe_load(text)
    obj.update(name="fuzzsite", source="fuzzsite", hosts=[HOST], markers=["article.fuzz"])
    return obj


@pytest.fixture(autouse=True)
def _restore_profiles() -> Iterator[None]:
    prof.profiles()  # the built-ins, loaded before the snapshot
    before = dict(prof._PROFILES)
    yield
    prof._PROFILES.clear()
    prof._PROFILES.update(before)


def check_profile(raw: bytes) -> None:
    before = dict(prof._PROFILES)
    try:
        with tempfile.TemporaryDirectory(prefix="adtrace-profile-") as tmp:
            path = Path(tmp) / "fuzz.yaml"
            path.write_bytes(raw)
            try:
                prof.load_extra(path)
            except errors.AdtraceError as exc:
                assert exc.code in errors.CATALOGUE and str(path) in exc.message, exc
                return
            page = Path(tmp) / HOST / "ads" / "1.html"
            page.parent.mkdir(parents=True)
            page.write_bytes(html_bytes().replace(b"example-classifieds.test", HOST.encode()))
            for item in read_paths([str(page)]):
                assert not isinstance(item, ReadError) or item.error.code in errors.CATALOGUE
    finally:
        prof._PROFILES.clear()
        prof._PROFILES.update(before)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.data())
def test_damaged_profile(data: st.DataObject) -> None:
    if data.draw(st.booleans()):
        raw = yaml.safe_dump(data.draw(json_damage(_profile())), allow_unicode=True).encode()
    else:
        raw = data.draw(byte_damage(yaml.safe_dump(_profile()).encode()))
    check_profile(raw)


@pytest.mark.parametrize("change", [
    {"selectors": {"body": "div.post-body["}},  # unparseable CSS: was SelectolaxError on every page read
    {"selectors": {"body": "div.post-body", "title": ["h1"]}},  # a list for a selector
    {"markers": ["article.fuzz@x"]},  # a marker is a whole selector
    {"hosts": 5},  # was TypeError: 'int' object is not iterable
    {"patterns": ["(x)"]},  # was AttributeError: 'list' object has no attribute 'items'
])
def test_profile_mistakes_are_named_when_loaded(tmp_path: Path, change: dict[str, Any]) -> None:
    obj = _profile() | change
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(obj))
    with pytest.raises(errors.InputError) as exc:
        prof.load_extra(path)
    assert exc.value.code == errors.BAD_FIELD and str(path) in exc.value.message


def test_profile_not_utf8_and_one_host_without_brackets(tmp_path: Path) -> None:
    """Was: UnicodeDecodeError as a traceback; and `hosts: site.test` matched hosts letter by letter."""
    path = tmp_path / "p.yaml"
    path.write_bytes(b"name: caf\xe9\nhosts: [a.test]\nselectors: {body: p}\n")
    with pytest.raises(errors.InputError) as exc:
        prof.load_extra(path)
    assert exc.value.code == errors.BAD_FIELD and str(path) in exc.value.message
    path.write_text("name: one-host\nhosts: site.test\nselectors: {body: p}\n")
    [p] = prof.load_extra(path)
    assert p.hosts == ("site.test",) and not p.matches_host("s")


def test_crawl_profiles_not_utf8(tmp_path: Path) -> None:
    """Was: UnicodeDecodeError out of `adtrace crawl --profiles DIR`. Now the file is named."""
    from adtrace.crawl import config

    (tmp_path / "p.yaml").write_bytes(b"name: caf\xe9\nhosts: [a.test]\nselectors: {body: p}\n")
    with pytest.raises(errors.InputError) as exc:
        config.load("examplelist", str(tmp_path))
    assert exc.value.code == errors.BAD_FIELD and str(tmp_path / "p.yaml") in exc.value.message


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.data())
def test_damaged_crawl_section(data: st.DataObject) -> None:
    """`adtrace crawl --profile fuzzsite --profiles DIR`: the crawl section of a damaged profile gives a
    CrawlConfig or a catalogued error naming the file, and the config's selectors parse."""
    from selectolax.lexbor import LexborHTMLParser

    from adtrace.crawl import config

    obj = _profile()
    obj["crawl"] = {**obj["crawl"], "start_urls": [f"https://{HOST}/"], "allowed_domains": [HOST]}
    with tempfile.TemporaryDirectory(prefix="adtrace-profile-") as tmp:
        path = Path(tmp) / "fuzz.yaml"
        path.write_text(yaml.safe_dump(data.draw(json_damage(obj)), allow_unicode=True), encoding="utf-8")
        try:
            cfg = config.load("fuzzsite", tmp)
        except errors.AdtraceError as exc:
            assert exc.code in errors.CATALOGUE, exc
            return
        page = LexborHTMLParser(html_bytes())
        for selector in (*cfg.ads, *cfg.follow):
            page.css(selector.partition("@")[0])  # SelectolaxError here: a selector the crawl would fail on
        assert cfg.start_urls and cfg.delay >= 0


@pytest.mark.parametrize("change", [{"ads": ["ul.listing a["]}, {"delay": "soon"}, {"start_urls": 5},
                                    {"follow": [["a"]]}, {"allow_private_addresses": "yes"}])
def test_crawl_section_mistakes(tmp_path: Path, change: dict[str, Any]) -> None:
    """Was: SelectolaxError on the first listing page, ValueError from float('soon'), TypeError iterating
    an int; a start URL written without brackets was crawled letter by letter. Now AT104 naming the file."""
    from adtrace.crawl import config

    obj = _profile()
    obj["crawl"] = {**obj["crawl"], "start_urls": [f"https://{HOST}/"], "allowed_domains": [HOST], **change}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(obj))
    with pytest.raises(errors.InputError) as exc:
        config.load("fuzzsite", str(tmp_path))
    assert exc.value.code == errors.BAD_FIELD and str(tmp_path / "p.yaml") in exc.value.message
    obj = _profile()
    obj["crawl"] = {**obj["crawl"], "start_urls": f"https://{HOST}/", "allowed_domains": [HOST]}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(obj))
    assert config.load("fuzzsite", str(tmp_path)).start_urls == (f"https://{HOST}/",)

"""Extension points (DESIGN §5, issue 23 item 4): one registry type, plugins through real entry points.

A toy package is written to tmp_path with a dist-info whose entry_points.txt declares an extractor, an
indicator, a source format and a store; importlib.metadata finds it on sys.path exactly as it finds an
installed plugin. Registries are put back as they were after each test.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from adtrace import errors
from adtrace.documents import Document
from adtrace.extractors import EXTRACTORS, Context, Extractor, ordered, register
from adtrace.indicators import registry as indicator_registry
from adtrace.indicators.rules import RULES, rule
from adtrace.pipeline import Pipeline
from adtrace.registry import Registry
from adtrace.sources import registry as source_registry
from adtrace.storage import connect

PLUGIN = '''
"""A partner's plugin: one module, registered only through its entry points."""
import re

import sqlalchemy as sa

from adtrace import errors
from adtrace.documents import Document
from adtrace.extractors import Extractor, entity
from adtrace.indicators import Example, Indicator
from adtrace.sources import Format, ReadError
from adtrace.storage.connect import Backend
from adtrace.storage.sqlite import SQLiteStore, sqlite_engine

COLOUR = re.compile(r"\\b(crimson|scarlet)\\b", re.I)


def _colours(ctx):
    for m in COLOUR.finditer(ctx.text):
        ctx.add("colours", entity(m.group(1).lower(), m.span()))


EXTRACTOR = Extractor("toy.colours", _colours, assigns=("colours",))


def _crimson(subject):
    return [tuple(c["span"]) for c in subject.record.get("colours", []) if c["value"] == "crimson"]


INDICATOR = Indicator(
    id="toy.crimson_mentioned.v1", category="toy", weight=1.0, description="names the colour crimson",
    sources=(), rule=_crimson, reads=("colours",),
    positive=(Example("crimson dress", {"colours": [{"value": "crimson", "span": [0, 7]}]}),),
    negative=(Example("blue dress", {"colours": []}),))


def _read(fh, path, opts):
    for n, raw in enumerate(fh, 1):
        doc_id, _, text = raw.decode().rstrip("\\n").partition("|")
        if not text:
            yield ReadError(path, n, errors.InputError(message="no text"))
            continue
        yield Document(id=doc_id, text=text, source="toy")


FORMAT = Format("toy", _read, (".toy",))


class ToyStore(SQLiteStore):
    """SQLite under another name: a stand-in for a partner's own kind of database."""


def _engine(url):
    return sqlite_engine("sqlite" + url[len("toydb"):])


BACKEND = Backend(_engine, lambda engine, shown: ToyStore(engine, shown))
'''

ENTRY_POINTS = """
[adtrace.extractors]
toy.colours = adtrace_toy_plugin:EXTRACTOR

[adtrace.indicators]
toy.crimson = adtrace_toy_plugin:INDICATOR

[adtrace.sources]
toy = adtrace_toy_plugin:FORMAT

[adtrace.stores]
toydb = adtrace_toy_plugin:BACKEND
"""


def _install(root: Path, name: str, module: str, entry_points: str) -> None:
    (root / f"{name}.py").write_text(module, encoding="utf-8")
    info = root / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points), encoding="utf-8")


REGISTRIES: list[Registry[Any]] = [EXTRACTORS, indicator_registry.INDICATORS, source_registry.READERS,
                                   connect.STORES, RULES]


@pytest.fixture
def fresh_registries() -> Iterator[None]:
    """Each registry as it was (providers and loaded state); the ones a test touches re-read entry points."""
    EXTRACTORS.load()
    indicator_registry.all_indicators()
    saved = [(r, dict(r), r._state) for r in REGISTRIES]
    endings = dict(source_registry._ENDINGS)
    for r in (EXTRACTORS, source_registry.READERS, connect.STORES):
        r._state = "new"  # read the entry points again, built-ins stay
    dict.clear(indicator_registry.INDICATORS)  # built from the catalogue again, then plugins
    indicator_registry.INDICATORS._state = "new"
    indicator_registry._loaded = False
    yield
    for r, items, state in saved:
        dict.clear(r)
        dict.update(r, items)
        r._state = state
    source_registry._ENDINGS.clear()
    source_registry._ENDINGS.update(endings)
    indicator_registry._loaded = True
    indicator_registry._matcher = None


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_registries: None) -> Path:
    _install(tmp_path, "adtrace_toy_plugin", PLUGIN, ENTRY_POINTS)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_a_plugin_adds_an_extractor_an_indicator_a_source_format_and_a_store(toy: Path) -> None:
    assert "toy.colours" in [e.name for e in ordered()]
    record = Pipeline().process(Document(id="t1", text="a crimson dress, call 702-555-0147"))
    assert [c["value"] for c in record["colours"]] == ["crimson"]
    assert "toy.crimson_mentioned.v1" in {i["id"] for i in record["indicators"]}

    path = toy / "ads.toy"
    path.write_text("a1|scarlet shoes\na2|plain text\n", encoding="utf-8")
    from adtrace.sources import read_paths

    assert [d.id for d in read_paths([str(path)]) if isinstance(d, Document)] == ["a1", "a2"]

    url = f"toydb:///{toy / 'toy.db'}"
    connect.init_db(url)
    store = connect.open_store(url)
    try:
        assert type(store).__name__ == "ToyStore"
    finally:
        store.close()


def test_a_plugin_cannot_take_a_built_in_name(toy: Path) -> None:
    _install(toy, "adtrace_bad_plugin",
             "from adtrace.extractors import Extractor\nPHONES = Extractor('phones', lambda ctx: None, ('phones',))\n",
             "[adtrace.extractors]\nphones = adtrace_bad_plugin:PHONES\n")
    with pytest.raises(errors.RegistryError) as info:
        EXTRACTORS.load()
    assert info.value.code == errors.DUPLICATE_PROVIDER and "phones" in info.value.message


def test_a_broken_entry_point_is_named(toy: Path) -> None:
    _install(toy, "adtrace_broken_plugin", "raise ImportError('missing dependency')\n",
             "[adtrace.sources]\nbroken = adtrace_broken_plugin:READER\n")
    with pytest.raises(errors.RegistryError) as info:
        source_registry.reader_for("x.jsonl")
    assert info.value.code == errors.BAD_PLUGIN and "broken" in info.value.message


def _noop(ctx: Context) -> None:
    pass


def test_named_extractors_pull_in_what_they_require() -> None:
    names = [e.name for e in Pipeline(extractor_names=["phones"]).extractors]
    assert names.index("places") < names.index("phones")  # phones read the places' countries as region hints
    assert [e.name for e in ordered(["emails"])] == ["emails"]


def test_a_requirement_nobody_provides_fails_when_the_pipeline_is_built() -> None:
    register(Extractor("test.needs_nothing_real", _noop, assigns=("x_out",), requires=("no_such_field",)))
    try:
        with pytest.raises(errors.RegistryError) as info:
            Pipeline(extractor_names=["test.needs_nothing_real"])
        assert info.value.code == errors.UNMET_REQUIREMENT and "no_such_field" in info.value.message
    finally:
        del EXTRACTORS["test.needs_nothing_real"]


def test_scoring_a_pipeline_that_lacks_what_indicators_read_fails() -> None:
    pipe = Pipeline(extractor_names=["emails"])  # indicators read ages, prices, phones, names
    assert pipe.extract(Document(id="e", text="mail anna@mailbox.com"))["emails"]
    with pytest.raises(errors.RegistryError) as info:
        pipe.process(Document(id="e", text="mail anna@mailbox.com"))
    assert info.value.code == errors.UNMET_REQUIREMENT and "ages" in info.value.message


def test_an_indicator_reading_a_field_no_extractor_assigns_is_refused() -> None:
    ind = indicator_registry.all_indicators()[0]
    with pytest.raises(errors.RegistryError) as info:
        indicator_registry.check_reads([replace(ind, reads=("agez",))])
    assert info.value.code == errors.UNMET_REQUIREMENT and "agez" in info.value.message


def test_a_rule_name_cannot_be_registered_twice() -> None:
    taken = next(iter(RULES))
    with pytest.raises(errors.RegistryError) as info:
        rule(taken)(lambda subject, params: [])
    assert info.value.code == errors.DUPLICATE_PROVIDER


def test_an_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(errors.RegistryError) as info:
        connect.STORES.provider("mongodb")
    assert info.value.code == errors.NO_SUCH_PROVIDER and "sqlite" in info.value.message

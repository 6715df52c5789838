"""Linking signals are a registry fed by the `adtrace.linking_signals` entry point group: a toy signal
installed as a plugin (a dist-info on sys.path) links documents, through the Linker and through
`adtrace link` on a store; a second signal with a taken name or prefix is refused."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from adtrace import errors
from adtrace.cli.main import _register, app
from adtrace.documents import Document
from adtrace.linking import Linker, prepare
from adtrace.linking import signals as sg
from adtrace.pipeline.process import extract

TOY = '''
import re
from adtrace.linking.signals import Signal

def code_words(record, text):
    return ["code:" + w for w in re.findall(r"code word ([a-z]{6,})", text)]

SIGNAL = Signal("codewords", {"code": "code word"}, keys=code_words, weight=0.9,
                explain=lambda kind, detail: "same " + kind)
'''
CLASH = '''
from adtrace.linking.signals import Signal
SIGNAL = Signal("phones2", {"phone": "phone"}, keys=lambda record, text: [])
'''


def _plugin(root: Path, name: str, source: str, entry: str) -> None:
    """A module and an installed distribution's metadata naming it in the entry point group."""
    (root / f"{name}.py").write_text(source, encoding="utf-8")
    info = root / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[{sg.GROUP}]\n{entry} = {name}:SIGNAL\n", encoding="utf-8")


@pytest.fixture
def installed(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "site"
    root.mkdir()
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    try:
        yield root
    finally:
        sys.path.remove(str(root))
        for name in ("toy_signal", "clash_signal"):
            sys.modules.pop(name, None)
        importlib.invalidate_caches()
        sg.reload()  # back to the built-ins for the other tests


ADS = [  # three ads in different words, no shared contact: only the code word joins the first two
    ("w1", "Sweet companion in town this week, say the code word mapleorchid"),
    ("w2", "Looking for a gentleman friend, code word mapleorchid when you write"),
    ("w3", "Quiet studio near the station, code word riverstone for deposits"),
]


def _items(signals: tuple[str, ...] | None) -> list[object]:
    out = []
    for doc_id, text in ADS:
        rec = extract(Document.from_dict({"id": doc_id, "source": "t", "kind": "ad", "text": text}))
        out.append(prepare(doc_id, rec, text, signals))
    return out


def test_builtins_registered_through_the_group() -> None:
    assert sg.names()[:3] == ("keys", "images", "templates")
    assert sg.kind_of("tpl:4") == "template" and sg.kind_of("img:0") == "image" and sg.kind_of("phone:+1") == "phone"
    assert sg.kind_of("nothing:1") == "other"


def test_toy_signal_from_an_entry_point_links_documents(installed: Path) -> None:
    _plugin(installed, "toy_signal", TOY, "codewords")
    sg.reload()
    assert "codewords" in sg.names() and sg.kind_of("code:x") == "code word"

    without = Linker()
    without.add(_items(("keys", "templates")))  # type: ignore[arg-type]
    assert without.cluster_of("w1") != without.cluster_of("w2")  # nothing else joins them

    lk = Linker()
    lk.add(_items(None))  # type: ignore[arg-type]  # None: every registered signal, the plugin's too
    assert lk.cluster_of("w1") == lk.cluster_of("w2") != lk.cluster_of("w3")
    assert lk.explain("w1", "w2") == [{"from": "w1", "key": "code:mapleorchid", "to": "w2"}]
    edge = next(e for e in lk.edges(["w1", "w2"]))
    assert edge["kind"] == "code word" and edge["docs"] == ["w1", "w2"]


def test_toy_signal_links_a_store_and_shows_in_the_cli(installed: Path, tmp_path: Path) -> None:
    _plugin(installed, "toy_signal", TOY, "codewords")
    sg.reload()
    _register()
    runner = CliRunner()
    src = tmp_path / "ads.jsonl"
    src.write_bytes(b"".join(orjson.dumps({"id": i, "source": "t", "kind": "ad", "text": t}) + b"\n" for i, t in ADS))
    db = str(tmp_path / "t.db")
    for args in (["init", "--db", db], ["ingest", str(src), "--db", db], ["link", "--db", db]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["link", "show", "w2", "--db", db])
    assert result.exit_code == 0, result.output
    shown = orjson.loads(result.stdout)
    assert shown["cluster"] == "w1" and shown["documents"] == 2
    assert shown["edges"] == [{"key": "code:mapleorchid", "kind": "code word", "hub": False, "docs": ["w1", "w2"]}]


def test_a_taken_name_or_prefix_is_refused(installed: Path) -> None:
    _plugin(installed, "clash_signal", CLASH, "phones2")
    with pytest.raises(errors.RegistryError) as caught:
        sg.reload()
    assert caught.value.code == errors.LINK_SIGNAL_TAKEN and "phone" in caught.value.message
    with pytest.raises(errors.RegistryError):
        sg.register(sg.Signal("keys", {"other": "other"}))


def test_unknown_signal_name_is_an_input_error() -> None:
    with pytest.raises(errors.InputError) as caught:
        prepare("x", {}, "text", ("keys", "nosuch"))
    assert caught.value.code == errors.UNKNOWN_LINK_SIGNAL

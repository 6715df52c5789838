"""Evidence manifests (issue 22): signed SHA-256 per exported file and per WARC record; a tampered item
fails `adtrace evidence verify` with the item named."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from adtrace import errors, evidence
from adtrace.cli.main import _register, app
from adtrace.exchange import keys as xk

runner = CliRunner()
_register()


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    d = tmp_path / "keys"
    xk.generate("ngo-a", d)
    return d


def _verify(*args: str) -> tuple[int, dict[str, object], str]:
    r = runner.invoke(app, ["evidence", "verify", *args])
    return r.exit_code, json.loads(r.stdout[r.stdout.index("{"):r.stdout.rindex("}") + 1]), r.output


def _warc(path: Path, pages: list[tuple[str, bytes]]) -> None:
    with path.open("wb") as fh:  # uncompressed, so a test can alter one byte of one body in place
        w = WARCWriter(fh, gzip=False)
        for url, body in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))


def test_export_manifest_verifies_and_a_changed_byte_names_the_file(tmp_path: Path, keys: Path) -> None:
    export = tmp_path / "case3.csv"
    export.write_text("doc_id,title\nad1,new in town\n")
    r = runner.invoke(app, ["evidence", "manifest", str(export), "--keys", str(keys), "--as", "alice",
                            "--source-url", "https://adtrace.example.org/cases/3/export.csv"])
    assert r.exit_code == 0, r.output
    manifest = json.loads(evidence.manifest_path(export).read_text())
    assert manifest["items"][0]["name"] == "case3.csv" and manifest["created_by"] == "alice"
    assert manifest["items"][0]["source_url"].endswith("/export.csv") and manifest["items"][0]["exported_at"]
    code, verdict, _ = _verify(str(export))
    assert code == 0 and verdict["ok"] and verdict["signature"] == "valid"
    public = tmp_path / "pub.json"
    public.write_text(json.dumps(xk.load(keys).public_info()))
    assert _verify(str(export), "--public", str(public))[0] == 0
    export.write_text("doc_id,title\nad2,new in town\n")  # tampered
    code, verdict, out = _verify(str(evidence.manifest_path(export)))
    assert code == 1 and verdict["problems"] == ["case3.csv: SHA-256 differs (altered)"]
    assert "FAILED case3.csv" in out


def test_edited_manifest_or_other_key_fails_the_signature(tmp_path: Path, keys: Path) -> None:
    export = tmp_path / "g.graphml"
    export.write_text("<graphml/>")
    path = evidence.write_for(export, [evidence.file_item(export)], xk.load(keys), created_by="alice")
    body = json.loads(path.read_text())
    body["created_by"] = "mallory"
    path.write_text(json.dumps(body))
    code, verdict, _ = _verify(str(path))
    assert code == 1 and verdict["signature"] == "invalid"
    other = tmp_path / "other"
    xk.generate("someone-else", other)
    evidence.write_for(export, [evidence.file_item(export)], xk.load(other), created_by="x")
    public = tmp_path / "pub.json"
    public.write_text(json.dumps(xk.load(keys).public_info()))
    code, verdict, _ = _verify(str(export), "--public", str(public))
    assert code == 1 and verdict["signature"] == "untrusted key"


def test_warc_record_tampering_names_the_record(tmp_path: Path, keys: Path) -> None:
    warc = tmp_path / "crawl.warc"
    _warc(warc, [("https://ads.example.org/a/1", b"<p>first synthetic ad</p>"),
                 ("https://ads.example.org/a/2", b"<p>second synthetic ad</p>")])
    r = runner.invoke(app, ["evidence", "manifest", str(warc), "--keys", str(keys)])
    assert r.exit_code == 0, r.output
    items = json.loads(evidence.manifest_path(warc).read_text())["items"]
    records = [i for i in items if i.get("record")]
    assert [i["source_url"] for i in records] == ["https://ads.example.org/a/1", "https://ads.example.org/a/2"]
    assert all(i["captured_at"] for i in records)
    assert _verify(str(warc))[0] == 0
    warc.write_bytes(warc.read_bytes().replace(b"second synthetic", b"sec0nd synthetic"))
    code, verdict, _ = _verify(str(warc))
    problems = verdict["problems"]
    assert code == 1 and isinstance(problems, list)
    assert f"crawl.warc record {records[1]['record']}: SHA-256 differs (altered)" in problems
    assert not any(records[0]["record"] in p for p in problems)  # the untouched record still verifies


def test_crawl_sink_signs_its_warc_when_keys_exist(tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapy.http import HtmlResponse

    from adtrace.crawl.warcsink import WarcSink

    monkeypatch.setenv(xk.ENV_VAR, str(keys))
    sink = WarcSink(tmp_path / "run.warc.gz")
    sink.write(HtmlResponse(url="https://ads.example.org/a/9", body=b"<p>synthetic</p>", encoding="utf-8"))
    sink.close()
    code, verdict, _ = _verify(str(sink.path))
    assert code == 0 and verdict["items"] == 3  # the file, its warcinfo record, the response


def test_missing_item_and_bad_manifest_are_clear(tmp_path: Path, keys: Path) -> None:
    export = tmp_path / "x.json"
    export.write_text("{}")
    evidence.write_for(export, [evidence.file_item(export)], xk.load(keys), created_by="a")
    export.unlink()
    assert evidence.verify(evidence.manifest_path(export)).problems == ["x.json: missing"]
    bad = tmp_path / "bad.manifest.json"
    bad.write_text("[1]")
    with pytest.raises(errors.InputError, match="not an adtrace evidence manifest"):
        evidence.verify(bad)

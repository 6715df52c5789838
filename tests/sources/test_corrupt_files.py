"""Every ingest reader survives a corrupted file (developers' guide: bad input gets a clear error).

Each property starts from a valid synthetic file of one reader family, corrupts it at random (bytes cut,
flipped, inserted; invalid UTF-8, NUL, BOM, CRLF, a huge line; a JSON field given the wrong type or
removed; duplicated ids; gzip cut mid-stream) and ingests it through `storage.ingest.ingest`, the
function `adtrace ingest` calls, into a database that already holds documents. The property: the run
succeeds or raises an `adtrace.errors` error carrying a catalogued code and the file (and the line
where the file has lines); every rejection names a code; no other exception escapes; the documents
stored before are all still there, unchanged, and `PRAGMA integrity_check` says ok.
test_hostile_inputs.py covers memory and time bounds; this file covers "no traceback, nothing lost".
"""

from __future__ import annotations

import gzip
import io
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adtrace import errors
from adtrace.sources import Options
from adtrace.storage import init_db, open_store
from adtrace.storage.ingest import IngestOptions, ingest
from adtrace.synth import generate

LIMIT = 4096  # --max-line-bytes for these runs, so a "huge line" stays small
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KEPT = 4  # documents stored before each corrupted ingest


# ---- the database that must survive ----------------------------------------------------------------

@cache
def _template() -> Path:
    """A database holding KEPT documents, built once and copied for each example."""
    root = Path(tempfile.mkdtemp(prefix="adtrace-corrupt-"))
    db = root / "kept.db"
    init_db(str(db))
    src = root / "kept.jsonl"
    src.write_bytes(b"".join(orjson.dumps({"id": f"kept-{i}", "source": "kept", "url": f"https://kept.test/{i}",
                                           "text": f"kept document {i}, call 702-555-01{i:02d}"}) + b"\n"
                             for i in range(KEPT)))
    with open_store(str(db)) as store:
        ingest(store, [str(src)], IngestOptions())
    return db


def snapshot(db: Path, prefix: str = "kept-") -> list[tuple[Any, ...]]:
    """The stored documents whose id starts with `prefix`, after `PRAGMA integrity_check` said ok."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute("SELECT id, doc_hash, doc FROM documents WHERE id LIKE ? ORDER BY id",
                            (prefix + "%",)).fetchall()


@contextmanager
def scratch(template: Path) -> Iterator[Path]:
    """A temporary folder holding a copy of the database `template`, under the same name."""
    with tempfile.TemporaryDirectory(prefix="adtrace-corrupt-") as tmp:
        root = Path(tmp)
        shutil.copy(template, root / template.name)
        yield root


def check_ingest(data: bytes | None, name: str, on_error: str = "skip", fmt: str | None = None,
                 lined: bool = False) -> None:
    """Ingest `data` written as `name` (None: `name` is a folder) and check the property. `lined`: a
    format of lines (JSONL, CSV, Reddit), whose every error also names the line."""
    with scratch(_template()) as root:
        db = root / "kept.db"
        before = snapshot(db)
        with sqlite3.connect(db) as conn:
            count = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        path = root / name
        if data is None:
            path.mkdir()
        else:
            path.write_bytes(data)
        rejected: list[dict[str, Any]] = []
        opts = IngestOptions(source=Options(max_line_bytes=LIMIT, format=fmt), on_error=on_error, batch_size=1000)
        failed: errors.AdtraceError | None = None
        try:
            with open_store(str(db)) as store:
                ingest(store, [str(path)], opts, reject=rejected.append)
        except errors.AdtraceError as exc:
            failed = exc
        for r in rejected:
            assert r["code"] in errors.CATALOGUE and r["message"], r
            assert not lined or (r["line"] or 0) >= 1 or r["code"] == errors.DB_WRITE_FAILED, r
        if failed is not None:
            assert failed.code in errors.CATALOGUE, failed
            assert str(path) in failed.message, failed  # the file is named
            assert not lined or failed.detail.get("line"), failed
        after = snapshot(db)
        assert after == before  # nothing stored before was lost or changed
        if failed is not None:
            with sqlite3.connect(db) as conn:  # one batch: a failed run stored nothing
                assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == count


# ---- valid synthetic files, one per reader family --------------------------------------------------

@cache
def _synth(n: int = 6, seed: int = 21) -> list[dict[str, Any]]:
    return [d for d, _ in generate(n, seed=seed)]


def jsonl_objects() -> list[Any]:
    return [dict(d) for d in _synth()]


def jsonl_bytes(objs: list[Any]) -> bytes:
    return b"".join(orjson.dumps(o) + b"\n" for o in objs)


def csv_bytes() -> bytes:
    import csv

    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["id", "title", "text", "url", "posted_at", "location"])
    for d in _synth():
        w.writerow([d["id"], d.get("title") or "", d["text"], d.get("url") or "", d.get("posted_at") or "",
                    d.get("location") or ""])
    return out.getvalue().encode()


def html_bytes() -> bytes:
    from adtrace.synth.html import page_a, page_b

    for d in _synth(30):
        if d["source"] == "examplelist":
            return page_a(d).encode()
        if d["source"] == "cityboard":
            return page_b(d).encode()
    raise AssertionError("no synthetic site page")


@cache  # warcio stamps a fresh record id and date: built once, so every example starts alike
def warc_bytes(compress: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from adtrace.synth.html import page_a, page_b

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress)
    for d in _synth(30):
        page = {"examplelist": page_a, "cityboard": page_b}.get(d["source"])
        if page is None:
            continue
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(d["url"], "response", payload=io.BytesIO(page(d).encode()),
                                                      http_headers=headers))
    return out.getvalue()


def twitter_payload() -> dict[str, Any]:
    docs = _synth()
    return {"data": [{"id": str(100 + i), "text": d["text"], "author_id": str(i % 2), "created_at": d.get("posted_at"),
                      "lang": "en"} for i, d in enumerate(docs)],
            "includes": {"users": [{"id": "0", "username": "first", "location": "Reno, NV"},
                                   {"id": "1", "username": "second"}]}}


def telegram_payload() -> dict[str, Any]:
    docs = _synth()
    return {"name": "Jobs", "type": "public_channel", "id": 55, "messages": [
        {"id": i, "type": "message", "date": d.get("posted_at", "")[:19], "from": "Jobs",
         "text": [d["text"][:40], {"type": "mention", "text": "@agent"}], "photo": f"photos/{i}.jpg"}
        for i, d in enumerate(docs)]}


def reddit_objects() -> list[Any]:
    return [{"id": f"r{i}", "subreddit": "jobs", "title": (d.get("title") or "t")[:40], "selftext": d["text"],
             "author": "someone", "created_utc": 1714550400 + i, "permalink": f"/r/jobs/comments/r{i}/"}
            for i, d in enumerate(_synth())]


# ---- corruptions -----------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)


@st.composite
def byte_damage(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with one to three random byte-level injuries."""
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "bad_utf8", "nul", "bom", "crlf", "huge_line",
                                     "drop"]))
        if kind == "truncate":
            data = data[:at]
        elif kind == "flip" and data:
            i = min(at, len(data) - 1)
            data = data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1:]
        elif kind == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif kind == "bad_utf8":
            data = data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe2\x82"])) + data[at:]
        elif kind == "nul":
            data = data[:at] + b"\x00" + data[at:]
        elif kind == "bom":
            data = b"\xef\xbb\xbf" + data
        elif kind == "crlf":
            data = data.replace(b"\n", b"\r\n")
        elif kind == "huge_line":
            data = data[:at] + b"x" * (LIMIT + 10) + data[at:]
        elif kind == "drop":
            data = data[:at] + data[at + draw(st.integers(1, 64)):]
    return data


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


@st.composite
def json_damage(draw: st.DrawFn, value: Any) -> Any:
    """`value` (a decoded file or list of lines) with one to three fields replaced, removed or duplicated."""
    value = orjson.loads(orjson.dumps(value))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(value) if p]
        if not paths:
            return draw(JSON_VALUES)
        path = draw(st.sampled_from(paths))
        *head, last = path
        parent = value
        for k in head:
            parent = parent[k]
        kind = draw(st.sampled_from(["replace", "replace", "remove", "duplicate"]))
        if kind == "replace":
            parent[last] = draw(JSON_VALUES)
        elif kind == "remove":
            del parent[last]
        elif isinstance(parent, list):
            parent.insert(last, orjson.loads(orjson.dumps(parent[last])))  # a duplicated item: same id twice
    return value


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


# ---- the properties, one per reader family ---------------------------------------------------------

ON_ERROR = st.sampled_from(["skip", "fail"])


@FAST
@given(st.data(), ON_ERROR)
def test_jsonl_bytes(data: st.DataObject, on_error: str) -> None:
    check_ingest(data.draw(byte_damage(jsonl_bytes(jsonl_objects()))), "corpus.jsonl", on_error, lined=True)


@FAST
@given(st.data(), ON_ERROR)
def test_jsonl_fields(data: st.DataObject, on_error: str) -> None:
    check_ingest(jsonl_bytes(data.draw(json_damage(jsonl_objects()))), "corpus.jsonl", on_error, lined=True)


@FAST
@given(st.data(), ON_ERROR, st.booleans())
def test_gzip_damaged(data: st.DataObject, on_error: str, csv: bool) -> None:
    raw = gz(csv_bytes() if csv else jsonl_bytes(jsonl_objects()))
    # Past the 10-byte header, so the damage lands in the compressed stream or its trailer.
    cut = data.draw(st.integers(11, len(raw) - 1))
    damaged = data.draw(st.sampled_from([raw[:cut], raw[:cut] + b"\x00" * 8, raw[:cut] + bytes([raw[cut] ^ 0x55])
                                         + raw[cut + 1:]]))
    check_ingest(damaged, "corpus.csv.gz" if csv else "corpus.jsonl.gz", on_error, lined=True)


@FAST
@given(st.data(), ON_ERROR)
def test_csv_bytes(data: st.DataObject, on_error: str) -> None:
    check_ingest(data.draw(byte_damage(csv_bytes())), "corpus.csv", on_error, lined=True)


@FAST
@given(st.data())
def test_html_bytes(data: st.DataObject) -> None:
    check_ingest(data.draw(byte_damage(html_bytes())), "page.html")


@FAST
@given(st.data(), st.booleans())
def test_warc_bytes(data: st.DataObject, compress: bool) -> None:
    check_ingest(data.draw(byte_damage(warc_bytes(compress))), "crawl.warc.gz" if compress else "crawl.warc")


@FAST
@given(st.data(), st.sampled_from(["twitter", "telegram"]), ON_ERROR)
def test_social_exports(data: st.DataObject, which: str, on_error: str) -> None:
    payload = twitter_payload() if which == "twitter" else telegram_payload()
    raw = orjson.dumps(data.draw(json_damage(payload)), option=orjson.OPT_INDENT_2)
    if data.draw(st.booleans()):
        raw = data.draw(byte_damage(raw))
    check_ingest(raw, "export.json", on_error)


@FAST
@given(st.data(), ON_ERROR)
def test_reddit_dump(data: st.DataObject, on_error: str) -> None:
    raw = jsonl_bytes(data.draw(json_damage(reddit_objects())))
    if data.draw(st.booleans()):
        raw = data.draw(byte_damage(raw))
    check_ingest(raw, "dump.jsonl", on_error, fmt="reddit", lined=True)


def test_empty_files_and_folders() -> None:
    for name in ("e.jsonl", "e.csv", "e.html", "e.warc", "e.json", "e.jsonl.gz"):
        check_ingest(b"", name)
        check_ingest(b"", name, "fail")
    check_ingest(gz(b""), "e.csv.gz")
    check_ingest(None, "folder.jsonl")  # a folder named like a file: "no file with a known ending"
    check_ingest(b"\x00" * 64, "nul.json")




# ---- what the properties found: the minimal failing inputs -----------------------------------------

def _read_all(path: Path, fmt: str | None = None) -> list[Any]:
    from adtrace.sources import read_paths

    return list(read_paths([str(path)], Options(format=fmt)))


def test_gzip_cut_mid_stream_is_a_located_error(tmp_path: Path) -> None:
    """Was: EOFError escaped (`adtrace ingest` printed only "Aborted!"); BadGzipFile and zlib.error as
    tracebacks. Now AT115 at the line where the stream broke, after the lines before it."""
    lines = jsonl_bytes([{"id": f"d{i}", "text": f"ad number {i} " + "words " * 40} for i in range(400)])
    whole = gz(lines)
    for name, data in (("cut.jsonl.gz", whole[: len(whole) // 2]), ("cut.csv.gz", gz(csv_bytes())[:40]),
                       ("header.jsonl.gz", b"\x1f\x8b" + b"x" * 30),
                       ("flipped.jsonl.gz", whole[:200] + bytes([whole[200] ^ 0x55]) + whole[201:])):
        path = tmp_path / name
        path.write_bytes(data)
        items = _read_all(path)
        bad = [i for i in items if not hasattr(i, "text")]
        assert bad and bad[-1].error.code == errors.DAMAGED_GZIP, (name, items[-1:])
        assert bad[-1].line >= 1 and f"line {bad[-1].line}" in bad[-1].error.message
    good = [i for i in _read_all(tmp_path / "cut.jsonl.gz") if hasattr(i, "text")]
    assert 0 < len(good) < 400 and good[-1].id == f"d{len(good) - 1}"  # what came before is kept


def test_gzip_cut_through_the_cli_names_the_code(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    import adtrace.cli.store  # noqa: F401  (registers ingest)
    from adtrace.cli.main import app

    db = tmp_path / "t.db"
    init_db(str(db))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(gz(jsonl_bytes(jsonl_objects()))[:60])
    result = CliRunner().invoke(app, ["ingest", "--db", str(db), "--no-alerts", "--on-error", "fail", str(path)])
    assert result.exit_code == 1 and isinstance(result.exception, errors.InputError), result.output
    assert result.exception.code == errors.DAMAGED_GZIP and "Aborted" not in result.output


def test_twitter_export_with_unhashable_ids(tmp_path: Path) -> None:
    """Was: TypeError (unhashable type: 'list') for a user id or author_id that is a list, and
    AttributeError for an `includes` that is a list. Now the tweet is read without its author."""
    for payload in ({"data": [{"id": "1", "text": "new in town"}], "includes": {"users": [{"id": []}]}},
                    {"data": [{"id": "1", "text": "new in town", "author_id": [1]}]},
                    {"data": [{"id": "1", "text": "new in town"}], "includes": []},
                    {"data": [{"id": "1", "text": "new in town"}], "includes": {"users": 5}}):
        path = tmp_path / "x.json"
        path.write_bytes(orjson.dumps(payload))
        [doc] = _read_all(path)
        assert doc.id == "x:1" and doc.author is None


def test_reddit_timestamp_past_year_9999(tmp_path: Path) -> None:
    """Was: OSError/OverflowError from datetime.fromtimestamp. Now a BAD_FIELD rejection of that line."""
    path = tmp_path / "dump.jsonl"
    path.write_bytes(b'{"id": "a1", "created_utc": 99999999999999999, "selftext": "hello"}\n'
                     b'{"id": "a2", "created_utc": "1e400", "selftext": "hello"}\n'
                     b'{"id": "a3", "created_utc": 1714550400, "selftext": "hello"}\n')
    bad, *good = _read_all(path, "reddit")
    assert (bad.line, bad.error.code, bad.error.detail.get("field")) == (1, errors.BAD_FIELD, "created_utc")
    assert [d.id for d in good] == ["reddit:a2", "reddit:a3"] and good[1].posted_at.startswith("2024-05-01")


def test_a_byte_order_mark_opens_the_file(tmp_path: Path) -> None:
    """Was: line 1 rejected as broken JSON ("BOM is not supported") in JSONL, Reddit dumps and whole
    exports, while CSV already read past it. Windows editors write one; now it is not part of line 1."""
    bom = b"\xef\xbb\xbf"
    for name, fmt, data in (("a.jsonl", None, jsonl_bytes(jsonl_objects()[:2])),
                            ("r.jsonl", "reddit", jsonl_bytes(reddit_objects()[:2])),
                            ("x.json", None, orjson.dumps(twitter_payload(), option=orjson.OPT_INDENT_2))):
        (tmp_path / name).write_bytes(bom + data)
        items = _read_all(tmp_path / name, fmt)
        assert items and all(hasattr(i, "text") for i in items), (name, items[:1])

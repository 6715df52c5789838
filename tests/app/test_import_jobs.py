"""Import jobs without a browser: the progress the page polls, the upload deleted after its job, the CLI's
located errors, the size limit and the CSV mapping checks (issue 19 item 13)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from adtrace import errors
from adtrace.app import importjobs
from tests.app.conftest import csrf_of


def _wait(engine: Any, job_id: str) -> dict[str, Any]:
    for _ in range(600):  # waiting for the background thread, not timing it
        job = importjobs.get(engine, job_id)
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError("the import job did not end")


def _upload(client: TestClient, name: str, body: bytes, **fields: str) -> Any:
    return client.post("/import", data={"csrf": csrf_of(client), **fields}, files={"file": (name, body)},
                       follow_redirects=False)


def test_jsonl_import_reports_progress_and_located_errors(app: Any, login: Callable[[str], TestClient]) -> None:
    engine = app.state.adtrace.engine
    client = login("analyst")
    lines = [orjson.dumps({"id": f"job-{i}", "text": f"new in town ad {i}, call 702 555 01{i % 100:02d}"})
             for i in range(250)]
    lines.insert(10, b'{"id": "broken", "text": ')  # line 11
    r = _upload(client, "batch.jsonl", b"\n".join(lines) + b"\n", link="1")
    assert r.status_code == 303
    job_id = r.headers["location"].rsplit("/", 1)[1]
    job = _wait(engine, job_id)
    assert job["state"] == "done", job
    assert job["total"] == 251 and job["done"] == 250 and job["counts"]["new"] == 250
    assert job["rejected"] == 1 and job["errors"][0]["line"] == 11
    assert job["errors"][0]["message"].startswith("batch.jsonl, line 11")
    assert not Path(job["folder"]).exists()  # the upload is gone once its job ended
    page = client.get(f"/import/{job_id}/progress").text
    assert 'data-state="done"' in page and "hx-trigger" not in page  # polling stops when the job ends
    assert app.state.adtrace.store.get_document("job-249") is not None


def test_running_job_fragment_keeps_polling(app: Any, login: Callable[[str], TestClient]) -> None:
    engine = app.state.adtrace.engine
    job, path = importjobs.new_upload(engine, "analyst", "x.jsonl", "jsonl")
    path.write_bytes(b'{"id": "p1", "text": "x"}\n')
    importjobs.uploaded(engine, job, 26)
    job.update(state="reading", total=400, done=100)
    importjobs._put(engine, job)
    page = login("analyst").get(f"/import/{job['id']}/progress").text
    assert 'hx-trigger="every 1s"' in page and 'max="400" value="100"' in page
    importjobs.discard(engine, job)


def test_csv_mapping_is_checked(app: Any, login: Callable[[str], TestClient]) -> None:
    engine = app.state.adtrace.engine
    client = login("admin")
    r = _upload(client, "ads.csv", b"body,head\nhello there,hi\n")
    assert r.status_code == 303 and "/import/" in r.headers["location"]
    job_id = r.headers["location"].split("/import/", 1)[1].split("?", 1)[0]
    job = importjobs.get(engine, job_id)
    assert job["state"] == "mapping"
    with pytest.raises(errors.InputError) as exc:
        importjobs.check_mapping(job, {"text": "", "title": "head"})
    assert exc.value.code == errors.BAD_MAPPING and exc.value.detail["field"] == "text"
    with pytest.raises(errors.InputError) as exc:
        importjobs.check_mapping(job, {"text": "body", "title": "body"})
    assert exc.value.detail["field"] == "title"
    page = client.post(f"/import/{job_id}/start", data={"csrf": csrf_of(client), "text": "nope"})
    assert page.status_code == 422 and 'data-field="text"' in page.text
    assert importjobs.guess_mapping(["ID", "Body", "Headline", "Date"]) == {
        "text": "Body", "title": "Headline", "id": "ID", "url": "", "posted_at": "Date", "location": ""}


def test_size_limit_and_unknown_format(app: Any, login: Callable[[str], TestClient],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    client = login("analyst")
    r = _upload(client, "notes.txt", b"hello")
    assert r.status_code == 422 and 'data-field="file"' in r.text and errors.BAD_UPLOAD not in r.text
    monkeypatch.setenv("ADTRACE_IMPORT_MAX_MB", "0.0005")  # 500 bytes
    r = _upload(client, "big.jsonl", b'{"id": "z", "text": "x"}\n' * 100)
    assert r.status_code == 413 and "limit" in r.text
    assert app.state.adtrace.store.get_document("z") is None
    monkeypatch.setenv("ADTRACE_IMPORT_MAX_MB", "lots")
    with pytest.raises(errors.ConfigError):
        importjobs.max_bytes()


def test_safe_name_keeps_the_ending_and_nothing_else() -> None:
    assert importjobs.safe_name("../../etc/passwd") == "passwd"
    assert importjobs.safe_name("my ads (1).csv.gz") == "my_ads_1_.csv.gz"
    assert importjobs.safe_name("") == "upload"


def test_warc_and_html_uploads_go_through_the_same_readers(app: Any, login: Callable[[str], TestClient]) -> None:
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from adtrace.synth import generate
    from adtrace.synth.html import page_a

    engine, store = app.state.adtrace.engine, app.state.adtrace.store
    docs = [d for d, _ in generate(40, seed=21) if d["source"] == "examplelist"][:4]
    assert len(docs) == 4
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for d in docs[:3]:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(d["url"], "response", payload=io.BytesIO(page_a(d).encode()),
                                                      http_headers=headers))
    client = login("analyst")
    for name, body in (("crawl.warc.gz", buf.getvalue()), ("page.html", page_a(docs[3]).encode())):
        r = _upload(client, name, body)
        assert r.status_code == 303, r.text
        job = _wait(engine, r.headers["location"].rsplit("/", 1)[1])
        assert job["state"] == "done" and job["rejected"] == 0, job
    for d in docs:
        assert store.get_document(d["id"]) is not None, d["id"]


def test_a_job_whose_server_died_says_so(app: Any) -> None:
    engine = app.state.adtrace.engine
    job, _path = importjobs.new_upload(engine, "analyst", "x.jsonl", "jsonl")
    job["state"] = "reading"
    importjobs._put(engine, job)
    assert importjobs.get(engine, job["id"])["state"] == "reading"
    job["updated_at"] = time.time() - importjobs.STALE_SECONDS - 1
    with engine.begin() as conn:  # as a process that died 15 minutes ago left it
        conn.execute(sa.text("UPDATE app_settings SET value = :v WHERE key = :k"),
                     {"v": orjson.dumps(job).decode(), "k": importjobs.KEY + job["id"]})
    assert importjobs.get(engine, job["id"])["state"] == "failed"
    importjobs.discard(engine, job)


def test_a_link_job_that_fails_outside_adtrace_says_so_and_ends(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    def locked(*a: Any, **kw: Any) -> Any:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr("adtrace.linking.run.link_store", locked)
    engine = app.state.adtrace.engine
    job = _wait(engine, importjobs.link_now(engine, "analyst", False)["id"])
    assert job["state"] == "failed" and "database is locked" in job["message"] and job["finished_at"]


def test_no_template_tells_a_web_user_to_run_a_command() -> None:
    import re
    from importlib import resources

    import typer

    from adtrace.cli import main

    main._register()  # every top-level command the CLI has (tips, exchange, ... as they are added)
    names = sorted(typer.main.get_command(main.app).commands)  # type: ignore[attr-defined]
    assert {"ingest", "link", "tips", "exchange"} <= set(names), names
    folder = resources.files("adtrace.app.pages") / "templates"
    command = re.compile(rf"\badtrace ({'|'.join(names)})\b")
    found = [(t.name, m.group(0)) for t in folder.iterdir() if t.name.endswith(".html")
             for m in command.finditer(t.read_text("utf-8"))]
    assert not found, found


def test_a_utf16_spreadsheet_export_is_previewed_and_imported(app: Any, login: Callable[[str], TestClient]) -> None:
    """Excel's "Unicode text" (UTF-16 with a byte-order mark, tabs) as a .tsv: the page said "not UTF-8 text";
    now its columns are offered and the import reads it as `adtrace ingest` does. A UTF-16 file without the
    mark says what it looks like."""
    engine = app.state.adtrace.engine
    client = login("analyst")
    r = _upload(client, "ads.tsv", "body\thead\nCafé staff wanted, call 702 555 0100\thi\n".encode("utf-16"))
    assert r.status_code == 303
    job_id = r.headers["location"].split("/import/", 1)[1].split("?", 1)[0]
    assert importjobs.csv_preview(importjobs.get(engine, job_id))[0] == ["body", "head"]
    client.post(f"/import/{job_id}/start", data={"csrf": csrf_of(client), "text": "body", "title": "head"})
    job = _wait(engine, job_id)
    assert (job["state"], job["counts"]["new"], job["rejected"]) == ("done", 1, 0), job
    r = _upload(client, "plain.csv", "body,head\nhello,hi\n".encode("utf-16-le"))
    job_id = r.headers["location"].split("/import/", 1)[1].split("?", 1)[0]
    with pytest.raises(errors.InputError) as exc:
        importjobs.csv_preview(importjobs.get(engine, job_id))
    assert "UTF-16" in exc.value.message and "CSV UTF-8" in exc.value.web_hint + exc.value.message


def test_rejected_lines_of_an_upload_are_located_in_the_readers_language(
        app: Any, login: Callable[[str], TestClient]) -> None:
    """Was: with a Chinese browser the job's errors read "feed.jsonl, line 2, field 'text': no text. Give
    each document..." and "line 3: broken JSON (unexpected character...: line 1 column 2 (char 1))"."""
    engine = app.state.adtrace.engine
    client = login("analyst")
    client.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
    body = b'{"id": "zh-1", "text": "call 702 555 0101"}\n{"id": "zh-2", "text": ""}\n{oops\n'
    r = _upload(client, "feed.jsonl", body)
    assert r.status_code == 303
    job = _wait(engine, r.headers["location"].rsplit("/", 1)[1])
    assert job["state"] == "done" and job["rejected"] == 2, job
    missing, broken = job["errors"]
    assert missing["message"].startswith("feed.jsonl，第 2 行，字段 'text'：没有文本。"), missing
    assert "Give each document" not in missing["message"] and "line" not in missing["message"]
    assert broken["message"].startswith("feed.jsonl，第 3 行：JSON 损坏，位于第 2 列（"), broken
    page = client.get(f"/import/{r.headers['location'].rsplit('/', 1)[1]}").text
    assert "第 2 行，字段 &#39;text&#39;：没有文本" in page or "第 2 行，字段 'text'：没有文本" in page


def test_percent_signs_in_an_upload_are_shown_as_written(app: Any, login: Callable[[str], TestClient]) -> None:
    """The place of a rejected line is built through translated patterns ("%(where)s: %(what)s"): what the
    file holds (here an id "%(x)s%d") goes in as a value only and is shown as written, in every language.
    The upload's own name never carries "%": the server keeps a safe copy of it ("feed_where_s_...")."""
    engine = app.state.adtrace.engine
    client = login("analyst")
    for language, line in (("en", "line 2"), ("es", "línea 2"), ("zh-CN", "第 2 行")):
        client.headers["Accept-Language"] = language
        r = _upload(client, "feed %(where)s %d 100%.jsonl", b'{"id": "pc-1", "text": "hi"}\n{"id": "%(x)s%d", "text": "x"}\n')
        assert r.status_code == 303, r.text
        job_id = r.headers["location"].split("/import/", 1)[1].split("?", 1)[0]
        job = _wait(engine, job_id)
        assert job["state"] == "done" and job["rejected"] == 1, job
        message = job["errors"][0]["message"]
        assert line in message and "'%(x)s%d'" in message and "%(where)s" not in message, message
        assert client.get(f"/import/{job_id}").status_code == 200

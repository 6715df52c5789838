import json
from pathlib import Path

import pytest

from adtrace import errors
from adtrace.documents import Document
from adtrace.sources import Options, ReadError, read_paths


def _read(path: Path, fmt: str | None = None) -> list[Document | ReadError]:
    return list(read_paths([str(path)], Options(format=fmt)))


def test_twitter_v2_response(tmp_path: Path) -> None:
    p = tmp_path / "tweets.json"
    p.write_text(json.dumps({
        "data": [{"id": "101", "text": "new in town, text 702-555-0147", "author_id": "9",
                  "created_at": "2024-05-01T10:00:00.000Z", "lang": "en"},
                 {"id": "102", "author_id": "9"}],
        "includes": {"users": [{"id": "9", "username": "sweetcandy", "location": "Las Vegas, NV"}]},
    }, indent=2))
    items = _read(p)
    doc = items[0]
    assert isinstance(doc, Document)
    assert (doc.id, doc.kind, doc.author, doc.location) == ("x:101", "post", "sweetcandy", "Las Vegas, NV")
    assert doc.url == "https://x.com/sweetcandy/status/101"
    assert isinstance(items[1], ReadError) and "item 2" in items[1].error.message


def test_telegram_channel_export(tmp_path: Path) -> None:
    p = tmp_path / "result.json"
    p.write_text(json.dumps({"name": "Jobs abroad", "type": "public_channel", "id": 555, "messages": [
        {"id": 1, "type": "service", "action": "create_channel"},
        {"id": 2, "type": "message", "date": "2024-03-02T09:00:00", "from": "Jobs abroad",
         "text": ["Hostess work in Dubai, visa provided, contact ", {"type": "mention", "text": "@agent"}]},
        {"id": 3, "type": "message", "date": "2024-03-02T09:05:00", "photo": "photos/1.jpg", "text": ""},
    ]}, indent=1))
    docs = [i for i in _read(p) if isinstance(i, Document)]
    assert [d.id for d in docs] == ["tg:555:2"]
    assert docs[0].text.endswith("contact @agent") and docs[0].source == "telegram:Jobs abroad"


def test_reddit_dump_needs_the_format_and_maps_fields(tmp_path: Path) -> None:
    p = tmp_path / "dump.jsonl"
    p.write_text("\n".join(json.dumps(o) for o in [
        {"id": "abc", "subreddit": "jobs", "title": "Easy work abroad", "selftext": "fee required, passport held",
         "created_utc": 1714557600, "author": "u1", "permalink": "/r/jobs/comments/abc/"},
        {"id": "def", "subreddit": "jobs", "body": "[removed]"},
        {"subreddit": "jobs", "body": "no id"},
    ]) + "\n")
    items = _read(p, "reddit")
    docs = [i for i in items if isinstance(i, Document)]
    assert [d.id for d in docs] == ["reddit:abc"]
    assert docs[0].posted_at is not None and docs[0].posted_at.startswith("2024-05-01")
    assert docs[0].url == "https://www.reddit.com/r/jobs/comments/abc/"
    assert sum(isinstance(i, ReadError) for i in items) == 1


def test_json_lines_with_json_ending_still_read(tmp_path: Path) -> None:
    p = tmp_path / "docs.json"
    p.write_text('{"text": "one"}\n{"text": "two"}\n')
    assert [d.text for d in _read(p) if isinstance(d, Document)] == ["one", "two"]


def test_unrecognised_json_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "odd.json"
    p.write_text('{\n "rows": []\n}\n')
    with pytest.raises(errors.InputError) as info:
        _read(p)
    assert info.value.code == errors.UNKNOWN_FORMAT and "Name the format" in info.value.message
    assert "--format" in info.value.cli_hint and "--format" not in info.value.message

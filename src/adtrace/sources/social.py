"""Social-media exports: X/Twitter API v2 responses, Reddit dumps (JSONL), Telegram channel exports.

Each becomes Documents of kind `post`. X and Telegram exports are whole JSON files (one object holding
a list); Reddit dumps are one submission or comment per line. A `.json` file is read as JSON Lines
when its first line is a complete JSON value, otherwise as one of the whole-file exports, told
apart by their keys (`data` for X, `messages` for Telegram).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

import orjson

from adtrace import errors
from adtrace.documents import Document
from adtrace.i18n import _
from adtrace.sources import jsonarray
from adtrace.sources.base import BOM, DAMAGED, Item, Options, ReadError, bounded_lines, damaged
from adtrace.sources.jsonl import read_jsonl

# Whole-file exports are read into memory; past this size, split the export first.
MAX_EXPORT_BYTES = 512 * 1024 * 1024


def _fail(path: str, item: int, what: str, field: str | None, hint: str, raw: Any = None, *,
          line: bool = False, code: str | None = None, cli_hint: str = "") -> ReadError:
    """A rejected item: `item` is the line of a line-per-item dump (`line`), else the index in a whole export."""
    err = errors.InputError.at(code or (errors.BAD_FIELD if field else errors.BAD_JSON),
                               what if line else _("item %(n)s: %(what)s") % {"n": item, "what": what}, path=path, line=item if line else None,
                               field_name=field, hint=hint, cli_hint=cli_hint)
    return ReadError(path, item, err, orjson.dumps(raw).decode()[:200] if raw is not None else "")


def _doc(obj: dict[str, Any], path: str, item: int, *, line: bool = False) -> Item:
    """A Document, or its rejection located by `item`: a line of a line-per-item dump (`line`), else the
    index in a whole export (a pretty-printed export has no line per item)."""
    try:
        if line:
            return Document.from_dict(obj, path=path, line=item)
        return Document.from_dict(obj, path=_("%(place)s, %(more)s") % {"place": path,
                                                                          "more": _("item %(n)s") % {"n": item}})
    except errors.InputError as err:
        if not line:
            err.detail.update(path=path, item=item)
        return ReadError(path, item, err, orjson.dumps(obj).decode()[:200])


def _defaults(obj: dict[str, Any], opts: Options) -> dict[str, Any]:
    """The read options' source and kind for a document that names none (as the JSONL and CSV readers do)."""
    extra = {k: v for k, v in (("source", opts.source), ("kind", opts.kind)) if v and k not in obj}
    return {**obj, **extra} if extra else obj


def _read(fh: IO[bytes], path: str, size: int, *, line: bool = False) -> bytes:
    try:
        return fh.readline(size) if line else fh.read(size)
    except DAMAGED as exc:  # a cut .json.gz
        raise damaged(path, None, exc) from None


def _whole(fh: IO[bytes], path: str) -> Any:
    raw = _read(fh, path, MAX_EXPORT_BYTES + 1).removeprefix(BOM)
    if len(raw) > MAX_EXPORT_BYTES:
        raise errors.InputError.at(errors.LINE_TOO_LONG, _("export larger than %(n)s bytes")
                                   % {"n": f"{MAX_EXPORT_BYTES:,}"}, path=path,
                                   hint=_("Split the export into smaller files"))
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise errors.InputError.at(errors.BAD_JSON, _("broken JSON at column %(col)s (%(why)s)")
                                   % {"col": exc.colno, "why": exc.msg}, path=path, line=exc.lineno,
                                   hint=_("Check the file is a complete export")) from None


def read_twitter(fh: IO[bytes], path: str, opts: Options) -> Iterator[Item]:
    yield from _twitter(_whole(fh, path), path, opts)


def _twitter(payload: Any, path: str, opts: Options) -> Iterator[Item]:
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise errors.InputError.at(errors.BAD_FIELD, _("not an X/Twitter API v2 response"), path=path,
                                   field_name="data", hint=_("Expected {\"data\": [tweets], \"includes\": {...}}"))
    includes = payload.get("includes")
    listed = includes.get("users") if isinstance(includes, dict) else None
    # Ids are looked up, so only strings and numbers count: a list or object there is a damaged export.
    users = {u["id"]: u for u in listed if isinstance(u, dict) and isinstance(u.get("id"), str | int)} \
        if isinstance(listed, list) else {}
    for i, tweet in enumerate(payload["data"], start=1):
        if not isinstance(tweet, dict) or not tweet.get("id") or not isinstance(tweet.get("text"), str):
            yield _fail(path, i, _("a tweet needs 'id' and 'text'"), "text", _("Export with the text field"), tweet)
            continue
        author = tweet.get("author_id")
        user = users.get(author, {}) if isinstance(author, str | int) else {}
        handle = user.get("username")
        url = f"https://x.com/{handle}/status/{tweet['id']}" if handle else f"https://x.com/i/status/{tweet['id']}"
        yield _doc({"id": f"x:{tweet['id']}", "source": opts.source or "x", "kind": "post", "url": url,
                    "text": tweet["text"], "posted_at": tweet.get("created_at"), "author": handle,
                    "location": user.get("location"), "lang": tweet.get("lang"),
                    "meta": {"author_id": tweet.get("author_id")}}, path, i)


def read_telegram(fh: IO[bytes], path: str, opts: Options) -> Iterator[Item]:
    yield from _telegram(_whole(fh, path), path, opts)


def _telegram_text(text: Any) -> str:
    # Telegram writes formatted text as a list of plain strings and {"type", "text"} pieces.
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in text if isinstance(p, str | dict))
    return ""


def _telegram(payload: Any, path: str, opts: Options) -> Iterator[Item]:
    if not isinstance(payload, dict) or not isinstance(payload.get("messages"), list):
        raise errors.InputError.at(errors.BAD_FIELD, _("not a Telegram channel export"), path=path,
                                   field_name="messages", hint=_("Export the chat as JSON (result.json)"))
    channel = str(payload.get("name") or payload.get("id") or "telegram")
    chan_id = payload.get("id", channel)
    for i, msg in enumerate(payload["messages"], start=1):
        if not isinstance(msg, dict) or msg.get("type", "message") != "message":
            continue  # service messages (joins, pins) carry no post
        text = _telegram_text(msg.get("text"))
        if not text.strip():
            continue  # a photo without a caption: nothing to read
        images = [{"path": msg["photo"]}] if isinstance(msg.get("photo"), str) else []
        yield _doc({"id": f"tg:{chan_id}:{msg.get('id', i)}", "source": opts.source or f"telegram:{channel}",
                    "kind": "post", "text": text, "posted_at": msg.get("date"), "author": msg.get("from"),
                    "images": images}, path, i)


def read_reddit(fh: IO[bytes], path: str, opts: Options) -> Iterator[Item]:
    line = 0
    try:
        for line, raw in bounded_lines(fh, opts.max_line_bytes):
            if raw is None:
                yield _fail(path, line, _("line is longer than %(n)s bytes") % {"n": f"{opts.max_line_bytes:,}"},
                            None, _("Split the dump or raise the line-length limit"), None, line=True,
                            code=errors.LINE_TOO_LONG, cli_hint="raise it with `--max-line-bytes`")
            elif raw.strip():
                yield from _reddit_item(raw, path, line, opts)
    except DAMAGED as exc:  # a cut .jsonl.gz: the lines before the damage stand, the file stops here
        yield ReadError(path, line + 1, damaged(path, line + 1, exc))


def _reddit_item(raw: bytes, path: str, line: int, opts: Options) -> Iterator[Item]:
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        yield _fail(path, line, _("broken JSON at column %(col)s (%(why)s)") % {"col": exc.colno, "why": exc.msg},
                    None, _("Each line must be one JSON object"), line=True)
        return
    if not isinstance(obj, dict) or not obj.get("id"):
        yield _fail(path, line, _("a Reddit item needs 'id'"), "id", _("Use a submissions or comments dump"), obj,
                    line=True)
        return
    body = obj.get("selftext") if "selftext" in obj else obj.get("body")
    text = body if isinstance(body, str) and body not in ("[removed]", "[deleted]") else ""
    if not (text.strip() or obj.get("title")):
        return  # removed or link-only posts hold nothing to read
    created = obj.get("created_utc")
    posted = None
    if isinstance(created, int | float | str) and str(created).replace(".", "", 1).isdigit():
        try:
            posted = datetime.fromtimestamp(float(created), UTC).isoformat()
        except (OverflowError, OSError, ValueError):  # past year 9999: no date a post can have
            yield _fail(path, line, _("created_utc %(value)s is not a time a post was made") % {"value": str(created)[:24]},
                        "created_utc", _("Use seconds since 1970 (Unix time)"), obj, line=True)
            return
    link = obj.get("permalink")
    yield _doc({"id": f"reddit:{obj['id']}", "source": opts.source or f"reddit:{obj.get('subreddit', '')}",
                "kind": "post", "title": obj.get("title"), "text": text or " ",
                "url": f"https://www.reddit.com{link}" if isinstance(link, str) else None,
                "posted_at": posted, "author": obj.get("author")}, path, line, line=True)


def _array(head: bytes, fh: IO[bytes], path: str, opts: Options) -> Iterator[Item]:
    """A JSON array of documents (what json.dump of a list of ads writes), one element in memory at a time."""
    i = 0
    try:
        for i, raw in enumerate(jsonarray.elements(head, lambda n: _read(fh, path, n), opts.max_line_bytes), 1):
            try:
                obj = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                yield _fail(path, i, _("broken JSON at column %(col)s (%(why)s)") % {"col": exc.colno, "why": exc.msg},
                            None, _("Give each document as an object with at least 'text'"), None)
                continue
            if isinstance(obj, dict):
                yield _doc(_defaults(obj, opts), path, i)
            else:
                yield _fail(path, i, _("a document must be a JSON object, not %(kind)s") % {"kind": type(obj).__name__},
                            None, _("Give each document as an object with at least 'text'"), obj)
    except jsonarray.TooLong as exc:
        yield _fail(path, exc.item, _("longer than %(n)s bytes; the rest of the file cannot be read reliably")
                    % {"n": f"{opts.max_line_bytes:,}"}, None, _("Split the item or raise the line-length limit"),
                    code=errors.LINE_TOO_LONG, cli_hint="raise it with `--max-line-bytes`")
    except jsonarray.Broken as exc:
        yield _fail(path, exc.item, _("broken JSON array (%(why)s); the rest of the file cannot be read reliably")
                    % {"why": exc.what}, None, _("Check the file is a complete export"))


def read_json(fh: IO[bytes], path: str, opts: Options) -> Iterator[Item]:
    """A `.json` file: JSON Lines, a JSON array of documents (read one element at a time), or a whole
    X/Twitter or Telegram export, told apart by content."""
    first = _read(fh, path, opts.max_line_bytes + 1, line=True).removeprefix(BOM)
    if first.lstrip()[:1] == b"[":  # never parsed whole, not even to see whether the first line is complete
        yield from _array(first, fh, path, opts)
        return
    try:
        orjson.loads(first)
        single_line = True
    except orjson.JSONDecodeError:
        single_line = False
    probe = _read(fh, path, jsonarray.CHUNK)
    while probe and not probe.strip() and len(probe) <= opts.max_line_bytes:  # blank lines: the next content
        more = _read(fh, path, jsonarray.CHUNK)                                # decides (kept: line numbers)
        if not more:
            break
        probe += more
    # Read on from the file, never held whole: a JSON Lines file of any size and a big array stream.
    if single_line and probe.strip():
        yield from read_jsonl(io.BufferedReader(jsonarray.Joined(first + probe, fh)), path, opts)
        return
    if not first.strip() and (first + probe).lstrip()[:1] == b"[":  # blank lines, then the array
        yield from _array(first + probe, fh, path, opts)
        return
    payload = _whole(io.BufferedReader(jsonarray.Joined(first + probe, fh)), path)
    if isinstance(payload, dict) and isinstance(payload.get("messages"), list):
        yield from _telegram(payload, path, opts)
    elif isinstance(payload, dict) and isinstance(payload.get("data"), list):
        yield from _twitter(payload, path, opts)
    elif isinstance(payload, dict) and ("text" in payload or "title" in payload):
        yield _doc(_defaults(payload, opts), path, 1)
    else:
        raise errors.InputError.at(errors.UNKNOWN_FORMAT, _("not JSON Lines, a JSON array of documents, an X/Twitter "
                                                             "export or a Telegram export"),
                                   path=path, hint=_("Name the format"), cli_hint="name it with `--format` (`--input-format` for extract and score)")


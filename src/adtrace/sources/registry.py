"""Source registry: format name -> reader, the file endings that choose it, and reading by that choice.

A plugin adds a format through the entry-point group "adtrace.sources": either a `Format` (name,
reader, file endings) or a bare reader, named by its entry point and chosen with `--format NAME`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

from adtrace import errors
from adtrace.i18n import _
from adtrace.registry import Registry
from adtrace.sources.base import Format, Item, Options, Reader, open_binary
from adtrace.sources.csvfile import read_csv
from adtrace.sources.html import read_html
from adtrace.sources.jsonl import read_jsonl
from adtrace.sources.social import read_json, read_reddit, read_telegram, read_twitter
from adtrace.sources.warc import read_warc


def _adopt(name: str, plugin: Any) -> list[tuple[str, Reader]]:
    if isinstance(plugin, Format):
        _endings(plugin.name, plugin.endings)
        return [(plugin.name, plugin.reader)]
    return [(name, plugin)] if callable(plugin) else []


READERS: Registry[Reader] = Registry("source format", "adtrace.sources", adopt=_adopt)
_ENDINGS: dict[str, str] = {}


def register(name: str, reader: Reader, endings: tuple[str, ...] = ()) -> None:
    READERS.register(name, reader)
    _endings(name, endings)


def _endings(name: str, endings: tuple[str, ...]) -> None:
    taken = [e for e in endings if e in _ENDINGS]
    if taken:
        raise errors.RegistryError(message=f"source format '{name}' claims file endings another format reads: "
                                           f"{', '.join(taken)}", detail={"name": name, "endings": taken},
                                   code=errors.DUPLICATE_PROVIDER)
    _ENDINGS.update(dict.fromkeys(endings, name))


def reader_for(path: str, forced: str | None = None) -> Reader:
    READERS.load()
    if forced:
        if forced not in READERS:
            raise errors.InputError.at(errors.UNKNOWN_FORMAT, _("unknown format '%(name)s'") % {"name": forced},
                                       path=path, hint=_("Use one of: %(list)s") % {"list": ", ".join(sorted(READERS))})
        return READERS[forced]
    if path == "-":
        return READERS["jsonl"]
    name = path.lower().removesuffix(".gz").removesuffix(".gzip")
    for ending, fmt in sorted(_ENDINGS.items(), key=lambda kv: -len(kv[0])):
        if name.endswith(ending):
            return READERS[fmt]
    raise errors.InputError.at(errors.UNKNOWN_FORMAT, _("cannot tell the format from the file name"), path=path,
                               hint=_("Use a known ending (%(list)s) or name the format") % {"list": ", ".join(known_endings())},
                               cli_hint="name it with `--format` (`--input-format` for extract and score)")


def known_endings() -> list[str]:
    """The file endings that name a format (registered readers and plugins), sorted."""
    READERS.load()
    return sorted(_ENDINGS)


def read_paths(paths: Iterable[str], options: Options | None = None) -> Iterator[Item]:
    """Stream Documents and ReadErrors from many files, each read by the reader its name calls for."""
    opts = options or Options()
    for path in paths:
        # Opened first: a missing file or a folder is named as such, not as a name without a known ending.
        with _closing(open_binary(path), path) as fh:
            reader = reader_for(path, opts.format)
            yield from reader(fh, path, opts)


class _closing:
    def __init__(self, fh: IO[bytes], path: str) -> None:
        self.fh, self.path = fh, path

    def __enter__(self) -> IO[bytes]:
        return self.fh

    def __exit__(self, *exc: object) -> None:
        if self.path != "-":
            self.fh.close()


register("jsonl", read_jsonl, (".jsonl", ".ndjson"))
register("json", read_json, (".json",))
register("twitter", read_twitter)
register("telegram", read_telegram)
register("reddit", read_reddit)
register("csv", read_csv, (".csv", ".tsv", ".tab"))  # the separator is read from the header
register("html", read_html, (".html", ".htm"))
register("warc", read_warc, (".warc", ".arc"))

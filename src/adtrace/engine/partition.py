"""Partitions: the unit of work an engine hands to one task — a whole file, or a byte range of one.

Plain JSON Lines files are split into byte ranges: a range owns every line that *starts* inside it,
so ranges never share or lose a line. Gzip cannot be entered mid-stream, so a .gz file is one
partition (split big archives into many .gz files, or store them uncompressed). Other formats (CSV,
HTML, WARC) are read whole by the project's readers.
"""

from __future__ import annotations

import glob
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from adtrace import errors
from adtrace.sources import Options, ReadError, read_paths
from adtrace.sources.base import open_binary
from adtrace.sources.jsonl import read_jsonl
from adtrace.sources.registry import reader_for
from adtrace.storage.ingest import expand

DEFAULT_PARTITION_BYTES = 64 * 1024 * 1024
Item = object  # Document | ReadError (kept loose: both are handled by the caller)


@dataclass(frozen=True)
class Partition:
    index: int
    path: str
    start: int = 0
    end: int = -1  # -1: to the end of the file (the whole file)

    @property
    def label(self) -> str:
        return self.path if self.end < 0 else f"{self.path}[{self.start}:{self.end}]"


def input_files(patterns: list[str]) -> list[str]:
    """Expand globs and folders (in sorted order, as `adtrace ingest` does) into files."""
    paths: list[str] = []
    for pattern in patterns:
        hits = sorted(glob.glob(pattern)) if any(c in pattern for c in "*?[") else [pattern]
        if not hits:
            raise errors.InputError.at(errors.FILE_NOT_FOUND, "no file matches", path=pattern,
                                       hint="Check the pattern; quote it so the shell does not expand it")
        paths.extend(hits)
    return expand(paths)


def _splittable(path: str, opts: Options) -> bool:
    if reader_for(path, opts.format) is not read_jsonl:
        return False
    with open(path, "rb") as fh:
        return fh.read(2) != b"\x1f\x8b"


def plan(files: list[str], opts: Options, partition_bytes: int = DEFAULT_PARTITION_BYTES) -> list[Partition]:
    """Partitions in input order: file by file, and range by range inside a big plain JSONL file."""
    parts: list[Partition] = []
    for path in files:
        size = Path(path).stat().st_size
        if size <= partition_bytes or not _splittable(path, opts):
            parts.append(Partition(len(parts), path))
            continue
        for start in range(0, size, partition_bytes):
            parts.append(Partition(len(parts), path, start, min(size, start + partition_bytes)))
    return parts


def read_partition(part: Partition, opts: Options) -> Iterator[Item]:
    """Documents and ReadErrors of one partition, by the same readers `adtrace ingest` uses."""
    if part.end < 0:
        try:
            yield from read_paths([part.path], opts)
        except errors.InputError as exc:  # an unreadable file is one rejection, as in ingest
            yield ReadError(part.path, exc.detail.get("line") or 0, exc)
        return
    yield from read_jsonl(io.BytesIO(_range_bytes(part)), part.label, opts)


def _range_bytes(part: Partition) -> bytes:
    """The lines that start in [start, end): skip a partial first line, finish the last one."""
    with open_binary(part.path) as fh:
        if part.start > 0:
            fh.seek(part.start - 1)
            if fh.read(1) != b"\n":
                fh.readline()  # the line under way belongs to the previous range
        begin = fh.tell()
        data = fh.read(max(0, part.end - begin)) if part.end > begin else b""
        if data and not data.endswith(b"\n"):
            data += fh.readline()  # the last line starts inside: read it to its end
        return data

"""Shell plumbing shared by commands: read inputs with an error policy, write Records, show progress."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from adtrace import errors
from adtrace.documents import Document, spreadsheet
from adtrace.i18n import gettext, ngettext
from adtrace.sources import Options, ReadError, read_paths

err_console = Console(stderr=True, soft_wrap=True)  # never wrap a message (paths stay greppable)


def say_hint(hint: str) -> None:
    """What to do at this shell, under an error or a rejected line: "  hint: ..." (text, never rich markup)."""
    if hint:
        label = gettext("hint")  # outside the f-string: pybabel does not extract calls inside one
        err_console.print(f"  {label}: {hint}", highlight=False, markup=False)


def audit_cli(engine: Any, action: str, target: str, **detail: Any) -> None:
    """An audit row for a command, as the app writes for the same read or change (DESIGN §6: views of
    personal data, searches, exports and shares), the actor being the login name."""
    import getpass

    from adtrace.storage import audit

    audit.append(engine, getpass.getuser(), action, target, {**detail, "via": "cli"})


@dataclass
class ReadSummary:
    read: int = 0
    rejected: int = 0
    by_code: dict[str, int] = field(default_factory=dict)
    errors_path: str | None = None

    def line(self) -> str:
        text = ngettext("%(num)s document read, %(rejected)s rejected", "%(num)s documents read, %(rejected)s rejected",
                        self.read) % {"num": f"{self.read:,}", "rejected": f"{self.rejected:,}"}
        if self.rejected:
            codes = ", ".join(f"{c}×{n}" for c, n in sorted(self.by_code.items()))
            where = self.errors_path or gettext("the messages above")
            text += " " + gettext("(%(codes)s); see %(where)s") % {"codes": codes, "where": where}
        return text


def documents(paths: list[str], opts: Options, on_error: str, errors_file: str | None,
              summary: ReadSummary) -> Iterator[Document]:
    """Documents from paths; a bad line stops the run (`fail`) or is logged and counted (`skip`)."""
    if on_error not in ("skip", "fail"):
        raise errors.InputError.at(errors.BAD_FIELD, gettext("--on-error must be skip or fail, not %(value)r")
                                   % {"value": on_error})
    log: IO[bytes] | None = None
    if errors_file:
        summary.errors_path = errors_file
    try:
        for item in read_paths(paths or ["-"], opts):
            if isinstance(item, ReadError):
                if on_error == "fail":
                    raise item.error
                summary.rejected += 1
                summary.by_code[item.error.code] = summary.by_code.get(item.error.code, 0) + 1
                if errors_file:
                    if log is None:
                        log = Path(errors_file).open("wb")  # noqa: SIM115  (closed in finally)
                    log.write(orjson.dumps(item.to_json()) + b"\n")
                elif summary.rejected <= 20:
                    label = gettext("skipped")  # outside the f-string: pybabel does not extract calls inside one
                    err_console.print(f"[yellow]{label}[/] {item.error.message}", highlight=False)
                    say_hint(item.error.cli_hint)
                continue
            summary.read += 1
            yield item
    finally:
        if log is not None:
            log.close()


@contextmanager
def output(path: str | None) -> Iterator[IO[bytes]]:
    if path in (None, "-"):
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
    else:
        with Path(path).open("wb") as fh:
            yield fh


def print_json(obj: Any) -> None:
    """One result of a command, indented JSON on stdout (what scripts read)."""
    sys.stdout.buffer.write(orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))


def write_jsonl(fh: IO[bytes], record: dict[str, Any]) -> None:
    fh.write(orjson.dumps(record) + b"\n")


CSV_COLUMNS = ("id", "phones", "emails", "handles", "urls", "ages", "prices", "places", "payments", "names",
               "risk_score", "risk_level", "indicators")


class CsvWriter:
    """Flat CSV: one row per document, multiple values joined with '|'."""

    def __init__(self, fh: IO[bytes]) -> None:
        import io as _io

        self._text = _io.TextIOWrapper(fh, encoding="utf-8", newline="", write_through=True)
        self._csv = spreadsheet.writer(self._text)
        self._csv.writerow(CSV_COLUMNS)

    def write(self, r: dict[str, Any]) -> None:
        risk = r.get("risk") or {}
        self._csv.writerow([
            r["id"],
            "|".join(p["value"] for p in r.get("phones", [])),
            "|".join(e["value"] for e in r.get("emails", [])),
            "|".join(f"{h['platform']}:{h['value']}" for h in r.get("handles", [])),
            "|".join(u["value"] for u in r.get("urls", [])),
            "|".join(str(a["value"]) for a in r.get("ages", [])),
            "|".join(_price(p) for p in r.get("prices", [])),
            "|".join(", ".join(x for x in (p.get("name"), p.get("admin"), p.get("country")) if x)
                     for p in r.get("places", [])),
            "|".join(f"{p['platform']}:{p['value']}" for p in r.get("payments", [])),
            "|".join(n["value"] for n in r.get("names", [])),
            risk.get("score", ""), risk.get("level", ""),
            "|".join(i["id"] for i in r.get("indicators", [])),
        ])

    def close(self) -> None:
        self._text.detach()


def _price(p: dict[str, Any]) -> str:
    per = f"/{p['per_minutes']}min" if p.get("per_minutes") else ""
    return f"{p['amount']} {p.get('currency') or ''}{per}".strip()


@contextmanager
def progress(label: str, total: int | None = None) -> Iterator[Any]:
    """A progress bar on a terminal; silent in pipes and CI."""
    if not err_console.is_terminal:
        yield _Quiet()
        return
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield _Bar(bar, task)


class _Quiet:
    def advance(self, n: int = 1) -> None:
        pass


class _Bar:
    def __init__(self, bar: Progress, task: Any) -> None:
        self.bar, self.task = bar, task

    def advance(self, n: int = 1) -> None:
        self.bar.advance(self.task, n)


def use_ocr(on: bool, images: list[Path]) -> None:
    """`--ocr` / `--images`: set ADTRACE_OCR and ADTRACE_IMAGES for the pipeline (and the ingest workers
    it forks), and say on stderr whether OCR runs ("OCR is off: ..." when Tesseract is missing)."""
    import os

    if images:
        os.environ["ADTRACE_IMAGES"] = os.pathsep.join(str(p) for p in images)
    if not on:
        return
    from adtrace.ocr import OCR_ENV, status

    os.environ[OCR_ENV] = "on"
    state = status()
    err_console.print(state.message + ("" if images or os.environ.get("ADTRACE_IMAGES") else
                                       gettext("; no --images folder given, so no local image can be read")),
                      highlight=False)


def report_manifest(manifest: Path | None) -> None:
    """Say where an export's signed evidence manifest went, or why there is none."""
    if manifest is None:
        none, why = gettext("no evidence manifest"), gettext("no organisation keys (make them with adtrace exchange "
                                                              "keys --org NAME)")
        err_console.print(f"[yellow]{none}[/]: {why}", highlight=False)
    else:
        err_console.print(gettext("signed manifest -> %(path)s") % {"path": manifest}, highlight=False)

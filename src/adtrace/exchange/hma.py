"""ThreatExchange / HMA-compatible banks: a watchlist's PDQ photo hashes and text phrases in the signal
types and file format of Meta's `threatexchange` library (python-threatexchange), which HMA uses.

A bank file is the library's local-file exchange format (`LocalFileSignalExchangeAPI`): one signal a
line, `<signal type name> <signal>`, e.g. `pdq 0f0f...` or `raw_text new in town`. Type names and
validation come from the library's `PdqSignal` and `RawTextSignal`; reading goes through the library's
own exchange (`fetch_iter`), so what adtrace imports is exactly what ThreatExchange tools would fetch.
Writing is ours (three lines): the library's writer (`report_opinion`) opens the file with mode "wta",
which Python refuses (threatexchange 1.2.17), and it only appends.

Only PDQ and text travel this way. Phones, e-mails and handles stay adtrace-to-adtrace as keyed hashes
(`adtrace exchange export`): a plain value or plain hash of a phone number in a bank file would give
every holder the number (docs/exchange.md, "Signals").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from threatexchange.exchanges.impl.file_api import FileCollaborationConfig, LocalFileSignalExchangeAPI
from threatexchange.signal_type.pdq.signal import PdqSignal
from threatexchange.signal_type.raw_text import RawTextSignal
from threatexchange.signal_type.signal_base import SignalType

from adtrace import errors
from adtrace.cases import watchlists as wl
from adtrace.i18n import _
from adtrace.storage import Store

# adtrace watchlist kind <-> threatexchange signal type
SIGNAL_TYPES: dict[str, type[SignalType]] = {"pdq": PdqSignal, "phrase": RawTextSignal}
KIND_OF = {t.get_name(): kind for kind, t in SIGNAL_TYPES.items()}


@dataclass
class BankReport:
    written: int = 0
    added: int = 0
    already: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # watchlist kinds that stay adtrace-to-adtrace

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _line(kind: str, value: str) -> str:
    stype = SIGNAL_TYPES[kind]
    signal = " ".join(value.split()) if kind == "phrase" else value.lower()
    return f"{stype.get_name()} {stype.validate_signal_str(signal)}"


def export_bank(store: Store | sa.Engine, watchlist: str, path: str | Path) -> BankReport:
    """Write the watchlist's active PDQ hashes and phrases as a bank file; other kinds are counted, not written."""
    entries = wl.entries(store, name=watchlist)
    if not entries:
        raise errors.InputError(message=f"no active watchlist named {watchlist!r}", code=errors.NOT_FOUND,
                                http_status=404, detail={"field": "watchlist"}, cli_hint="see `adtrace watchlist list`",
                                web_hint=_("The Watchlists page lists them"))
    report = BankReport()
    lines = []
    for e in entries:
        if e.kind in SIGNAL_TYPES:
            lines.append(_line(e.kind, e.value))
        else:
            report.skipped[e.kind] = report.skipped.get(e.kind, 0) + 1
    Path(path).write_text("".join(f"{x}\n" for x in sorted(set(lines))), encoding="utf-8")
    report.written = len(set(lines))
    return report


def read_bank(path: str | Path, default_type: str | None = None) -> list[tuple[str, str]]:
    """(signal type name, signal) of a bank file, read by the library's local-file exchange, each checked
    by its signal type. An unknown type or a bad signal is an error naming the file and the signal."""
    p = Path(path)
    if not p.is_file():
        raise errors.InputError.at(errors.FILE_NOT_FOUND, "no such file", path=str(path), hint="Check the path")
    config = FileCollaborationConfig(filename=str(p.resolve()), name="adtrace-import",
                                     api=LocalFileSignalExchangeAPI.get_name(), signal_type=default_type)
    api = LocalFileSignalExchangeAPI.for_collab(config)
    try:
        updates = [key for delta in api.fetch_iter(list(SIGNAL_TYPES.values()), None) for key in delta.updates]
    except UnicodeDecodeError:
        raise errors.InputError.at(errors.BAD_UTF8, "a bank file is UTF-8 text", path=str(path)) from None
    out = []
    for type_name, signal in updates:
        kind = KIND_OF.get(type_name)
        if kind is None:
            raise errors.InputError.at(errors.BAD_FIELD, f"signal type {type_name[:40]!r} is not one adtrace reads",
                                       path=str(path), field_name="signal_type",
                                       hint=f"Use one of: {', '.join(sorted(KIND_OF))} (one 'TYPE SIGNAL' a line)")
        try:
            out.append((type_name, SIGNAL_TYPES[kind].validate_signal_str(signal)))
        except ValueError as exc:
            raise errors.InputError.at(errors.BAD_FIELD, f"{type_name} signal {signal[:70]!r}: {exc}",
                                       path=str(path), field_name="signal") from None
    return sorted(out)


def import_bank(store: Store | sa.Engine, path: str | Path, *, watchlist: str, owner: str,
                note: str = "") -> BankReport:
    """Add a bank's PDQ hashes and text signals to a watchlist (existing entries are kept, not doubled)."""
    report = BankReport()
    before = {(e.kind, e.value) for e in wl.entries(store, name=watchlist)}
    for type_name, signal in read_bank(path):
        kind = KIND_OF[type_name]
        entry = wl.add(store, kind, signal, name=watchlist, owner=owner, note=note or f"from bank {Path(path).name}")
        if (entry.kind, entry.value) in before:
            report.already += 1
        else:
            report.added += 1
            before.add((entry.kind, entry.value))
    return report

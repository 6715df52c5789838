"""National trafficking hotlines by country: the shipped, sourced table `hotlines.csv` (docs/tips.md).

Each row names the page its number was checked against, the date, and in its note how it was checked
(a stored copy of the page; no live web access) and what the page did not show. Rows where no hotline
was found give no number at all (only the police line) rather than a guess. The app, case exports,
drafts and alert e-mails show the hotline of the ad's or case's country, else the organisation's
(ADTRACE_COUNTRY), else the US one. It lives with places (by country) so that `cases` can use it too.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import islice
from typing import Any

import phonenumbers

from adtrace import errors

FIELDS = ("country", "name", "phone", "text", "web", "emergency", "source", "checked", "confidence", "note")
CONFIDENCE = ("high", "medium", "none")
DEFAULT_COUNTRY = "US"
_ISO2 = re.compile(r"^[A-Z]{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Country names the gazetteer or a user may give instead of a code (only the table's countries matter).
_NAMES = {"united states": "US", "usa": "US", "canada": "CA", "mexico": "MX", "méxico": "MX",
          "united kingdom": "GB", "uk": "GB", "great britain": "GB", "australia": "AU", "spain": "ES",
          "españa": "ES", "thailand": "TH", "vietnam": "VN", "viet nam": "VN", "cambodia": "KH", "laos": "LA",
          "lao pdr": "LA", "myanmar": "MM", "burma": "MM", "china": "CN", "yunnan": "CN"}
# The table's countries in English (the tip form shows them through `_()`).
COUNTRY_NAMES = {"AU": "Australia", "CA": "Canada", "CN": "China", "ES": "Spain", "GB": "United Kingdom",
                 "KH": "Cambodia", "LA": "Laos", "MM": "Myanmar", "MX": "Mexico", "TH": "Thailand",
                 "US": "United States", "VN": "Vietnam"}


@dataclass(frozen=True)
class Hotline:
    country: str  # ISO 3166-1 alpha-2
    name: str
    phone: str  # empty when no number was known with confidence
    text: str
    web: str
    emergency: str
    source: str
    checked: str  # the date the row was checked against `source` (YYYY-MM-DD)
    confidence: str  # high | medium | none (none: no hotline number given)
    note: str

    @property
    def tel(self) -> str:
        """The phone as a tel: URI body (digits only)."""
        return re.sub(r"\D", "", self.phone)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def line(self) -> str:
        """One English sentence for plain-text channels (alert e-mails, the JSON bundle)."""
        if self.phone:
            out = f"{self.name} ({self.country}): call {self.phone}" + (f" or text {self.text}" if self.text else "")
        else:
            out = f"No national trafficking hotline number is on file for {self.country}"
        return out + (f"; in an emergency call {self.emergency}" if self.emergency else "")

    def public(self) -> dict[str, str]:
        """The fields a reader of an export needs (no note: it is long and English)."""
        return {k: getattr(self, k) for k in ("country", "name", "phone", "text", "emergency", "source", "checked")}


def parse(text: str, where: str = "hotlines.csv") -> dict[str, Hotline]:
    """Rows of a hotline table, checked: a bad row is an error naming its line and field."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != FIELDS:
        raise errors.InputError.at(errors.BAD_HOTLINES, f"columns must be {', '.join(FIELDS)}", path=where, line=1)
    out: dict[str, Hotline] = {}
    for n, row in enumerate(reader, start=2):
        values = {k: (row.get(k) or "").strip() for k in FIELDS}

        def bad(field_name: str, what: str, n: int = n) -> errors.InputError:
            return errors.InputError.at(errors.BAD_HOTLINES, what, path=where, line=n, field_name=field_name)

        if not _ISO2.match(values["country"]) or values["country"] in out:
            raise bad("country", "a two-letter country code (ISO 3166-1), once per table")
        if not values["name"]:
            raise bad("name", "missing")
        if not _DATE.match(values["checked"]):
            raise bad("checked", "the date the row was checked, YYYY-MM-DD")
        if values["confidence"] not in CONFIDENCE:
            raise bad("confidence", f"one of {', '.join(CONFIDENCE)}")
        if values["phone"] and not values["source"]:
            raise bad("source", "a number needs the organisation's site it comes from")
        if bool(values["phone"]) == (values["confidence"] == "none"):
            raise bad("phone", "confidence 'none' rows give no number; any other row gives one")
        if not values["note"]:
            raise bad("note", "say how the row was checked")
        out[values["country"]] = Hotline(**values)
    return out


@cache
def table() -> dict[str, Hotline]:
    """The shipped table, by country code."""
    raw = (resources.files("adtrace.places") / "hotlines.csv").read_text(encoding="utf-8")
    return parse(raw)


def country_code(value: str | None) -> str | None:
    """A two-letter code from a code or a country name ("mx", "Mexico" -> "MX"); None when unknown."""
    if not value:
        return None
    v = value.strip()
    if _ISO2.match(v.upper()) and len(v) == 2:
        return "GB" if v.upper() == "UK" else v.upper()
    return _NAMES.get(v.lower())


def hotline_for(country: str | None) -> Hotline | None:
    """The hotline row of a country (code or name), or None when the table has no row for it."""
    code = country_code(country)
    return table().get(code) if code else None


def org_country() -> str:
    """The organisation's configured country (ADTRACE_COUNTRY, a two-letter code), else the US."""
    return country_code(os.environ.get("ADTRACE_COUNTRY")) or DEFAULT_COUNTRY


def hotline_or_default(countries: Iterable[str | None]) -> Hotline:
    """The first of `countries` the table has, else the organisation's country, else the US."""
    for c in countries:
        found = hotline_for(c)
        if found is not None:
            return found
    return hotline_for(org_country()) or table()[DEFAULT_COUNTRY]


def record_countries(record: Mapping[str, Any] | None) -> list[str]:
    """Countries a Record points to, most telling first: places it names, then its phones' countries."""
    if not record:
        return []
    out: list[str] = []
    for place in record.get("places") or []:
        c = country_code(str(place.get("country") or "")) if isinstance(place, dict) else None
        if c and c not in out and place.get("via") != "area_code":
            out.append(c)
    for phone in record.get("phones") or []:
        try:
            region = phonenumbers.region_code_for_number(phonenumbers.parse(str(phone.get("value", ""))))
        except (phonenumbers.NumberParseException, AttributeError):
            continue
        if region and region != "ZZ" and region not in out:
            out.append(region)
    return out


def hotline_for_records(records: Iterable[Mapping[str, Any] | None]) -> Hotline:
    """The hotline of the country most of these records point to, else the organisation's, else the US."""
    votes: dict[str, int] = {}
    for record in records:
        for rank, c in enumerate(record_countries(record)):
            votes[c] = votes.get(c, 0) + (2 if rank == 0 else 1)  # a record's first country weighs most
    ranked = sorted(votes, key=lambda c: (-votes[c], c))
    return hotline_or_default([c for c in ranked if c in table()])


def hotline_for_documents(store: Any, doc_ids: Iterable[str], limit: int = 50) -> Hotline:
    """The hotline of the country most of these documents point to (at most `limit` read), else the default."""
    return hotline_for_records(store.get_record(d) for d in islice(doc_ids, limit))

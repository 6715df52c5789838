"""The market mixture: what share of documents each category gets, and the knobs inside categories."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date

from adtrace import errors

CATEGORIES = ("escort", "massage", "network", "imb", "dating", "classified", "review", "social", "job_legit",
              "job_deceptive")

DEFAULT_RATES: dict[str, float] = {
    "escort": 0.44, "massage": 0.08, "network": 0.14, "imb": 0.04, "dating": 0.05, "classified": 0.10,
    "review": 0.04, "social": 0.04, "job_legit": 0.05, "job_deceptive": 0.02,
}


@dataclass(frozen=True)
class Mixture:
    """Rates are shares of all documents (normalised to sum to 1); the rest are shares within a category."""

    rates: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))
    minor_networks: float = 0.15  # networks that advertise at least one minor
    third_person: float = 0.6  # networks writing in the operator's voice
    new_in_town: float = 0.7  # network ads announcing arrival
    obfuscation: float = 0.25  # independent/other ads whose phone is disguised
    network_obfuscation: float = 0.6  # network ads whose phone is disguised
    lang_es: float = 0.08
    lang_zh: float = 0.04
    foreign: float = 0.10  # documents placed outside the US (CA, MX, GB, AU)
    docs_per_network: float = 40.0
    touring: float = 0.1  # independents who post in other cities (benign movement: a hard case)
    start: date = date(2024, 1, 1)
    days: int = 366

    def __post_init__(self) -> None:
        unknown = [k for k in self.rates if k not in CATEGORIES]
        if unknown:
            raise errors.InputError.at(errors.BAD_FIELD, f"unknown category {unknown[0]!r}", field_name="rates",
                                       hint=f"Use one of: {', '.join(CATEGORIES)}")
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, float) and not (0.0 <= v <= 1.0) and f.name != "docs_per_network":
                raise errors.InputError.at(errors.BAD_FIELD, f"{f.name} must be between 0 and 1, got {v}",
                                           hint="Give rates as fractions, e.g. 0.15")
        if any(v < 0 for v in self.rates.values()) or sum(self.rates.values()) <= 0:
            raise errors.InputError.at(errors.BAD_FIELD, "rates must be non-negative and not all zero",
                                       field_name="rates", hint="e.g. network=0.2")
        if self.docs_per_network < 1 or self.days < 1:
            raise errors.InputError.at(errors.BAD_FIELD, "docs_per_network and days must be at least 1")

    def normalised(self) -> dict[str, float]:
        full = {c: float(self.rates.get(c, 0.0)) for c in CATEGORIES}
        total = sum(full.values())
        return {c: v / total for c, v in full.items()}

    def with_rates(self, overrides: dict[str, float]) -> Mixture:
        """A copy where the named categories take the given shares (others keep theirs)."""
        return replace(self, rates={**self.rates, **overrides})


def parse_rates(items: list[str]) -> dict[str, float]:
    """'network=0.2' items from the command line -> {category: share}."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            raise errors.InputError.at(errors.BAD_FIELD, f"bad rate {item!r}", field_name="rate",
                                       hint="Write CATEGORY=SHARE, e.g. network=0.2") from None
    return out

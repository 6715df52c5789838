"""The Store contract (DESIGN §4): what every backend keeps, and the data it hands back.

A Store holds Documents with their Records, an entity index (phone, email, handle, payment, city ->
documents), indicator hits and a full-text index. Later issues add clusters, cases, users and audit
as further methods and migrations on the same two backends; nothing here assumes they are absent.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from adtrace import errors
from adtrace.documents import Document

# Stable storage codes (AT2xx, DESIGN §3).
DB_UNREACHABLE = errors.DB_UNREACHABLE
DB_NOT_INITIALISED = errors.DB_NOT_INITIALISED
DB_OUTDATED = errors.DB_OUTDATED
BAD_QUERY = errors.BAD_QUERY
DB_WRITE_FAILED = errors.DB_WRITE_FAILED

ENTITY_KINDS = ("phone", "email", "handle", "payment", "city")
# city / state: named in the ad or its location field; phone_area: the place of a phone's area code.
FACETS = ("source", "kind", "risk_level", "indicator", "city", "state", "phone_area")
# Orders of search hits: relevance (the default; newest first without free text), newest, risk score.
SORTS = ("relevance", "newest", "score")


def storage_error(code: str, message: str, *, cli_hint: str = "", web_hint: str = "", **detail: Any) -> errors.StorageError:
    return errors.StorageError(message=message, detail=detail, code=code, cli_hint=cli_hint, web_hint=web_hint)


@dataclass(frozen=True)
class Prepared:
    """A processed document, ready to write: everything a worker process can compute."""

    id: str
    source: str
    url: str | None
    kind: str
    title: str | None
    text: str
    location: str | None
    posted_at: str | None  # normalised ISO 8601 (UTC when a zone was given), sortable as text
    content_hash: str  # what the document says (no id, no meta): same content => duplicate
    doc_hash: str  # the whole document: a change here updates the stored one
    doc_json: bytes  # the Document minus title/text (kept in columns, and indexed)
    record_json: bytes
    risk_score: float | None
    risk_level: str | None
    entities: tuple[tuple[str, str, str | None], ...]  # (kind, normalised value, platform)
    indicators: tuple[str, ...]
    place_facets: tuple[tuple[str, str], ...] = ()  # (city | state | phone_area, value): prepare.place_facets


@dataclass(frozen=True)
class Outcome:
    """What happened to one Prepared document in `put_batch`."""

    id: str
    status: str  # new | updated | duplicate
    reason: str = ""  # for duplicates: id | url | content


@dataclass
class Query:
    """A search: free text (phrases in quotes, prefix with a trailing *), filters and facets."""

    text: str = ""
    phone: str | None = None
    email: str | None = None
    handle: str | None = None
    payment: str | None = None
    city: str | None = None  # a city named in the ad or its location field (the `city` facet)
    state: str | None = None  # a state or province named there
    phone_area: str | None = None  # the place of a phone number's area code
    source: str | None = None
    kind: str | None = None
    risk_level: str | None = None
    indicator: str | None = None
    date_from: str | None = None  # inclusive, ISO date or datetime
    date_to: str | None = None  # inclusive when a bare date
    facets: Sequence[str] = ()
    sort: str = "relevance"  # one of SORTS
    limit: int = 20
    offset: int = 0
    # Bounds for broad queries (None: exact). Over count_cap matches, `total` is count_cap and flagged a
    # lower bound ("10,000+"); over facet_cap matches, facets count only the facet_cap newest matches.
    count_cap: int | None = None
    facet_cap: int | None = None


@dataclass
class Hit:
    id: str
    source: str
    kind: str
    url: str | None
    title: str | None
    posted_at: str | None
    location: str | None
    risk_score: float | None
    risk_level: str | None
    snippet: str  # from the text with its HTML entities decoded (as indexed, adtrace/storage/charrefs.py)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    total_is_lower_bound: bool = False  # more than `total` documents match (Query.count_cap reached)
    facets_capped: bool = False  # facets count only `facets_over` of the matches (Query.facet_cap reached)
    facets_over: int | None = None  # how many matching documents the facet counts are over

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "hits": [h.to_dict() for h in self.hits], "facets": self.facets,
                "total_is_lower_bound": self.total_is_lower_bound, "facets_capped": self.facets_capped,
                "facets_over": self.facets_over}


@dataclass
class Checkpoint:
    """How far ingest got in one input file, committed with the batch it describes."""

    key: str
    fingerprint: str
    items_done: int
    complete: bool


class Store(ABC):
    """One contract, two backends. Writes come from one writer at a time (DESIGN §4)."""

    url: str

    @abstractmethod
    def put_batch(self, batch: Sequence[Prepared], checkpoint: Checkpoint | None = None) -> list[Outcome]:
        """Store a batch in one transaction (with the checkpoint, when given); idempotent."""

    @abstractmethod
    def get_document(self, doc_id: str) -> Document | None: ...

    @abstractmethod
    def get_record(self, doc_id: str) -> dict[str, Any] | None: ...

    @abstractmethod
    def lookup(self, kind: str, value: str) -> list[str]:
        """Ids of documents holding this entity (value normalised as on ingest)."""

    @abstractmethod
    def search(self, query: Query) -> SearchResult: ...

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Rows per table: documents, records, entities, indicator_hits."""

    @abstractmethod
    def iter_ids(self) -> Iterable[str]: ...

    @abstractmethod
    def checkpoint(self, key: str) -> Checkpoint | None: ...

    @abstractmethod
    def size_bytes(self) -> int: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def content_hash(doc: Document) -> str:
    basis = orjson.dumps([doc.source, doc.kind, doc.url, doc.title, doc.text, doc.posted_at, doc.location,
                          doc.author, doc.images, doc.lang])
    return hashlib.sha256(basis).hexdigest()[:32]


def doc_hash(doc: Document) -> str:
    return hashlib.sha256(orjson.dumps(doc.to_dict(), option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]

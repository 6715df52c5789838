"""One place for every error adtrace raises on purpose, each with a stable code.

Codes are grouped: AT1xx bad input, AT2xx storage, AT3xx auth, AT4xx configuration and environment,
AT5xx internal contract violations. A message always says what to do next. The CLI maps the group to
an exit code (DESIGN §3); the API maps it to an HTTP status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_ENVIRONMENT = 3


@dataclass
class AdtraceError(Exception):
    """Base class: `code` is stable, `message` says what went wrong and what to do."""

    message: str
    detail: dict[str, Any] = field(default_factory=dict)
    code: str = "AT500"
    exit_code: int = EXIT_BAD_INPUT
    http_status: int = 500

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "detail": self.detail}}


@dataclass
class InputError(AdtraceError):
    """A document or file that cannot be read. Names the file, line and field when known."""

    code: str = "AT100"
    exit_code: int = EXIT_BAD_INPUT
    http_status: int = 422

    @classmethod
    def at(
        cls,
        code: str,
        what: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field_name: str | None = None,
        hint: str = "",
    ) -> InputError:
        where = ", ".join(
            p
            for p in (
                path,
                f"line {line}" if line is not None else None,
                f"field '{field_name}'" if field_name else None,
            )
            if p
        )
        msg = f"{where}: {what}" if where else what
        if hint:
            msg = f"{msg}. {hint}"
        detail: dict[str, Any] = {k: v for k, v in (("path", path), ("line", line), ("field", field_name)) if v}
        return cls(message=msg, detail=detail, code=code)


# Stable input codes. Never reuse a number for another meaning.
BAD_JSON = "AT101"
BAD_UTF8 = "AT102"
MISSING_FIELD = "AT103"
BAD_FIELD = "AT104"
LINE_TOO_LONG = "AT105"
UNKNOWN_FORMAT = "AT106"
FILE_NOT_FOUND = "AT107"
BAD_CSV = "AT108"
TOO_MANY_ERRORS = "AT109"
BAD_ID = "AT110"  # a document id outside the documented characters (adtrace.documents.ID_CHARS)
BAD_CHECKPOINT = "AT111"  # a line of an audit checkpoint file that is not a checkpoint
INTERNAL = "AT500"  # a bug: the app still answers in the error shape
# Hostile or oversized input (issue 20). Numbered from 120 so other new input codes can take 110-119.
TOO_LARGE = "AT120"  # a request body or document past its configured size (HTTP 413)
TOO_MANY_IDENTIFIERS = "AT121"  # a screened document naming more identifiers than one ad plausibly does
PAGE_TOO_DEEP = "AT122"  # an HTML page nested deeper (or with more elements) than any real ad page
# Images read for their text (OCR, issue 24) and photo search. 190-194 are theirs.
OCR_BAD_IMAGE = "AT190"  # an image that cannot be opened, or too large to be an ad photo (skipped, counted)
BAD_PDQ = "AT191"  # a PDQ hash that is not 64 hexadecimal characters (search by photo)
BAD_PHOTO_QUERY = "AT192"  # a photo search with neither a readable image nor a hash, or a bad distance


@dataclass
class StorageError(AdtraceError):
    code: str = "AT200"
    exit_code: int = EXIT_ENVIRONMENT
    http_status: int = 503


@dataclass
class AuthError(AdtraceError):
    code: str = "AT300"
    exit_code: int = EXIT_USAGE
    http_status: int = 401


@dataclass
class ConfigError(AdtraceError):
    """Bad configuration or a missing piece of the environment (a database, a port, a package)."""

    code: str = "AT400"
    exit_code: int = EXIT_ENVIRONMENT
    http_status: int = 500


# A setting (environment variable) that cannot be used; the message names it and the default.
BAD_SETTING = "AT420"
# OCR asked for (--ocr, ADTRACE_OCR) where Tesseract or its language data is missing. 450-454 are OCR's.
OCR_OFF = "AT450"


@dataclass
class RegistryError(AdtraceError):
    """A plugin or built-in broke a registry rule (duplicate name, unmet requirement)."""

    code: str = "AT501"
    exit_code: int = EXIT_ENVIRONMENT
    http_status: int = 500

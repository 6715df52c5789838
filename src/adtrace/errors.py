"""One place for every error adtrace raises on purpose, each with a stable code.

Codes are grouped: AT1xx bad input, AT2xx storage, AT3xx auth, AT4xx configuration and environment,
AT5xx internal contract violations. The CLI maps the group to an exit code (DESIGN §3); the API maps it
to an HTTP status.

What an error says, and who reads it. One error reaches up to four surfaces: the CLI (stderr), the web
pages (analysts in a browser, who have no shell on the server), the REST API's JSON and an import job's
status line. So an error carries three texts, and each surface shows the ones that make sense there:

- `message` says what is wrong, and may add what to do in words every reader can act on ("Use one of:
  a, b", "Upload a smaller copy": what `InputError.at(hint=...)` appends). It never names an `adtrace`
  command, a command-line flag or a server file: every surface shows it.
- `cli_hint` is what to do at the server's shell: a backticked `adtrace ...` command. Only the CLI prints
  it (a second line, "hint: ...").
- `web_hint` is what to do for someone using adtrace over HTTP: a page ("Settings → Users"), or "ask an
  administrator" when only the shell can fix it. Pages show it under the message (`web_text`) and the
  API answers it as `hint`; empty means no hint there, never the CLI's.

An error raised for both surfaces gives both hints; one raised only by a CLI command needs only
`cli_hint`. No text of an error names a `docs/` page: the docs are not installed with the package. A
`web_hint` goes through gettext (`_()`): it is read in the reader's language. tests/test_error_hints.py fails
when an error's message names an `adtrace` command or, outside adtrace.cli, a flag; when any of its texts
names a docs page; and on a bare-string `web_hint`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from adtrace.i18n import gettext as _

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_ENVIRONMENT = 3


@dataclass(frozen=True)
class Code:
    """One entry of the catalogue: the stable code, its constant's name, what it means, and how it exits."""

    code: str
    name: str
    meaning: str
    exit_code: int
    http_status: int


# Each group's exit code and HTTP status unless an entry says otherwise (DESIGN §3).
_GROUPS = {"1": (EXIT_BAD_INPUT, 422), "2": (EXIT_ENVIRONMENT, 503), "3": (EXIT_USAGE, 401),
           "4": (EXIT_ENVIRONMENT, 500), "5": (EXIT_ENVIRONMENT, 500)}
CATALOGUE: dict[str, Code] = {}
# Numbers once used and withdrawn: never given a new meaning. AT404/AT405 were "not found" / "method not
# allowed" written as HTTP statuses in the configuration range; they are AT112/AT113 now.
RETIRED = {"AT404": "AT112", "AT405": "AT113"}


def define(code: str, name: str, meaning: str, *, http_status: int | None = None, exit_code: int | None = None) -> str:
    """Register one code and return it, so a module-level constant reads `NAME = define("AT1nn", ...)`.

    Raises at import when a number or name is defined twice or reuses a retired number: the catalogue test
    then fails before any code ships with two meanings.
    """
    if code in CATALOGUE or code in RETIRED or any(c.name == name for c in CATALOGUE.values()):
        raise ValueError(f"error code {code} ({name}) is defined twice or retired")
    group_exit, group_status = _GROUPS[code[2]]
    CATALOGUE[code] = Code(code, name, meaning, exit_code if exit_code is not None else group_exit,
                           http_status if http_status is not None else group_status)
    return code


def lookup(code: str) -> Code:
    """The catalogue entry of `code` (KeyError for a code that was never defined)."""
    return CATALOGUE[code]


def markdown() -> str:
    """docs/errors.md, generated from the catalogue so the page cannot drift (a test compares them)."""
    lines = ["# Error codes", "",
             "Generated from `src/adtrace/errors.py` by `python -m adtrace.errors > docs/errors.md`; a test fails",
             "when the two differ. Every error names what went wrong; what to do is in words in the message, or in",
             "a hint for its surface (the CLI prints a command to run, web pages and the API a page or \"ask an",
             "administrator\": the rule is in the module's docstring). The CLI exits with the code's exit code and the",
             "API answers `{\"error\": {\"code\", \"message\", \"hint\", \"detail\"}}` with its HTTP status",
             "(the usual one: a few call sites answer a more precise status, e.g. 409 for a name taken).", "",
             "| code | name | meaning | exit | HTTP |", "|---|---|---|---|---|"]
    lines += [f"| {c.code} | {c.name} | {c.meaning} | {c.exit_code} | {c.http_status} |"
              for c in sorted(CATALOGUE.values(), key=lambda c: c.code)]
    lines += ["", "Retired numbers (never reused): " + ", ".join(f"{old} (now {new})" for old, new in RETIRED.items()), ""]
    return "\n".join(lines)


def not_found(message: str, *, cli_hint: str = "", web_hint: str = "", **detail: Any) -> InputError:
    """The one "no such thing" error (HTTP 404), with the field that named it in `detail`."""
    return InputError(message=message, code=NOT_FOUND, http_status=404, detail=detail, cli_hint=cli_hint,
                      web_hint=web_hint)


@dataclass
class AdtraceError(Exception):
    """Base class: `code` is stable, `message` says what went wrong; `cli_hint` and `web_hint` say what to
    do at the shell and in a browser (the module docstring has the rule)."""

    message: str
    detail: dict[str, Any] = field(default_factory=dict)
    code: str = "AT500"  # INTERNAL
    exit_code: int = EXIT_BAD_INPUT
    http_status: int = 500
    cli_hint: str = ""
    web_hint: str = ""

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    @property
    def web_text(self) -> str:
        """What a web page shows: the message, then the web's hint (never the CLI's)."""
        return f"{self.message}. {self.web_hint}" if self.web_hint else self.message

    def to_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "hint": self.web_hint, "detail": self.detail}}


@dataclass
class InputError(AdtraceError):
    """A document or file that cannot be read. Names the file, line and field when known."""

    code: str = "AT100"  # INPUT
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
        cli_hint: str = "",
        web_hint: str = "",
    ) -> InputError:
        """`what` said of a place in the input; `hint` (words for every surface) ends the message. The place's
        words and punctuation ("line 3", "field 'text'") are in the reader's language; the path and the
        field's name (a key of the file) are shown as they are."""
        where = _place(path, line, _("field '%(field)s'") % {"field": field_name} if field_name else None)
        msg = _("%(where)s: %(what)s") % {"where": where, "what": what} if where else what
        if hint:
            msg = _("%(message)s. %(hint)s") % {"message": msg, "hint": hint}
        detail: dict[str, Any] = {k: v for k, v in (("path", path), ("line", line), ("field", field_name)) if v}
        return cls(message=msg, detail=detail, code=code, cli_hint=cli_hint, web_hint=web_hint)

    def in_file(self, path: str, line: int | None = None) -> InputError:
        """This error said of the file at `path` (and its line): for checks that saw only decoded content."""
        detail = {**self.detail, "path": path, **({"line": line} if line is not None else {})}
        return InputError(message=_("%(where)s: %(what)s") % {"where": _place(path, line), "what": self.message},
                          code=self.code, detail=detail, http_status=self.http_status, cli_hint=self.cli_hint,
                          web_hint=self.web_hint)


def _place(path: str | None, line: int | None, field_words: str | None = None) -> str:
    """"path, line 3, field 'text'" in the current language (any part may be missing). Translated when the
    error is made, which is where its reader's language is current (a CLI run, a request, an import job)."""
    parts = [p for p in (path, _("line %(line)s") % {"line": line} if line is not None else None, field_words) if p]
    where = parts[0] if parts else ""
    for part in parts[1:]:
        where = _("%(place)s, %(more)s") % {"place": where, "more": part}
    return where


# AT1xx: input that cannot be read or a request that cannot be served. Never reuse a number.
INPUT = define("AT100", "INPUT", "input that cannot be used (generic)")
BAD_JSON = define("AT101", "BAD_JSON", "a line or body that is not valid JSON")
BAD_UTF8 = define("AT102", "BAD_UTF8", "bytes that are not UTF-8")
MISSING_FIELD = define("AT103", "MISSING_FIELD", "a required field is absent")
BAD_FIELD = define("AT104", "BAD_FIELD", "a field has the wrong type or an impossible value")
LINE_TOO_LONG = define("AT105", "LINE_TOO_LONG", "a line or CSV record longer than the line-length limit")
UNKNOWN_FORMAT = define("AT106", "UNKNOWN_FORMAT", "a file format no source reads")
FILE_NOT_FOUND = define("AT107", "FILE_NOT_FOUND", "an input file that does not exist")
BAD_CSV = define("AT108", "BAD_CSV", "a CSV file that cannot be parsed")
TOO_MANY_ERRORS = define("AT109", "TOO_MANY_ERRORS", "an input file stopped after too many bad records")
BAD_ID = define("AT110", "BAD_ID", "a document id outside the documented characters (adtrace.documents.ID_CHARS)")
BAD_CHECKPOINT = define("AT111", "BAD_CHECKPOINT", "a line of an audit checkpoint file that is not a checkpoint")
NOT_FOUND = define("AT112", "NOT_FOUND", "no such document, case, cluster, hold, image or page", http_status=404)
METHOD_NOT_ALLOWED = define("AT113", "METHOD_NOT_ALLOWED", "an HTTP method the route does not take",
                            http_status=405)
BAD_REQUEST = define("AT114", "BAD_REQUEST", "an HTTP request the server refused for another reason",
                     http_status=400)
DAMAGED_GZIP = define("AT115", "DAMAGED_GZIP", "a gzip file cut short or damaged: what came before the damage is read")
BAD_ENGINE_OUTPUT = define("AT116", "BAD_ENGINE_OUTPUT", "an engine run's output folder with a file missing, cut "
                           "short or damaged (adtrace load): nothing was loaded")
# Hostile or oversized input (issue 20).
DECOMPRESSION_BOMB = define("AT117", "DECOMPRESSION_BOMB", "a gzip file that expands past 100 times its "
                            "compressed size (a decompression bomb): read up to there, then refused")
TIP_HANDED_OFF = define("AT118", "TIP_HANDED_OFF", "a triage decision on a tip whose hand-off to a partner was signed: "
                        "the tip is with the partner (HTTP 409)", http_status=409)
UNKNOWN_HANDOFF = define("AT119", "UNKNOWN_HANDOFF", "a withdrawal or update of a tip hand-off this installation never "
                         "imported (import the hand-off first)")
TOO_LARGE = define("AT120", "TOO_LARGE", "a request body or document past its configured size", http_status=413)
TOO_MANY_IDENTIFIERS = define("AT121", "TOO_MANY_IDENTIFIERS",
                              "a screened document naming more identifiers than one ad plausibly does")
PAGE_TOO_DEEP = define("AT122", "PAGE_TOO_DEEP", "an HTML page nested deeper (or with more elements) than any ad page")
FOLLOWUP_ISSUER = define("AT123", "FOLLOWUP_ISSUER", "a withdrawal or update of a tip hand-off signed by another "
                         "organisation than the one that handed the tip off: refused, the lead unchanged", http_status=403)
TIP_WITHDRAWN = define("AT124", "TIP_WITHDRAWN", "an update of a tip hand-off its sender withdrew: the partner was told "
                       "not to act on the tip (HTTP 409)", http_status=409)
# Third security review (docs/security.md).
UNKNOWN_HOST = define("AT125", "UNKNOWN_HOST", "a request whose Host header names a host the server was not told to "
                      "answer to (DNS rebinding): refused before any page or API route runs", http_status=400)
EXPOSED_WITHOUT_HOSTS = define("AT126", "EXPOSED_WITHOUT_HOSTS", "a server listening beyond this machine, or behind "
                               "a proxy, without the host names it answers to", exit_code=EXIT_USAGE)
NOT_FOR_US = define("AT127", "NOT_FOR_US", "a tip hand-off, copy, withdrawal or update whose `to` names another "
                    "partner than this installation's organisation: refused, nothing made (HTTP 422)", http_status=422)
# AT140-144: public tips, their triage and hand-off (adtrace.tips, docs/tips.md).
BAD_TIP = define("AT140", "BAD_TIP", "a public tip form that cannot be accepted (empty, a field too long, not UTF-8, an expired form)")
NO_SUCH_RECEIPT = define("AT141", "NO_SUCH_RECEIPT", "a tip receipt code this service does not know (HTTP 404)", http_status=404)
BAD_ROUTE_RULE = define("AT142", "BAD_ROUTE_RULE", "a tip routing rule or decision with an unknown kind, country, language or partner")
BAD_HANDOFF = define("AT143", "BAD_HANDOFF", "a tip hand-off file that is not a well-formed adtrace tip hand-off")
BAD_HOTLINES = define("AT144", "BAD_HOTLINES", "a row of the shipped hotline table with a missing or malformed field")
# 150-154: registries (adtrace.registry, issue 23). A broken plugin or built-in is the installation's fault,
# not the input's: exit 3 and HTTP 500, like RegistryError, which raises them.
DUPLICATE_PROVIDER = define("AT150", "DUPLICATE_PROVIDER",
                            "two providers under one name in a registry (a built-in or a plugin's entry point)",
                            exit_code=EXIT_ENVIRONMENT, http_status=500)
UNMET_REQUIREMENT = define("AT151", "UNMET_REQUIREMENT",
                           "a stage requires, or an indicator reads, a field that no registered extractor assigns",
                           exit_code=EXIT_ENVIRONMENT, http_status=500)
NO_SUCH_PROVIDER = define("AT152", "NO_SUCH_PROVIDER",
                          "a name no registry provides (extractor, indicator rule, source format, store, engine, stage)")
BAD_PLUGIN = define("AT153", "BAD_PLUGIN", "an entry point that cannot be loaded, or loads the wrong kind of object",
                    exit_code=EXIT_ENVIRONMENT, http_status=500)
# Feature input codes: 160-169 import, 180-189 report drafts, 190-199 photos and OCR.
UPLOAD_TOO_LARGE = define("AT160", "UPLOAD_TOO_LARGE", "an uploaded file past ADTRACE_IMPORT_MAX_MB (HTTP 413)", http_status=413)
BAD_UPLOAD = define("AT161", "BAD_UPLOAD", "no file, an empty file, or a file name whose ending names no known format")
BAD_MAPPING = define("AT162", "BAD_MAPPING", "a CSV column mapping naming a column the file does not have, or no text column")
NO_SUCH_JOB = define("AT163", "NO_SUCH_JOB", "an import job id this database does not know (HTTP 404)", http_status=404)
# AT170-AT174: linking signals (adtrace.linking.signals).
LINK_SIGNAL_TAKEN = define("AT170", "LINK_SIGNAL_TAKEN", "two linking signals claim one name or key prefix, or an "
                           "adtrace.linking_signals entry point is no Signal: a plugin clash", exit_code=EXIT_ENVIRONMENT,
                           http_status=500)
UNKNOWN_LINK_SIGNAL = define("AT171", "UNKNOWN_LINK_SIGNAL", "a linking signal name no installed signal has")
DRAFT_STATUS = define("AT180", "DRAFT_STATUS", "a report draft's trafficking status beyond 'possible', or 'possible' set by nobody")
OCR_BAD_IMAGE = define("AT190", "OCR_BAD_IMAGE", "an image that cannot be opened, or too large to be an ad photo (skipped, counted)")
BAD_PDQ = define("AT191", "BAD_PDQ", "a PDQ hash that is not 64 hexadecimal characters (search by photo)")
BAD_PHOTO_QUERY = define("AT192", "BAD_PHOTO_QUERY", "a photo search with neither a readable image nor a hash, or a bad distance")

# AT2xx: the store.
STORAGE = define("AT200", "STORAGE", "the store failed (generic)")
DB_UNREACHABLE = define("AT201", "DB_UNREACHABLE", "the database cannot be opened or reached")
DB_NOT_INITIALISED = define("AT202", "DB_NOT_INITIALISED", "the database has no adtrace schema")
DB_OUTDATED = define("AT203", "DB_OUTDATED", "the database schema is older than this adtrace")
BAD_QUERY = define("AT204", "BAD_QUERY", "the store refused a search or filter (HTTP 422 when a request gave it)")
DB_WRITE_FAILED = define("AT205", "DB_WRITE_FAILED", "a document or batch could not be written")
NEEDS_SQL_STORE = define("AT206", "NEEDS_SQL_STORE", "linking, cases or the app on a store without an SQL database (SQLite or PostgreSQL)")
LOAD_NEEDS_EMPTY_DB = define("AT207", "LOAD_NEEDS_EMPTY_DB", "a bulk load was pointed at a database that has documents")

# AT3xx: accounts, sessions, roles and signatures.
AUTH = define("AT300", "AUTH", "authentication failed (generic)")
BAD_LOGIN = define("AT301", "BAD_LOGIN", "wrong user name or password")
LOCKED = define("AT302", "LOCKED", "the account is locked after too many wrong passwords")
NOT_LOGGED_IN = define("AT303", "NOT_LOGGED_IN", "no session or token")
FORBIDDEN = define("AT304", "FORBIDDEN", "the role may not do this", http_status=403)
BAD_CSRF = define("AT305", "BAD_CSRF", "a form without a valid CSRF token", http_status=403)
RATE_LIMITED = define("AT306", "RATE_LIMITED", "too many requests; wait the Retry-After seconds", http_status=429)
NO_SUCH_USER = define("AT307", "NO_SUCH_USER", "no account with that name", http_status=404)
BAD_ACCOUNT = define("AT308", "BAD_ACCOUNT", "an account change that cannot be made", http_status=422)
WEAK_PASSWORD = define("AT309", "WEAK_PASSWORD", "a password too short or too guessable", http_status=422)
NO_SUCH_TOKEN = define("AT310", "NO_SUCH_TOKEN", "no API token with that id", http_status=404)
BAD_SIGNATURE = define("AT311", "BAD_SIGNATURE", "an exchange bundle whose signature does not verify")
UNKNOWN_ISSUER = define("AT312", "UNKNOWN_ISSUER", "an exchange bundle from an organisation not trusted here")
CONSORTIUM_MISMATCH = define("AT313", "CONSORTIUM_MISMATCH", "a bundle keyed for another consortium")
NOT_ISSUER = define("AT314", "NOT_ISSUER", "a withdrawal from an organisation that did not issue the signal")
LAST_ADMIN = define("AT320", "LAST_ADMIN", "disabling or demoting the last active admin would lock everyone out of Users/Settings")
NOT_YOUR_TOKEN = define("AT321", "NOT_YOUR_TOKEN", "a user revoking an API token that is not theirs (admins use the Users page)")

# AT4xx: configuration and environment.
CONFIG = define("AT400", "CONFIG", "configuration or environment problem (generic)")
PORT_IN_USE = define("AT401", "PORT_IN_USE", "the port the server should listen on is taken")
WEAK_CONSORTIUM_KEY = define("AT402", "WEAK_CONSORTIUM_KEY", "a consortium key shorter than 32 bytes")
EXTRA_MISSING = define("AT403", "EXTRA_MISSING", "an optional extra (images, engine, ml) is not installed")
CANNOT_WRITE = define("AT406", "CANNOT_WRITE", "an output folder or file that cannot be created")
NO_KEYS = define("AT410", "NO_KEYS", "no organisation or consortium keys installed")
KEYS_EXIST = define("AT411", "KEYS_EXIST", "organisation keys exist already: rotate instead of making new ones")
NO_JAVA = define("AT412", "NO_JAVA", "the Spark engine needs Java 17+")
SCHEDULER_UNREACHABLE = define("AT414", "SCHEDULER_UNREACHABLE", "the Dask scheduler cannot be reached")
BAD_SETTING = define("AT420", "BAD_SETTING", "an environment setting that cannot be used; the message names it")
OCR_OFF = define("AT450", "OCR_OFF", "OCR asked for where Tesseract or its language data is missing")

# AT5xx: bugs and broken contracts.
# Exit 1 like the base class it is raised with (the CLI exits with the class's code).
INTERNAL = define("AT500", "INTERNAL", "a bug: the app still answers in the error shape", exit_code=EXIT_BAD_INPUT)
# The CLI's hint under a document the pipeline failed on (AT500 in ingest's and an engine run's rejections):
# the input is not at fault, so the hint says what to report instead of what to fix.
BUG_HINT = ("a bug in adtrace, not in the input: the run went on without this document; report it with this "
            "line and the output of `adtrace --version`")
REGISTRY = define("AT501", "REGISTRY", "a plugin or built-in broke a registry rule (duplicate name, unmet requirement)")


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


@dataclass
class RegistryError(AdtraceError):
    """A plugin or built-in broke a registry rule (duplicate name, unmet requirement)."""

    code: str = "AT501"
    exit_code: int = EXIT_ENVIRONMENT
    http_status: int = 500


if __name__ == "__main__":  # python -m adtrace.errors > docs/errors.md
    print(markdown(), end="")

"""The Document contract (DESIGN §3): what every source produces and every stage reads."""

from adtrace.documents.model import (
    ID_CHARS,
    KINDS,
    MAX_ID,
    SCHEMA_VERSION,
    Document,
    document_id,
    schema,
    valid_id,
)

__all__ = ["ID_CHARS", "KINDS", "MAX_ID", "SCHEMA_VERSION", "Document", "document_id", "schema", "valid_id"]

"""The Document contract (DESIGN §3): what every source produces and every stage reads."""

from adtrace.documents.model import KINDS, SCHEMA_VERSION, Document, document_id, schema

__all__ = ["KINDS", "SCHEMA_VERSION", "Document", "document_id", "schema"]

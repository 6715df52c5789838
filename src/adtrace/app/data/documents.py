"""One stored document and its Record."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from adtrace import errors
from adtrace.documents import Document
from adtrace.i18n import gettext


def load(request: Request, doc_id: str) -> tuple[Document, dict[str, Any]]:
    store = request.app.state.adtrace.store
    doc = store.get_document(doc_id)
    if doc is None:
        raise errors.InputError(message=gettext("no document %(id)r; it may have been purged") % {"id": doc_id}, code=errors.NOT_FOUND,
                                http_status=404)
    return doc, store.get_record(doc_id) or {}

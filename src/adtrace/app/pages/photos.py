"""Search by photo and "ads like this one".

Search by photo: the analyst uploads an image (or pastes a PDQ hash); the server hashes the upload in
memory and never writes it anywhere, then lists the documents whose photos lie within the chosen PDQ
distance, nearest first. Only the hash is kept, and only when the analyst adds it to a watchlist.
Every search is audited (action `search_photo`, with the hash, the distance and the number found).

"Ads like this one" (a block of every document page, loaded after the page): the documents on the
same wording template (MinHash, from linking) and those whose photos are near this one's (PDQ),
each with why.
"""

from __future__ import annotations

import io
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from adtrace import errors
from adtrace.app.auth import Ctx, require
from adtrace.app.pages.render import render
from adtrace.documents.images import pdq_hex
from adtrace.i18n import gettext
from adtrace.linking import photos
from adtrace.linking.images import MAX_DISTANCE
from adtrace.storage import audit
from adtrace.storage.db import read

router = APIRouter()
MAX_UPLOAD = 20 * 1024 * 1024  # bytes: larger than any ad photo
ALIKE_PHOTO_DISTANCE = MAX_DISTANCE


def _titles(request: Request, ids: list[str]) -> dict[str, dict[str, Any]]:
    store = request.app.state.adtrace.store
    out: dict[str, dict[str, Any]] = {}
    for doc_id in ids:
        doc = store.get_document(doc_id)
        if doc is not None:
            out[doc_id] = {"title": doc.title or doc.id, "posted_at": doc.posted_at, "location": doc.location}
    return out


@router.get("/documents/{doc_id}/alike")
def alike(request: Request, doc_id: str, ctx: Ctx = Depends(require("documents"))) -> Response:
    state = request.app.state.adtrace
    with read(state.engine) as conn:
        tpl = photos.same_template(conn, doc_id)
        mine = photos.photos_of(conn, doc_id)
        near = photos.near_photos(conn, mine, ALIKE_PHOTO_DISTANCE, limit=20, exclude=doc_id)
    meta = _titles(request, [t["doc_id"] for t in tpl] + [n.doc_id for n in near])
    return render(request, "_alike.html", {"doc_id": doc_id, "by_template": [t for t in tpl if t["doc_id"] in meta],
                                           "by_photo": [n for n in near if n.doc_id in meta], "meta": meta,
                                           "photos": len(mine), "max_distance": ALIKE_PHOTO_DISTANCE})


@router.get("/photos")
def photo_page(request: Request, ctx: Ctx = Depends(require("documents"))) -> Response:
    return render(request, "photos.html", {"results": None, "distance": MAX_DISTANCE, "pdq": "", "error": ""})


@router.post("/photos")
async def photo_search(request: Request, photo: UploadFile | None = File(None), pdq: str = Form(""),
                       distance: int = Form(MAX_DISTANCE), ctx: Ctx = Depends(require("documents"))) -> Response:
    state = request.app.state.adtrace
    try:
        query = await _query(photo, pdq)
        with read(state.engine) as conn:
            found = photos.near_photos(conn, [query], distance)
    except errors.InputError as exc:
        return render(request, "photos.html", {"results": None, "distance": distance, "pdq": pdq,
                                               "error": exc.web_text}, status=422)
    hexed = query.hex()
    audit.append(state.engine, ctx.user.username, "search_photo", hexed,
                 {"distance": distance, "found": len(found), "uploaded": bool(photo and photo.filename)})
    meta = _titles(request, [n.doc_id for n in found])
    return render(request, "photos.html", {"results": [n for n in found if n.doc_id in meta], "meta": meta,
                                           "distance": distance, "pdq": hexed, "error": ""})


async def _query(photo: UploadFile | None, pdq: str) -> bytes:
    """The query's PDQ hash: of the uploaded image (read in memory, never saved), else the pasted hash."""
    if photo is not None and photo.filename:
        raw = await photo.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            raise errors.InputError.at(errors.BAD_PHOTO_QUERY, gettext("the photo is larger than 20 MB"),
                                       field_name="photo",
                                       hint=gettext("Upload a smaller copy; PDQ needs no more than a few hundred pixels"))
        return await run_in_threadpool(_hash_bytes, raw)  # decoding takes CPU: never on the event loop
    if pdq.strip():
        return photos.parse_pdq(pdq)
    raise errors.InputError.at(errors.BAD_PHOTO_QUERY, gettext("choose a photo or paste a PDQ hash"), field_name="photo")


def _hash_bytes(raw: bytes) -> bytes:
    """The upload's PDQ hash, made as linking makes the stored ones (adtrace.documents.images.pdq_hex)."""
    try:
        hexed, _quality = pdq_hex(io.BytesIO(raw))
    except errors.ConfigError as exc:  # pragma: no cover - depends on the install
        raise errors.InputError.at(errors.BAD_PHOTO_QUERY, "hashing an upload needs the 'images' extra "
                                   "(pip install 'adtrace[images]'); paste a PDQ hash instead", field_name="photo") from exc
    except errors.InputError:
        raise errors.InputError.at(errors.BAD_PHOTO_QUERY, gettext("the upload is not an image adtrace can read"),
                                   field_name="photo", hint=gettext("Upload a JPEG, PNG, GIF or WebP photo")) from None
    return bytes.fromhex(hexed)

"""The document page: text with evidence highlighted, indicators in plain words, entities, images.

Images arrive blurred (a server-side blur, not only CSS, so the clear picture never reaches the
browser unasked). Revealing one is a POST that writes the audit entry and returns the clear image's
address with a short-lived key bound to this user; without the key the clear image is not served.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from itsdangerous import BadSignature

from adtrace import errors
from adtrace.app.auth import Ctx, require
from adtrace.app.data.documents import load
from adtrace.app.pages import evidence
from adtrace.app.pages.render import path_segment, render
from adtrace.cases import history
from adtrace.documents import Document
from adtrace.documents.images import too_many_pixels
from adtrace.i18n import N_, gettext
from adtrace.indicators import wording
from adtrace.storage import audit, clusterstore
from adtrace.storage.db import read

router = APIRouter()
REVEAL_SECONDS = 300
# Stands in for a photo that cannot be blurred here: no Pillow (pip install 'adtrace[images]'), or too large.
# A stored path may name any file in the image folders (a "photo" a scraper saved from a hostile site as
# .svg or .html): opened on its own it runs sandboxed, with no script, never as a page of this site.
IMAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
GREY_TILE = b'<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><rect width="256" height="256" fill="#9aa"/></svg>'


def view_model(doc: Document, record: dict[str, Any]) -> dict[str, Any]:
    return {"doc": doc, "record": record, "risk": record.get("risk") or {},
            "segments": evidence.segments(doc.full_text, evidence.spans(record)),  # spans index title + body
            "indicators": wording.explain(record), "entities": evidence.entity_links(record),
            "images": list(range(len(doc.images or []))), "image_text": evidence.image_text(record),
            "ocr_status": _ocr_status()}


def _ocr_status() -> str:
    from adtrace.ocr import status

    message = status().message
    for english in (N_("OCR is on"), N_("OCR is off")):  # the verdict translated; the details stay technical
        if message.startswith(english):
            return gettext(english) + message[len(english):]
    return message


@router.get("/documents/{doc_id}")
def document_page(request: Request, doc_id: str, ctx: Ctx = Depends(require("documents"))) -> Response:
    state = request.app.state.adtrace
    doc, record = load(request, doc_id)
    audit.append(state.engine, ctx.user.username, "view_document", doc_id)
    with read(state.engine) as conn:
        decisions = history(conn, doc_id, limit=20)
        cluster = clusterstore.cluster_of(conn, doc_id)
    from adtrace.app.pages.cases import open_cases
    from adtrace.places.hotlines import hotline_or_default, record_countries

    return render(request, "document.html", {**view_model(doc, record), "decisions": decisions, "cluster": cluster,
                                             "open_cases": open_cases(request, ctx),
                                             "hotline": hotline_or_default(record_countries(record))})


def image_path(request: Request, doc: Document, n: int) -> Path:
    """The image file, only when it lies inside a configured image folder."""
    images = doc.images or []
    if not 0 <= n < len(images):
        raise errors.InputError(message=gettext("no such image"), code=errors.NOT_FOUND, http_status=404)
    raw = images[n].get("path") if isinstance(images[n], dict) else None
    roots: tuple[Path, ...] = request.app.state.adtrace.image_roots
    if not raw or not roots:
        raise errors.InputError(message=gettext("this image is not stored locally"), code=errors.NOT_FOUND,
                                http_status=404, cli_hint="start the app with `--images DIR`",
                                web_hint=gettext("Ask an administrator to give the app the folder of stored images"))
    p = Path(str(raw))
    candidates = [p] if p.is_absolute() else [Path.cwd() / p, *(root / p for root in roots)]
    candidates += [root / p.name for root in roots]
    for c in candidates:
        resolved = c.resolve()
        if resolved.is_file() and any(resolved.is_relative_to(root) for root in roots):
            return resolved
    raise errors.InputError(message=gettext("the image file is missing from the image folder"), code=errors.NOT_FOUND, http_status=404)


@router.get("/documents/{doc_id}/images/{n}/blurred")
def blurred(request: Request, doc_id: str, n: int, ctx: Ctx = Depends(require("documents"))) -> Response:
    doc, _ = load(request, doc_id)
    try:
        from PIL import Image, ImageFilter
    except ImportError:  # no Pillow: a grey tile stands in
        return Response(GREY_TILE, media_type="image/svg+xml")
    with Image.open(image_path(request, doc, n)) as img:
        img.draft("RGB", (256, 256))  # JPEG: decoded small
        if too_many_pixels(img, n):  # a decompression bomb gets the grey tile, never decoded
            return Response(GREY_TILE, media_type="image/svg+xml")
        small = img.convert("RGB").resize((32, 32)).filter(ImageFilter.GaussianBlur(3)).resize((256, 256))
    buf = io.BytesIO()
    small.save(buf, format="PNG")
    return Response(buf.getvalue(), media_type="image/png")


@router.post("/documents/{doc_id}/images/{n}/reveal")
def reveal(request: Request, doc_id: str, n: int, ctx: Ctx = Depends(require("documents"))) -> Response:
    state = request.app.state.adtrace
    doc, _ = load(request, doc_id)
    image_path(request, doc, n)  # refuse before auditing a reveal that cannot happen
    seq = audit.append(state.engine, ctx.user.username, "reveal_image", doc_id, {"image": n})
    key = state.signer.dumps({"u": ctx.user.id, "d": doc_id, "n": n}, salt="reveal")
    return render(request, "_revealed.html", {"src": f"/documents/{path_segment(doc_id)}/images/{n}?key={key}", "seq": seq,
                                              "doc_id": doc_id, "n": n})


@router.get("/documents/{doc_id}/images/{n}")
def image(request: Request, doc_id: str, n: int, key: str = "", ctx: Ctx = Depends(require("documents"))) -> Response:
    state = request.app.state.adtrace
    try:
        claim = state.signer.loads(key, salt="reveal", max_age=REVEAL_SECONDS)
    except BadSignature:
        claim = None
    if claim != {"u": ctx.user.id, "d": doc_id, "n": n}:
        raise errors.AuthError(message=gettext("reveal the image first (the click is recorded in the audit log)"),
                               code=errors.FORBIDDEN, http_status=403)
    doc, _ = load(request, doc_id)
    return FileResponse(image_path(request, doc, n), headers={"Cache-Control": "no-store",
                                                              "Content-Security-Policy": IMAGE_CSP})

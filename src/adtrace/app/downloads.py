"""A download's response: one place builds the `Content-Disposition` header of every file the app sends.

File names are made from ids (a cluster's key is a document id; a database from before the id rule may
hold any characters in one): quotes, `;`, CR/LF or non-ASCII text in a header break the response or let
the name add parameters of its own. The header carries a safe ASCII `filename` and, when the name had more,
the exact one in RFC 5987's `filename*=UTF-8''...` (RFC 6266), which browsers prefer.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi.responses import Response

MAX_NAME = 120  # characters of the name before its extension; file systems take 255 bytes
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_NEVER = re.compile(r"[\x00-\x1f\x7f/\\]")  # control characters and path separators: not even in filename*


def disposition(name: str) -> str:
    """`attachment; filename="..."` for any text; `filename*` too when the ASCII name lost something."""
    stem, dot, ext = name.rpartition(".") if "." in name[1:] else (name, "", "")
    ext = ext if dot and len(ext) <= 16 else ""
    stem = (stem if ext else name)[:MAX_NAME]
    full = _NEVER.sub("_", f"{stem}.{ext}" if ext else stem)
    plain = _UNSAFE.sub("_", _NEVER.sub("_", stem)).strip("._") or "download"
    plain += f".{_UNSAFE.sub('_', ext)}" if ext else ""
    if plain == full:
        return f'attachment; filename="{plain}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(full, safe='')}"


def attachment(body: bytes | str, media_type: str, name: str) -> Response:
    """The file `body`, offered as a download called `name`."""
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition(name)})

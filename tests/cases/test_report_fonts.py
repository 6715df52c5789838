"""The case PDF carries its own CJK and emoji fallback fonts (issue 19 item 17): on a machine without such
fonts (this one has only DejaVu and Liberation) Chinese and emoji come out as glyphs, not boxes."""

from __future__ import annotations

import io

from pypdf import PdfReader

from adtrace.cases import cases as cs
from adtrace.cases import exports
from adtrace.storage import Store
from tests.cases.linked_fixtures import biggest_cluster, linked, linked_template  # noqa: F401  (fixtures)

CHINESE = "上海新到按摩"
TRADITIONAL = "臺北會館"
EMOJI = "💋🌹🔥"


def _fonts(reader: PdfReader) -> set[str]:
    names: set[str] = set()
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont", "")).split("+", 1)[-1])
    return names


def test_chinese_and_emoji_use_the_shipped_fonts(linked: Store) -> None:  # noqa: F811
    cid, _members = biggest_cluster(linked)
    case = cs.create(linked, f"{CHINESE} {EMOJI}", "alice")
    case = cs.add_item(linked, case.id, "cluster", cid, "alice")
    case = cs.add_note(linked, case.id, "alice", f"{TRADITIONAL} 广告 {EMOJI}")
    pdf = exports.to_pdf(exports.bundle(linked, case, actor="alice"))
    reader = PdfReader(io.BytesIO(pdf))
    fonts = _fonts(reader)
    for family in ("adtrace-CJK", "adtrace-Emoji"):  # the glyphs come from the shipped fallbacks
        assert any(f.startswith(family) for f in fonts), (family, fonts)
    body = "\n".join(p.extract_text() for p in reader.pages)
    for text in (CHINESE, TRADITIONAL, "广告", *EMOJI):
        assert text in body, text  # drawn with a real glyph that maps back to the character

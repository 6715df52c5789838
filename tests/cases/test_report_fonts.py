"""The report's fallback fonts are decompressed once to TrueType, into the cache directory."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fontTools.ttLib import TTFont

from adtrace.cases import exports


def test_fonts_are_truetype_files_in_the_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    exports.report_fonts.cache_clear()
    try:
        fonts = exports.report_fonts()
        assert fonts["format"] == "truetype"
        for kind in ("cjk", "emoji"):
            path = Path(urlsplit(fonts[kind]).path)
            assert path.parent == tmp_path / "adtrace" / "fonts" and path.suffix == ".ttf"
            assert TTFont(str(path)).flavor is None  # plain TrueType, not WOFF2
        assert not list((tmp_path / "adtrace" / "fonts").glob("*.part"))
        exports.report_fonts.cache_clear()
        before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "adtrace" / "fonts").iterdir()}
        exports.report_fonts()  # a new process finds the converted files and does not write them again
        assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "adtrace" / "fonts").iterdir()} == before
    finally:
        exports.report_fonts.cache_clear()


def test_an_unwritable_cache_falls_back_to_the_temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # mkdir under a file fails
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    exports.report_fonts.cache_clear()
    try:
        fonts = exports.report_fonts()
        assert fonts["format"] == "truetype"
        assert Path(urlsplit(fonts["cjk"]).path).is_relative_to(tmp_path / "tmp")
    finally:
        exports.report_fonts.cache_clear()

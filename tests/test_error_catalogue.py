"""The error catalogue is the one place codes live (issue 23 item 1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adtrace import errors

ROOT = Path(__file__).resolve().parents[1]
LITERAL = re.compile(r"[\"']AT\d{3}[\"']")


def test_no_code_is_written_as_a_literal_outside_the_catalogue() -> None:
    found = [f"{p.relative_to(ROOT)}:{n}"
             for p in sorted((ROOT / "src" / "adtrace").rglob("*.py")) if p.name != "errors.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if LITERAL.search(line)]
    assert not found, f"use a constant from adtrace.errors instead of a literal code: {found}"


def test_every_code_the_classes_default_to_is_in_the_catalogue() -> None:
    for cls in (errors.AdtraceError, errors.InputError, errors.StorageError, errors.AuthError,
                errors.ConfigError, errors.RegistryError):
        assert cls(message="x").code in errors.CATALOGUE, cls.__name__


def test_a_number_or_name_cannot_be_defined_twice_or_reuse_a_retired_one() -> None:
    with pytest.raises(ValueError, match="defined twice"):
        errors.define(errors.BAD_JSON, "SOMETHING_ELSE", "another meaning")
    with pytest.raises(ValueError, match="defined twice"):
        errors.define("AT199", "BAD_JSON", "same name, another number")
    with pytest.raises(ValueError, match="retired"):
        errors.define("AT404", "NOT_FOUND_AGAIN", "a retired number")
    assert "AT199" not in errors.CATALOGUE


def test_codes_sit_in_their_group_and_each_entry_says_what_it_means() -> None:
    for entry in errors.CATALOGUE.values():
        assert re.fullmatch(r"AT[1-5]\d\d", entry.code), entry
        assert entry.meaning and entry.name.isupper(), entry
        assert entry.exit_code in (errors.EXIT_BAD_INPUT, errors.EXIT_USAGE, errors.EXIT_ENVIRONMENT)
    # "Not found" is input (AT1xx), no longer an HTTP status pasted into the configuration range.
    assert errors.NOT_FOUND.startswith("AT1") and errors.lookup(errors.NOT_FOUND).http_status == 404


def test_the_docs_page_is_generated_from_the_catalogue() -> None:
    page = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert page == errors.markdown(), "regenerate with: python -m adtrace.errors > docs/errors.md"

"""The catalogues are complete and compiled (issue 21): extraction runs here into a temporary template;
every message marked in Python, in the templates or in the indicator catalogue must be translated in
each language, with no fuzzy entry, valid placeholders, and a shipped .mo that matches its .po.

When this fails after you added or changed a string: `make i18n-update`, fill the new msgstr entries
in src/adtrace/i18n/locales/*/LC_MESSAGES/adtrace.po, then `make i18n-compile` (docs/i18n.md).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from adtrace import i18n

ROOT = Path(__file__).resolve().parents[2]
# The same options as `make i18n-extract` (checked against the Makefile below, so the two cannot drift).
KEYWORDS = ("lazy_gettext", "define:3", "N_", "NP_:1c,2")
LANGS = [lang for lang in i18n.LOCALES if lang != i18n.DEFAULT]


def _po(lang: str) -> Path:
    return i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    out = tmp_path_factory.mktemp("i18n") / "adtrace.pot"
    args = ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "--no-location", "-o", str(out)]
    for k in KEYWORDS:
        args += ["-k", k]
    CommandLineInterface().run([*args, str(ROOT / "src")])
    with out.open("rb") as fh:
        return read_po(fh)


def problems(template: Catalog, catalogue: Catalog) -> list[str]:
    """Every way `catalogue` falls short of `template`: missing, untranslated, fuzzy, bad placeholders."""
    out = []
    for msg in template:
        if not msg.id:
            continue
        found = catalogue.get(msg.id, msg.context)
        if found is None:
            out.append(f"missing: {msg.id!r}")
            continue
        strings = found.string if isinstance(found.string, tuple | list) else (found.string,)
        if not all(strings):
            out.append(f"untranslated: {msg.id!r}")
        if found.fuzzy:
            out.append(f"fuzzy: {msg.id!r}")
    for msg, errs in catalogue.check():
        out += [f"{msg.id!r}: {e}" for e in errs]
    if catalogue.fuzzy:
        out.append("the catalogue header is marked fuzzy")
    return out


def test_makefile_extracts_with_the_same_keywords() -> None:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    line = next(s for s in makefile.splitlines() if "pybabel -q extract" in s)
    assert re.findall(r"-k (\S+)", line) == list(KEYWORDS)


def test_extraction_finds_templates_python_errors_and_indicators(extracted: Catalog) -> None:
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted}
    assert "Review queue" in ids  # a template (nav.html)
    assert "the two new passwords differ" in ids  # Python (pages/users.py)
    assert "a line or body that is not valid JSON" in ids  # the errors catalogue's meanings
    assert "The ad states an age under 18." in ids  # indicator descriptions (catalogue.yaml)
    assert "Debt bondage is one of the ILO's 11 indicators of forced labour." in ids  # evidence findings (same)
    assert "Create an account." in ids  # a CLI command's docstring (its --help)
    assert "Print the version and exit." in ids  # a CLI option's help=
    assert len(ids) > 600


@pytest.mark.parametrize("lang", LANGS)
def test_every_marked_string_is_translated(extracted: Catalog, lang: str) -> None:
    with _po(lang).open("rb") as fh:
        catalogue = read_po(fh, locale=lang)
    found = problems(extracted, catalogue)
    assert not found, f"{lang}: {len(found)} problems (make i18n-update, translate, make i18n-compile):\n" + \
        "\n".join(found[:40])


def _messages(catalogue: Catalog) -> dict[object, object]:
    return {(m.id if isinstance(m.id, str) else tuple(m.id)): (m.string if isinstance(m.string, str) else
            tuple(m.string)) for m in catalogue if m.id and not m.fuzzy}


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalogue_matches_its_source(lang: str) -> None:
    """The shipped .mo holds exactly the .po's translations (compared as messages, not bytes: the .mo
    header names the Babel version that wrote it)."""
    with _po(lang).open("rb") as fh:
        source = read_po(fh, locale=lang)
    with _po(lang).with_suffix(".mo").open("rb") as fh:
        compiled = read_mo(fh)
    assert _messages(compiled) == _messages(source), f"{lang}: run make i18n-compile"


def test_a_stale_compiled_catalogue_is_noticed() -> None:
    source = Catalog(locale="es")
    source.add("Cases", "Casos")
    buf = io.BytesIO()
    write_mo(buf, source)
    source.add("Search", "Buscar")  # translated after compiling
    buf.seek(0)
    assert _messages(read_mo(buf)) != _messages(source)


def test_the_check_catches_what_it_should() -> None:
    """The check itself can fail: a missing, an empty, a fuzzy and a broken-placeholder entry."""
    template = Catalog(locale=None)
    for msgid in ("Cases", "Search", "Map", "%(n)s ads", "Alerts"):
        template.add(msgid)
    catalogue = Catalog(locale="es")
    catalogue.add("Cases", "Casos")
    catalogue.add("Search", "")
    catalogue.add("Map", "Mapa", flags=["fuzzy"])
    catalogue.add("%(n)s ads", "%(m)s anuncios", flags=["python-format"])
    found = problems(template, catalogue)
    assert any(p.startswith("missing: 'Alerts'") for p in found)
    assert any(p.startswith("untranslated: 'Search'") for p in found)
    assert any(p.startswith("fuzzy: 'Map'") for p in found)
    assert any("%(n)s ads" in p and "untranslated" not in p and "missing" not in p for p in found)
    assert not any("'Cases'" in p for p in found)

"""No page template shows English that is not marked for translation (issue 21): the text between
tags and the placeholder/title/aria-label/alt attributes must come from `_()`/`ngettext()`, data, or
the short list of names below that read the same in every language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [*sorted((ROOT / "src/adtrace/app/pages/templates").glob("*.html")), ROOT / "src/adtrace/cases/report.html"]
# Proper names and formats, the same in every language.
NAMES = {"adtrace", "GraphML", "GEXF", "Gephi", "Maltego", "CSV", "STIX", "NCMEC", "CyberTipline", "IOM",
         "HTCDS", "FP", "PDQ", "JSON", "PDF",
         "delete"}  # the purge's confirmation word, typed as shown (the server checks "delete N")
JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)
ATTRS = re.compile(r'\b(?:placeholder|title|aria-label|alt)="([^"]*)"')


def unmarked(html: str) -> list[str]:
    """English words a reader would see that no `_()` produced."""
    html = re.sub(r"<style.*?</style>|<script.*?</script>|{% block mainclass %}.*?{% endblock %}", "", html,
                  flags=re.S)
    found = [v for v in ATTRS.findall(html) if "{{" not in v and re.search(r"[A-Za-z]{3,}", v)]
    text = re.sub(r"<[^>]*>", " ", JINJA.sub(" ", html))
    text = re.sub(r'[\w-]+="[^"]*"', " ", text)  # an attribute a macro writes (aria-invalid="true")
    words = re.findall(r"[A-Za-z][A-Za-z'-]{2,}", text)
    return found + [w for w in words if w not in NAMES]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_text_is_marked_for_translation(path: Path) -> None:
    assert unmarked(path.read_text("utf-8")) == []


def test_the_check_sees_unmarked_text() -> None:
    assert unmarked('<p>Hello {{ _("world") }}</p><input placeholder="your name">') == ["your name", "Hello"]
    assert unmarked('<p>{{ _("Hello") }} <code>GraphML</code></p>') == []

"""The PDF case report in the reader's language (issue 21): headings, notice and hotline translated;
ad text, identifiers and codes left as they are."""

from __future__ import annotations

import io

from pypdf import PdfReader

from adtrace import i18n
from adtrace.cases import exports
from adtrace.storage import Store
from tests.cases.test_report_template import _case, store  # noqa: F401  (fixture)


def _text(pdf: bytes) -> str:
    return " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_report_in_spanish_and_chinese(store: Store) -> None:  # noqa: F811
    case = _case(store)
    english = _text(exports.to_pdf(exports.bundle(store, case, actor="alice")))
    assert "Summary" in english and "Timeline" in english
    with i18n.use("es"):
        spanish = _text(exports.to_pdf(exports.bundle(store, case, actor="alice")))
    assert "Resumen" in spanish and "Cronología" in spanish and "Evidencia" in spanish
    assert "Summary" not in spanish
    assert "indicadores" in spanish and "nunca un veredicto sobre una persona" in spanish.replace("\n", " ")
    assert "Template case" in spanish and "visiting" in spanish  # the case title and the ad text stay
    with i18n.use("es"):  # dates the Spanish way (e.g. "6 dic 2026"), not ISO
        opened = i18n.format_date(case.created_at)
    assert opened in spanish and opened != case.created_at[:10]
    with i18n.use("zh_Hans"):
        chinese = _text(exports.to_pdf(exports.bundle(store, case, actor="alice")))
    assert "摘要" in chinese and "时间线" in chinese and "Summary" not in chinese

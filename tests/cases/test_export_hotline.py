"""The hotline in case exports, drafts and alert e-mails is the one of the country the case's ads point to
(places.hotlines), else the organisation's (ADTRACE_COUNTRY), else the US one (issue 21)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from adtrace.cases import alerts, drafts, exports, notify
from adtrace.cases import cases as cs
from adtrace.cases.notify import Notifier, NotifyConfig
from adtrace.cases.redaction import MASK
from adtrace.crawl.feed import Feeder
from adtrace.documents import Document
from adtrace.storage import Store, init_db, open_store

# Synthetic ads written for this test: two point to Mexico (place and +52 phone), one to Spain.
MX_ADS = [("mx1", "Chicas nuevas en Tijuana, Baja California, solo esta semana. Whatsapp +52 664 123 4567"),
          ("mx2", "Nueva en Guadalajara, Jalisco. Servicio completo, llama al +52 33 1234 5678")]
ES_AD = ("es1", "Chica nueva en Madrid, 24 horas, llama al +34 611 223 344")


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.delenv("ADTRACE_COUNTRY", raising=False)
    url = f"sqlite:///{tmp_path / 'h.db'}"
    init_db(url)
    with open_store(url) as s:
        feeder = Feeder(s)
        for doc_id, text in [*MX_ADS, ES_AD]:
            feeder.hold(Document.from_dict({"id": doc_id, "source": "test", "text": text}))
        feeder.flush()
        yield s


def _case(store: Store, *doc_ids: str) -> cs.Case:
    case = cs.create(store, "Hotline test", "alice")
    for d in doc_ids:
        case = cs.add_item(store, case.id, "document", d, "alice")
    return case


def test_bundle_names_the_hotline_of_the_country_most_ads_point_to(store: Store) -> None:
    data = exports.bundle(store, _case(store, "mx1", "mx2", "es1"), actor="alice")
    assert data["hotline_entry"]["country"] == "MX" and data["hotline_entry"]["phone"] == "800 5533 000"
    assert "800 5533 000" in data["hotline"] and "1-888-373-7888" not in data["hotline"]
    spain = exports.bundle(store, _case(store, "es1"), actor="alice")
    assert spain["hotline_entry"]["country"] == "ES" and "900 10 50 90" in spain["hotline"]


def test_pdf_report_and_drafts_carry_the_same_hotline(store: Store) -> None:
    case = _case(store, "mx1", "mx2")
    data = exports.bundle(store, case, actor="alice")
    pdf = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(exports.to_pdf(data))).pages)
    pdf = MASK.sub("", pdf)  # a mask is six random hex digits: look for numbers outside them
    assert "800 5533 000" in pdf and "1-888-373-7888" not in pdf
    assert "911." in pdf.replace("\n", " ")  # Mexico's emergency number ("In an emergency, call 911.")
    for kind in drafts.KINDS:
        out = drafts.draft(store, case, kind, actor="alice")
        assert out["hotline_entry"]["country"] == "MX" and "800 5533 000" in out["hotline"]


def test_a_case_pointing_nowhere_gets_the_organisations_hotline(store: Store,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    empty = cs.create(store, "No documents yet", "alice")
    assert exports.bundle(store, empty, actor="alice")["hotline_entry"]["country"] == "US"
    monkeypatch.setenv("ADTRACE_COUNTRY", "GB")
    assert "08000 121 700" in exports.bundle(store, empty, actor="alice")["hotline"]


def test_alert_email_names_the_hotline_of_the_alerts_ads(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[Any] = []

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: float) -> None:
            pass

        def __enter__(self) -> FakeSMTP:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def starttls(self) -> None:
            pass

        def send_message(self, msg: Any) -> None:
            sent.append(msg)

    monkeypatch.setattr(notify.smtplib, "SMTP", FakeSMTP)
    config = NotifyConfig.from_env({"ADTRACE_SMTP_HOST": "mail.test", "ADTRACE_ALERT_EMAIL_TO": "a@x.test"})
    raised = alerts.raise_alert(store, "partner", ["a partner flagged this ad"], doc_id="mx1",
                                notifier=Notifier(config))
    assert raised is not None
    body = sent[-1].get_content()
    assert "800 5533 000" in body and "1-888-373-7888" not in body
    alerts.raise_alert(store, "partner", ["a partner flagged this ad"], doc_id="es1", notifier=Notifier(config))
    assert "900 10 50 90" in sent[-1].get_content()

"""What the fourth walk (Spanish and Chinese, docs/app.md "Seen and left (fourth walk)") found on pages: dates
written as stored ISO strings and numbers with an English decimal point where the reader's language writes
them otherwise. Each test fails on what the demo showed."""

from __future__ import annotations

import re
from collections.abc import Callable

import orjson
import sqlalchemy as sa
from fastapi.testclient import TestClient

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _linked_summaries(app: object) -> list[dict[str, object]]:
    from adtrace.linking.run import link_store

    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    link_store(engine)
    with engine.connect() as conn:
        return [orjson.loads(s) for (s,) in conn.execute(sa.text(
            "SELECT summary FROM link_summaries ORDER BY documents DESC, cluster_id"))]


def _text(fragment: str) -> str:
    """The words a reader sees: tags (and so their attributes) dropped."""
    return re.sub(r"<[^>]+>", " ", fragment)


def test_a_cluster_page_writes_dates_and_decimals_as_the_reader_does(app: object,
                                                                     login: Callable[[str], TestClient]) -> None:
    """The Spanish cluster page read "del 2026-05-13 al 2026-11-27, 2.83 por semana", stops "2026-05-13 –
    2026-05-17", "peso 1.5" and "máx. 40.0": stored ISO days and an English decimal point."""
    from adtrace.i18n import format_date, format_number, use

    summaries = _linked_summaries(app)
    s = next(s for s in summaries if s.get("first_seen") and s.get("posts_per_week")
             and any(float(i["weight"]) % 1 for i in s["cluster_indicators"]))  # type: ignore[attr-defined]
    client = login("analyst")
    page = client.get(f"/clusters/{s['cluster']}?lang=es").text
    lead = page.split("</h1>", 1)[1].split("</p>", 1)[0]
    assert not ISO_DAY.search(_text(lead)), lead
    weight = next(float(i["weight"]) for i in s["cluster_indicators"] if float(i["weight"]) % 1)  # type: ignore[attr-defined]
    with use("es"):
        assert format_date(str(s["first_seen"])) in lead, lead
        assert format_number(s["posts_per_week"]) in lead, lead  # type: ignore[arg-type]
        assert f"peso {format_number(weight)}<" in page, weight
        assert "," in format_number(weight)
    if "<ol class=\"stops" in page:
        stops = page.split("<ol class=\"stops", 1)[1].split("</ol>", 1)[0]
        assert not ISO_DAY.search(_text(stops)), stops[:500]
    network = page.split('id="network-score"', 1)[1].split("</section>", 1)[0]
    assert not re.search(r"\d\.\d", _text(network)), network


def test_lists_write_days_as_the_reader_does(app: object, login: Callable[[str], TestClient]) -> None:
    """The clusters list's period, a watchlist entry's "added" day and a case's "opened" day were ISO
    strings on Spanish and Chinese pages, beside dates everywhere else in the reader's words."""
    from adtrace.i18n import format_date, use

    _linked_summaries(app)
    client = login("analyst")
    for lang in ("es", "zh_Hans"):
        clusters = client.get(f"/clusters?lang={lang}").text
        body = clusters.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        assert not ISO_DAY.search(_text(body)), body[:800]
    from tests.app.conftest import csrf_of

    csrf = csrf_of(client)
    r = client.post("/watchlists", data={"csrf": csrf, "kind": "phone", "value": "+15551234567", "name": "walk",
                                         "note": "walk"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    r = client.post("/cases", data={"csrf": csrf, "title": "Walk four"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        case_id = conn.execute(sa.text("SELECT id FROM cases ORDER BY created_at DESC LIMIT 1")).scalar()
        added = conn.execute(sa.text("SELECT created_at FROM watchlist_entries ORDER BY id DESC LIMIT 1")).scalar()
    assert case_id and added
    for lang in ("es", "zh_Hans"):
        watch = client.get(f"/watchlists?lang={lang}").text
        rows = watch.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        assert not ISO_DAY.search(_text(rows)), rows
        with use(lang):
            assert format_date(str(added)) in rows, rows
        case = client.get(f"/cases/{case_id}?lang={lang}").text
        lead = case.split("</h1>", 1)[1].split("</p>", 1)[0]
        assert not ISO_DAY.search(_text(lead)), lead


def test_an_acknowledged_alert_is_not_called_confirmed(app: object, login: Callable[[str], TestClient]) -> None:
    """Spanish Alerts offered "incluir confirmadas" and Chinese "包括已确认的": the words of a review decision
    ("confirmado", "已确认"), for alerts someone has only seen ("Confirmar recepción", "确认已阅")."""
    from adtrace.i18n import gettext, pgettext, use

    client = login("analyst")
    for lang in ("es", "zh_Hans"):
        tabs = client.get(f"/alerts?lang={lang}").text.split('id="alert-tabs"', 1)[1].split("</nav>", 1)[0]
        with use(lang):
            confirmed = pgettext("queue row state", "confirmed")
            assert confirmed.rstrip("o") not in _text(tabs), (lang, tabs)
            for msgid in ("acknowledged by %(who)s", "Include acknowledged alerts."):
                assert confirmed.rstrip("o") not in gettext(msgid), (lang, msgid, gettext(msgid))


def test_an_import_of_one_document_counts_it_in_the_singular(app: object, login: Callable[[str], TestClient]) -> None:
    """A Spanish import of one good line read "1 leídos · 1 nuevos" and "Vinculados: 1 documentos" (English
    too: "Linked: 1 documents")."""
    from tests.app.test_import_jobs import _upload, _wait

    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    _linked_summaries(app)  # so that the import links only its own document
    client = login("analyst")
    r = _upload(client, "one.jsonl", b'{"id": "w4-one", "text": "new in town, call 702 555 0101"}\n', link="1")
    assert r.status_code == 303, r.text
    job_id = r.headers["location"].rsplit("/", 1)[1]
    job = _wait(engine, job_id)
    assert job["state"] == "done" and job["counts"]["new"] == 1, job
    english = _text(client.get(f"/import/{job_id}").text)
    assert not re.search(r"(?<!\d)1 documents", english), english
    assert "Linked: 1 document;" in english, english
    spanish = _text(client.get(f"/import/{job_id}?lang=es").text)
    for plural in ("1 leídos", "1 nuevos", "1 documentos", "0 actualizado ", "0 rechazado "):
        assert not re.search("(?<!\\d)" + plural, spanish), (plural, spanish)
    assert "1 leído" in spanish and "1 nuevo" in spanish, spanish


def test_a_typed_title_is_not_dropped_when_a_case_is_picked(app: object, login: Callable[[str], TestClient]) -> None:
    """"Add to a case" on an ad offers the open cases first: an analyst who typed a new case's title without
    choosing "New case…" had the ad added to the case shown in the picker and the title silently dropped. It
    now says so and adds nothing; the picker's messages are in the reader's language."""
    from tests.app.conftest import csrf_of

    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    client = login("analyst")
    csrf = csrf_of(client)
    with engine.connect() as conn:
        doc = conn.execute(sa.text("SELECT id FROM documents ORDER BY id LIMIT 1")).scalar()
    r = client.post("/cases", data={"csrf": csrf, "title": "Open one"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    with engine.connect() as conn:
        (case_id,) = conn.execute(sa.text("SELECT id FROM cases")).one()
    hx = {"HX-Request": "true"}
    r = client.post("/cases/add?lang=es", data={"csrf": csrf, "kind": "document", "ref": doc, "case_id": str(case_id),
                                                "new_title": "Caso nuevo"}, headers=hx)
    assert r.status_code == 200 and 'role="alert"' in r.text, r.text
    assert "Caso nuevo…" in r.text or "Caso nuevo&hellip;" in r.text or "Caso nuevo" in r.text, r.text
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM cases")).scalar() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM case_items")).scalar() == 0
    r = client.post("/cases/add?lang=es", data={"csrf": csrf, "kind": "document", "ref": doc, "case_id": "new",
                                                "new_title": ""}, headers=hx)
    assert 'role="alert"' in r.text and "give the new case" not in r.text, r.text
    r = client.post("/cases/add?lang=es", data={"csrf": csrf, "kind": "document", "ref": doc, "case_id": str(case_id),
                                                "new_title": ""}, headers=hx)
    assert 'class="ok"' in r.text, r.text


def test_an_ads_actions_come_before_its_similar_ads(app: object, login: Callable[[str], TestClient]) -> None:
    """On the demo's ad page, "Add to a case" and "Review decision" sat below "Ads like this one", whose list of
    near photos (up to 20 ads, three lines each) pushed them about 3,000 px down; and the decision's time read
    as stored ("2026-12-08T06:34")."""
    from tests.app.conftest import csrf_of

    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        doc = conn.execute(sa.text("SELECT id FROM documents ORDER BY id LIMIT 1")).scalar()
    client = login("analyst")
    r = client.post(f"/documents/{doc}/decision", data={"csrf": csrf_of(client), "decision": "confirm"},
                    follow_redirects=False)
    assert r.status_code in (200, 303), r.text
    page = client.get(f"/documents/{doc}?lang=es").text
    assert page.index('id="addcase"') < page.index('id="alike"'), "Add to a case below the similar ads"
    assert page.index('id="decision"') < page.index('id="alike"'), "the decision below the similar ads"
    decision = page.split('id="decision"', 1)[1].split("</section>", 1)[0]
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", _text(decision)), decision

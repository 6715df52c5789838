"""The app's language (issue 21): the account's setting, else the switch's cookie, else Accept-Language,
else English; `<html lang>` follows; the switch on every page; error pages in the reader's language."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from adtrace.app.locale import COOKIE
from tests.app.conftest import csrf_of

ES = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def test_english_by_default_and_accept_language_picks_spanish_or_chinese(app: object) -> None:
    client = TestClient(app)  # type: ignore[arg-type]
    page = client.get("/login")
    assert '<html lang="en">' in page.text and ">Sign in</button>" in page.text
    assert page.headers["content-language"] == "en"
    es = client.get("/login", headers=ES)
    assert '<html lang="es">' in es.text and "Iniciar sesión" in es.text and "Sign in</button>" not in es.text
    assert es.headers["content-language"] == "es"
    zh = client.get("/login", headers=ZH)
    assert '<html lang="zh-Hans">' in zh.text and "登录" in zh.text
    # A language we have no catalogue for falls back to English, not to an error.
    assert '<html lang="en">' in client.get("/login", headers={"Accept-Language": "fr-FR,de;q=0.8"}).text


def test_switch_sets_a_cookie_that_outlasts_the_request(app: object) -> None:
    client = TestClient(app)  # type: ignore[arg-type]
    page = client.get("/login?lang=zh_Hans", headers=ES)  # the switch beats the browser's header
    assert '<html lang="zh-Hans">' in page.text
    assert client.cookies.get(COOKIE) == "zh_Hans"
    assert '<html lang="zh-Hans">' in client.get("/login", headers=ES).text  # remembered
    # The switch is on the page itself: one link per language, each in its own language.
    assert 'href="/login?lang=es"' in page.text and "Español" in page.text and "简体中文" in page.text
    assert '<html lang="en">' in client.get("/login?lang=en").text


def test_account_setting_beats_cookie_and_accept_language(login: Callable[[str], TestClient]) -> None:
    client = login("analyst")
    assert '<html lang="zh-Hans">' in client.get("/", headers=ZH).text  # no setting: the browser's
    r = client.post("/account/language", data={"language": "es", "next": "/cases", "csrf": csrf_of(client)},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/cases"
    page = client.get("/", headers=ZH)
    assert '<html lang="es">' in page.text and "Panel" in page.text and "indicadores presentes" in page.text
    client.cookies.set(COOKIE, "zh_Hans")
    assert '<html lang="es">' in client.get("/", headers=ZH).text  # the account wins over the cookie
    assert '<html lang="en">' in client.get("/?lang=en").text  # ...but not over an explicit switch
    account = client.get("/account").text
    assert 'value="es" lang="es" selected' in account
    # Back to "the browser's language", and a language that is not offered is refused.
    client.post("/account/language", data={"language": "", "csrf": csrf_of(client)})
    assert '<html lang="zh-Hans">' in client.get("/", headers=ZH).text
    bad = client.post("/account/language", data={"language": "fr", "csrf": csrf_of(client)})
    assert bad.status_code == 422


def test_switch_form_for_signed_in_users_posts_to_the_account(login: Callable[[str], TestClient]) -> None:
    client = login("reviewer")
    page = client.get("/queue").text
    assert 'action="/account/language"' in page and 'name="next" value="/queue"' in page
    r = client.post("/account/language", data={"language": "zh_Hans", "next": "//evil.example/x",
                                               "csrf": csrf_of(client)}, follow_redirects=False)
    assert r.headers["location"] == "/account"  # never an open redirect


def test_error_page_in_the_readers_language_keeps_its_code(login: Callable[[str], TestClient]) -> None:
    client = login("analyst")
    page = client.get("/documents/no-such-doc", headers=ES)
    assert page.status_code == 404
    assert "No encontrado" in page.text and "no existe tal documento" in page.text
    assert "AT112" in page.text  # the code never changes with the language
    api = client.get("/api/v1/documents/no-such-doc", headers={**ES, "Authorization": "Bearer nope"})
    assert api.json()["error"]["code"]  # the API answers in its one shape whatever the language


def test_pages_python_messages_and_indicator_words_are_translated(login: Callable[[str], TestClient]) -> None:
    client = login("analyst")
    client.post("/account/language", data={"language": "es", "csrf": csrf_of(client)})
    r = client.post("/account/password", data={"current": "x", "new_password": "a", "repeat": "b",
                                               "csrf": csrf_of(client)})
    assert "las dos contraseñas nuevas no coinciden" in r.text
    search = client.get("/search?q=girl").text
    assert "Buscar" in search and "documentos" in search
    doc_id = search.split('href="/documents/', 1)[1].split('"', 1)[0]
    doc = client.get(f"/documents/{doc_id}").text
    assert "Indicadores presentes" in doc and "(no es un veredicto sobre nadie)" in doc


def test_facet_labels_are_cached_per_language() -> None:
    from adtrace import i18n
    from adtrace.app.pages.search import facet_label

    with i18n.use("es"):
        assert facet_label("risk_level", "high") == "alto"
        assert facet_label("indicator", "minor.stated_age.v1") == "El anuncio indica una edad menor de 18 años"
    assert facet_label("risk_level", "high") == "high"
    assert facet_label("indicator", "minor.stated_age.v1") == "The ad states an age under 18"
    assert facet_label("source", "examplelist") == "examplelist"  # data stays as it is


def test_add_to_case_answer_is_in_the_readers_language_and_escapes_the_title(
        login: Callable[[str], TestClient]) -> None:
    client = login("analyst")
    client.post("/account/language", data={"language": "es", "csrf": csrf_of(client)})
    search = client.get("/search?q=girl").text
    doc_id = search.split('href="/documents/', 1)[1].split('"', 1)[0]
    r = client.post("/cases/add", headers={"HX-Request": "true"},
                    data={"kind": "document", "ref": doc_id, "case_id": "new", "new_title": "Ruta <b>norte</b>",
                          "csrf": csrf_of(client)})
    assert r.status_code == 200
    assert "Añadido a <a href=\"/cases/" in r.text and "Added to" not in r.text
    assert "Ruta &lt;b&gt;norte&lt;/b&gt;</a>" in r.text  # the title is data: shown as typed, never as markup


def test_case_item_labels_are_in_the_readers_language(app: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """A case's items in words: "grupo de 3 anuncios", "teléfono +1...", not English beside Spanish."""
    from adtrace.app.pages import cases as case_pages
    from adtrace.i18n import use

    class Items:
        def refs(self, kind: str) -> list[str]:
            return {"cluster": ["c1"], "entity": ["phone:+17025550142"]}.get(kind, [])

    monkeypatch.setattr(case_pages.clusterstore, "sizes", lambda conn, ids: {"c1": 3})
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with use("es"):
        labels = case_pages.item_labels(engine, Items())  # type: ignore[arg-type]
    assert labels[("cluster", "c1")] == "grupo de 3 anuncios"
    assert labels[("entity", "phone:+17025550142")] == "teléfono +17025550142"
    with use("en"):
        labels = case_pages.item_labels(engine, Items())  # type: ignore[arg-type]
    assert labels[("cluster", "c1")] == "cluster of 3 ads"

"""Every page and link of the app, for every role: a breadth-first walk from the dashboard.

Signed in as each role, the walker follows every same-origin link the app renders (`href`, `hx-get`,
GET forms with the values they would send, and the pictures, scripts and style sheets a page loads)
and checks each answer: no 5xx, no 404 or 422 for a link the app itself rendered, no 403 (a link the
app shows to a role it then refuses is a dead end for that role: the link must not be rendered), no
Python exception text, HTML (or a download) with the Content-Security-Policy header, an audit row
for every page that shows personal data, and the static accessibility checks of tests/app/a11y.py on every
page and fragment (page language, title, named fields, buttons and links, alt, unique ids, one h1, th). Then a few pages in Spanish and Chinese: no English text of
a template where the catalogue has its translation.

URLs that differ only in ids or values are walked a few times per shape (PER_SHAPE), so the walk stays
bounded on any store.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable, Iterator
from importlib import import_module, resources
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser, LexborNode
from starlette.routing import Match

from adtrace.app.accounts import ROLES
from adtrace.app.auth import PERMS
from adtrace.app.data.search import FILTERS
from adtrace.app.server import ROUTERS
from tests.app import a11y
from tests.app.conftest import csrf_of

PER_SHAPE = 4  # URLs walked per shape (path with ids replaced, query keys): enough to meet each variant
MAX_PAGES = 300  # per role; the walk on this store reaches 145 as admin (a bound, not a target)
BASE = "http://testserver"
# Python's own words for a failure: a page must never show them (the app answers errors in one shape).
CRASH = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+|\b(?:KeyError|TypeError|"
                   r"AttributeError|ValueError|IndexError|NameError|ZeroDivisionError|UndefinedError|"
                   r"OperationalError|IntegrityError|ProgrammingError)\b|jinja2\.exceptions|sqlalchemy\.exc")
# Pages that show what the ads say or who is in them: each view must write an audit row
# (docs/app.md, "Audit log": every view of a document, every search, export, entity, cluster and case).
AUDITED = re.compile(r"^/(?:documents/[^/]+|queue/preview/[^/]+|entities/[^/]+/[^/]+|clusters/[^/]+|"
                     r"search(?:\.csv)?|cases/\d+(?:/.+)?|clusters/[^/]+/.+|queue/labels\.csv|tips|alerts)$")
NOT_AUDITED = re.compile(r"^/(?:clusters|documents/[^/]+/images/.*|documents/[^/]+/alike)$")
# Downloads answer in their own type with Content-Disposition: attachment.
DOWNLOAD_TYPES = ("text/csv", "text/plain", "application/", "image/")


@pytest.fixture
def walked_app(app: object, login: Callable[[str], TestClient]) -> object:
    """The conftest store made to look used: linked, three review decisions (one of each kind), a case with
    a document, a cluster, an entity and a note, a watched phone that alerts, risk alerts, a legal hold,
    a public tip, a tip routing rule and an uploaded file waiting for its column choice."""
    from adtrace.app import importjobs
    from adtrace.cases import alerts, holds, watchlists
    from adtrace.cases import cases as cs
    from adtrace.linking.run import link_store
    from adtrace.tips import intake
    from adtrace.tips import store as ts

    state = app.state.adtrace  # type: ignore[attr-defined]
    store, engine = state.store, state.engine
    link_store(engine)
    with engine.connect() as conn:
        flagged = [r[0] for r in conn.execute(sa.text(
            "SELECT doc_id FROM records WHERE risk_level IN ('high', 'elevated') ORDER BY doc_id LIMIT 6"))]
        cluster = conn.execute(sa.text("SELECT cluster_id FROM link_clusters GROUP BY cluster_id "
                                       "ORDER BY count(*) DESC, cluster_id LIMIT 1")).scalar_one()
    analyst = login("analyst")
    csrf = csrf_of(analyst)
    for doc_id, decision in zip(flagged, ("confirm", "dismiss", "escalate"), strict=False):
        r = analyst.post("/queue/decide", data={"doc_id": doc_id, "decision": decision, "reason": "walk"},
                         headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200, r.text
    phone = next(p["value"] for d in flagged for p in (store.get_record(d) or {}).get("phones") or [])
    case = cs.create(store, "Walked case", "analyst", "analyst")
    cs.add_item(store, case.id, "document", flagged[0], "analyst")
    cs.add_item(store, case.id, "cluster", cluster, "analyst")
    cs.add_item(store, case.id, "entity", cs.entity_ref("phone", phone), "analyst")
    cs.add_note(store, case.id, "analyst", "Seen on two boards; same phone.")
    watchlists.add(store, "phone", phone, name="walk", owner="analyst")
    alerts.evaluate(store, flagged)
    holds.place(store, "document", flagged[4], "analyst", "walk hold")
    intake.submit(store, intake.TipForm("A girl at the motel on 5th says she cannot leave, call 702 555 0199"),
                  link=False)
    ts.add_rule(engine, "admin", "ngo-b")
    job, path = importjobs.new_upload(engine, "analyst", "walk.csv", "csv")
    path.write_bytes(b"id,text\nw-1,hello there\n")
    importjobs.uploaded(engine, job, path.stat().st_size)
    return app


def _shape(url: str) -> tuple[str, tuple[str, ...]]:
    """A URL without its ids and values: /documents/{}, /entities/phone/{}, ('q', 'risk_level')."""
    parts = urlsplit(url)
    keys = {k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if parts.path.startswith("/search"):  # which facets are set does not change the page: one key for all
        keys = {k for k in keys if k not in FILTERS} | ({"<facet>"} if keys & set(FILTERS) else set())
    segs = parts.path.split("/")
    out = [s if not re.search(r"[\d@%+]", s) or ("." in s and not re.search(r"\d", s.split(".")[0])) else "{}"
           for s in segs]
    if len(segs) > 3 and segs[1] == "entities":
        out[3] = "{}"
    return "/".join(out), tuple(sorted(keys))


def _form_url(form: LexborNode, here: str) -> str | None:
    """The URL a GET form would load with the values it shows (None: not a GET form)."""
    attrs = form.attributes
    method = (attrs.get("method") or "get").lower()
    if method != "get" or "hx-post" in attrs:
        return None
    action = urljoin(here, attrs.get("action") or here)
    fields: list[tuple[str, str]] = []
    for node in form.css("input, select, textarea"):
        a = node.attributes
        name = a.get("name")
        if not name or "disabled" in a:
            continue
        kind = (a.get("type") or "text").lower()
        if kind in ("submit", "button", "file", "image", "reset") or (kind in ("checkbox", "radio") and "checked" not in a):
            continue
        if node.tag == "select":
            options = node.css("option")
            chosen = next((o for o in options if "selected" in o.attributes), options[0] if options else None)
            value = "" if chosen is None else chosen.attributes.get("value") or chosen.text(strip=True)
        elif node.tag == "textarea":
            value = node.text()
        else:
            value = a.get("value") or ""
        fields.append((name, value or ""))
    return urlsplit(action)._replace(query=urlencode(fields), fragment="").geturl()


def _links(html: str, here: str) -> Iterator[tuple[str, str]]:
    """(kind, absolute URL) of what a page links to: page, fragment (hx-get) or resource."""
    tree = LexborHTMLParser(html)
    for node in tree.css("a[href]"):
        yield "page", urljoin(here, node.attributes.get("href") or "")
    for node in tree.css("[hx-get]"):
        yield "fragment", urljoin(here, node.attributes.get("hx-get") or "")
    for node in tree.css("[data-preview]"):  # the queue's script loads each row's preview (static/app.js)
        yield "fragment", urljoin(here, node.attributes.get("data-preview") or "")
    for form in tree.css("form"):
        url = _form_url(form, here)
        if url:
            yield ("fragment" if "hx-get" in form.attributes else "page"), url
    for node in tree.css("img[src], script[src]"):
        yield "resource", urljoin(here, node.attributes.get("src") or "")
    for node in tree.css("link[href]"):
        yield "resource", urljoin(here, node.attributes.get("href") or "")


def _posts(html: str, here: str) -> Iterator[str]:
    """Where a page's buttons post: POST forms' actions and hx-post targets."""
    tree = LexborHTMLParser(html)
    for form in tree.css("form"):
        if (form.attributes.get("method") or "").lower() == "post":
            yield urljoin(here, form.attributes.get("action") or here)
    for node in tree.css("[hx-post]"):
        yield urljoin(here, node.attributes.get("hx-post") or "")


def _post_route(path: str) -> set[str] | None:
    """The roles that may POST to a path (None: no route takes a POST there); a public route: everyone."""
    routes = [r for name in ROUTERS for r in import_module(f"adtrace.app.{name}").router.routes
              if isinstance(r, APIRoute)]
    for route in routes:
        match, _ = route.matches({"type": "http", "path": path, "method": "POST"})
        if match is Match.FULL:
            perms = [getattr(d.call, "perm", None) for d in route.dependant.dependencies]
            return set(PERMS[next(p for p in perms if p)]) if any(perms) else {*ROLES, "public"}
    return None


def _ours(url: str, signed_in: bool) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return False
    query = dict(parse_qsl(parts.query))
    # The language switch (?lang=) and the sign-out are not pages; the walk stays in the account's language.
    return "lang" not in query and parts.path != "/logout" and not (signed_in and parts.path == "/login")


def _personal(path: str, query: str, body: str) -> bool:
    """Whether a page shows personal data: its kind, and for search, tips and alerts whether it lists
    anything (an empty search form, or no tips or alerts in a tab, shows nobody). Alerts show the matched
    phone or e-mail beside the ad, and quote the ad's evidence."""
    if not AUDITED.match(path) or NOT_AUDITED.match(path):
        return False
    if path == "/search":
        return any(v for k, v in parse_qsl(query) if k != "sort")
    if path == "/alerts":
        return '<li class="alert ' in body
    return path != "/tips" or 'class="card tip"' in body


def _audit_rows(engine: sa.Engine) -> tuple[int, str | None]:
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT seq, actor FROM audit_log ORDER BY seq DESC LIMIT 1")).first()
    return (0, None) if row is None else (int(row[0]), str(row[1]))


def walk(app: object, client: TestClient, role: str, pages_seen: dict[str, str] | None = None,
         start: tuple[str, ...] = ("/",), language: str = "") -> tuple[list[str], Counter[str]]:
    """Walk the app as one client (role "public": nobody signed in); return the problems found and how many
    pages of each shape. `pages_seen` gets the first URL of each shape ("/search?<facet>&q") that answered a
    whole HTML page
    (for the browser pass)."""
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    problems: list[str] = []
    seen: set[str] = set()
    posts: set[str] = set()
    shapes: Counter[tuple[str, tuple[str, ...]]] = Counter()
    todo: deque[tuple[str, str, str]] = deque(("page", BASE + u, "(start)") for u in start)
    signed_in = role != "public"
    pages = 0
    while todo and pages < MAX_PAGES:
        kind, url, origin = todo.popleft()
        url = url.split("#", 1)[0]
        if url in seen or not _ours(url, signed_in):
            continue
        seen.add(url)
        shape = _shape(url)
        if kind != "resource" and shapes[shape] >= PER_SHAPE:
            continue
        shapes[shape] += 1
        pages += 1
        path = urlsplit(url).path
        where = f"{role}: {url[len(BASE):]} (linked from {origin})"
        before = _audit_rows(engine)
        headers = {"HX-Request": "true"} if kind == "fragment" else {}
        if language:
            headers["Accept-Language"] = language
        r = client.get(url, headers=headers, follow_redirects=False)
        if r.status_code in (301, 302, 303, 307):
            target = urljoin(url, r.headers["location"])
            if urlsplit(target).path == "/login":
                problems.append(f"{where}: sent to the login page (signed out?)")
            todo.appendleft((kind, target, url[len(BASE):]))
            continue
        if r.status_code != 200:
            problems.append(f"{where}: HTTP {r.status_code} {r.text[:160]!r}")
            continue
        if "content-security-policy" not in r.headers:
            problems.append(f"{where}: no Content-Security-Policy header")
        ctype = r.headers.get("content-type", "")
        if kind == "resource":
            continue
        download = "attachment" in r.headers.get("content-disposition", "")
        if download:
            if not ctype.startswith(DOWNLOAD_TYPES):
                problems.append(f"{where}: download of type {ctype!r}")
        elif not ctype.startswith("text/html"):
            problems.append(f"{where}: answered {ctype!r}, not HTML")
        if ctype.startswith(("text/", "application/json")):
            crash = CRASH.search(r.text)
            if crash:
                problems.append(f"{where}: shows Python's error text {crash.group(0)!r}")
        audited = _audit_rows(engine)
        if _personal(path, urlsplit(url).query, r.text) and (audited[0] <= before[0] or audited[1] != role):
            problems.append(f"{where}: shows personal data without an audit row")
        if ctype.startswith("text/html") and kind == "page" and pages_seen is not None:
            pages_seen.setdefault(shape[0] + ("?" + "&".join(shape[1]) if shape[1] else ""), url[len(BASE):])
        if ctype.startswith("text/html") and not download:
            problems += [f"{where}: {p}" for p in a11y.problems(r.text, (language or "en")[:2], whole=kind == "page")]
        if ctype.startswith("text/html"):
            for k, link in _links(r.text, url):
                if link.split("#", 1)[0] not in seen:
                    todo.append((k, link, url[len(BASE):]))
            for target in set(_posts(r.text, url)) - posts:  # a button must post somewhere this role may
                posts.add(target)
                roles = _post_route(urlsplit(target).path)
                if roles is None:
                    problems.append(f"{where}: a button posts to {target[len(BASE):]}, which takes no POST")
                elif role not in roles:
                    problems.append(f"{where}: a button posts to {target[len(BASE):]}, refused to {role}")
    return problems, Counter({f"{p}?{'&'.join(q)}" if q else p: n for (p, q), n in shapes.items()})


# What each role must reach, so a walk that stopped early (a broken dashboard, a lost session) fails
# instead of passing on the few pages it saw.
MUST_REACH = {
    "admin": {"/queue", "/search", "/documents/{}", "/entities/phone/{}", "/clusters/{}", "/cases/{}", "/settings",
              "/users", "/audit", "/tips/rules", "/import/{}", "/map", "/alerts", "/watchlists", "/photos"},
    "analyst": {"/queue", "/queue/escalated", "/search", "/documents/{}", "/queue/preview/{}", "/entities/phone/{}",
                "/clusters", "/clusters/{}", "/cases", "/cases/{}", "/cases/{}/export.csv", "/map", "/tips",
                "/tips/leads", "/alerts", "/watchlists", "/import", "/account", "/documents/{}/alike"},
    "reviewer": {"/queue", "/search", "/documents/{}", "/clusters/{}", "/tips", "/alerts", "/account"},
    "auditor": {"/audit", "/account"},
    "partner": {"/account"},
}


def test_public_pages_link_only_to_public_pages(walked_app: object) -> None:
    """Signed out: the sign-in page and the public tip form, and whatever they link to, answer without
    sending anyone to sign in (a public page never links into the app)."""
    problems, shapes = walk(walked_app, TestClient(walked_app), "public", start=("/login", "/public/tip"))  # type: ignore[arg-type]
    assert {"/login", "/public/tip"} <= set(shapes), shapes
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_every_link_works_for_every_role(walked_app: object, login: Callable[[str], TestClient], role: str) -> None:
    problems, shapes = walk(walked_app, login(role), role)
    reached = {s.split("?", 1)[0] for s in shapes}
    assert not MUST_REACH[role] - reached, f"the walk never reached {sorted(MUST_REACH[role] - reached)}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["es-ES,es;q=0.9", "zh-CN,zh;q=0.9"])
def test_every_link_works_in_spanish_and_chinese(walked_app: object, login: Callable[[str], TestClient],
                                                 language: str) -> None:
    """The admin's walk again in each translated language: a translation whose placeholders do not match
    its msgid, or a filter that breaks on a translated word, fails a page there and only there. Then every
    page shape it reached: no text equal to an English msgid the catalogue translates."""
    client, pages = login("admin"), {}
    problems, shapes = walk(walked_app, client, "admin", pages, language=language)
    assert not MUST_REACH["admin"] - {s.split("?", 1)[0] for s in shapes}
    assert not problems, "\n".join(problems)
    catalogue = _catalogue("es" if language.startswith("es") else "zh_Hans")
    leaks = {url: sorted((_texts(client.get(url, headers={"Accept-Language": language}).text) & catalogue.keys())
                         - set(ROLES)) for url in pages.values()}
    assert not {url: words for url, words in leaks.items() if words}


# --- Spanish and Chinese: no English text of a template where the catalogue has its translation. -----------

SAMPLED = ("/", "/queue", "/queue/escalated", "/search?q=call", "/clusters", "/map", "/watchlists", "/alerts",
           "/cases", "/cases/1", "/settings", "/users", "/import", "/account", "/tips", "/tips/leads", "/audit")


def _catalogue(lang: str) -> dict[str, str]:
    path = resources.files("adtrace.i18n") / "locales" / lang / "LC_MESSAGES" / "adtrace.po"
    with path.open("rb") as fh:
        cat = read_po(fh)
    return {m.id: m.string for m in cat if isinstance(m.id, str) and isinstance(m.string, str) and m.string
            and m.string != m.id and "%" not in m.id and "{" not in m.id}


def _texts(html: str) -> set[str]:
    """Each text node and each shown attribute (title, placeholder, aria-label, value of buttons), stripped."""
    tree = LexborHTMLParser(html)
    # Not the template's words: scripts, what users typed, the ads' snippets, the audit log's action ids
    # (the filter's values) and an uploaded CSV's own column names (import mapping).
    for junk in tree.css("script, style, textarea, pre, .snippet, table.audit td, select[name=action] option, "
                         "table.preview, form[action$='/start'] select option"):
        junk.decompose()
    body = tree.body
    out = {t.strip() for t in (body.text(deep=True, separator="\n") if body else "").split("\n") if t.strip()}
    for node in tree.css("[title], [placeholder], [aria-label]"):
        out |= {v.strip() for k, v in node.attributes.items() if k in ("title", "placeholder", "aria-label") and v}
    return out


@pytest.mark.parametrize("lang,header", [("es", "es-ES,es;q=0.9"), ("zh_Hans", "zh-CN,zh;q=0.9")])
def test_no_english_where_a_translation_exists(walked_app: object, login: Callable[[str], TestClient], lang: str,
                                               header: str) -> None:
    catalogue = _catalogue(lang)
    client = login("admin")
    with walked_app.state.adtrace.engine.connect() as conn:  # type: ignore[attr-defined]
        doc, cluster = conn.execute(sa.text("SELECT c.doc_id, c.cluster_id FROM link_clusters c JOIN records r ON "
                                            "r.doc_id = c.doc_id WHERE r.risk_level = 'high' LIMIT 1")).one()
    leaks: list[str] = []
    for url in (*SAMPLED, f"/documents/{doc}", f"/queue/preview/{doc}", f"/clusters/{cluster}"):
        english = _texts(client.get(url, headers={"Accept-Language": "en"}).text)
        page = client.get(url, headers={"Accept-Language": header})
        assert page.status_code == 200, (url, page.status_code)
        # A msgid shown whole in English and still shown whole in the other language leaked (data is never
        # a whole text node equal to a template's sentence on these pages; the ads' own text is left out).
        shown = _texts(page.text)
        # Usernames are data: the fixture names each user after its role, a word the catalogue translates.
        leaks += [f"{url}: {m!r} (catalogue: {catalogue[m]!r})"
                  for m in sorted((english & shown & catalogue.keys()) - set(ROLES))]
    assert not leaks, "\n".join(leaks)


def test_walker_sees_a_broken_link(walked_app: object, login: Callable[[str], TestClient],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The walker itself: a dashboard that links to a page that does not exist is reported."""
    from adtrace.app.pages import dashboard

    real = dashboard.render

    def broken(request: object, name: str, context: dict[str, object], status: int = 200) -> object:
        response = real(request, name, context, status=status)  # type: ignore[arg-type]
        if name == "dashboard.html":
            response.body = response.body.replace(b'href="/account"', b'href="/acount"')  # type: ignore[attr-defined]
            response.headers["content-length"] = str(len(response.body))  # type: ignore[attr-defined]
        return response

    monkeypatch.setattr(dashboard, "render", broken)
    problems, _ = walk(walked_app, login("partner"), "partner")
    assert any("/acount" in p and "HTTP 404" in p for p in problems), problems


def test_map_shows_the_ads_not_the_tips(walked_app: object, login: Callable[[str], TestClient]) -> None:
    """Found by the walk's browser pass: the map's circles are "ads posted in each city in the period", and
    its default period ends at the newest posting. A tip is dated when it arrives, so one tip received today
    emptied the map of a corpus posted earlier, and tips' places were counted as ads."""
    import orjson

    client = login("analyst")
    page = client.get("/map").text
    data = orjson.loads(page.split('id="page-data"', 1)[1].split(">", 1)[1].split("</script>", 1)[0])
    with walked_app.state.adtrace.engine.connect() as conn:  # type: ignore[attr-defined]
        newest_ad = conn.execute(sa.text("SELECT max(posted_at) FROM documents WHERE kind <> 'tip'")).scalar_one()
    assert data["date_to"] == newest_ad[:10]
    assert data["cities"], "no city circles in the default period"
    # A tip naming a place is not an ad posted there.
    from adtrace.tips import intake

    store = walked_app.state.adtrace.store  # type: ignore[attr-defined]
    tip = intake.submit(store, intake.TipForm("She is kept in a house here and cannot leave", where="Boise, ID"),
                        link=False)
    day = str(store.get_document(tip.doc_id).posted_at)[:10]
    page = client.get(f"/map?date_from={day}&date_to={day}").text
    data = orjson.loads(page.split('id="page-data"', 1)[1].split(">", 1)[1].split("</script>", 1)[0])
    assert data["cities"] == [], data["cities"]


def test_cluster_page_says_its_median_once(walked_app: object, login: Callable[[str], TestClient]) -> None:
    """Read as an analyst: the network score block gave the typical ad's median evidence twice, in two
    roundings (6.25 in the explanation, 6.2 in the reasons below it)."""
    client = login("analyst")
    with walked_app.state.adtrace.engine.connect() as conn:  # type: ignore[attr-defined]
        clusters = [r[0] for r in conn.execute(sa.text("SELECT cluster_id FROM link_summaries LIMIT 40"))]
    told = {c: set(re.findall(r"median evidence ([\d.]+)", client.get(f"/clusters/{c}").text)) for c in clusters}
    assert any(told.values())
    assert all(len(v) <= 1 for v in told.values()), {c: v for c, v in told.items() if len(v) > 1}


def test_settings_counts_one_benign_document_in_the_singular(walked_app: object,
                                                              login: Callable[[str], TestClient]) -> None:
    """Read as an admin: with one ad dismissed, Settings said "(1 documents)"."""
    page = LexborHTMLParser(login("admin").get("/settings").text).body.text()  # type: ignore[union-attr]
    assert "(1 document)" in page and "(1 documents)" not in page


def test_alerts_api_view_is_audited(walked_app: object, api: Callable[[str], dict[str, str]]) -> None:
    """Like the Alerts page (which the walk checks): alerts name the matched identifier beside the ad."""
    engine = walked_app.state.adtrace.engine  # type: ignore[attr-defined]
    client = TestClient(walked_app)  # type: ignore[arg-type]
    headers = api("analyst")
    before = _audit_rows(engine)[0]
    assert client.get("/api/v1/alerts", headers=headers).json()["alerts"]
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT action, target FROM audit_log WHERE seq > :s"), {"s": before}).all()
    assert [tuple(r) for r in rows] == [("view_list", "alerts")]

"""In a real headless Chromium: search by photo finds a photo's reposts (and "ads like this one" lists
them); a document whose phone is only in its picture joins the ads that write the phone in text, and
its page and its cluster say the phone came from the image (issue 24)."""

from __future__ import annotations

import random
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa

from tests.app.conftest import PASSWORD
from tests.app.test_app_browser import ARGS, CHROMIUM, screens, server  # noqa: F401  (fixtures)

sync_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("pdqhash")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")


def _login(page: object, base: str) -> None:
    page.goto(f"{base}/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", "analyst")  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Newest high-risk documents")  # type: ignore[attr-defined]


def _ingest(app: object, tmp_path: Path, docs: list[dict[str, object]]) -> None:
    from adtrace.storage.ingest import IngestOptions, ingest

    path = tmp_path / "more.jsonl"
    path.write_bytes(b"".join(orjson.dumps(d) + b"\n" for d in docs))
    ingest(app.state.adtrace.store, [str(path)], IngestOptions(workers=1))  # type: ignore[attr-defined]


def test_upload_a_photo_and_find_its_reposts(app: object, server: str, screens: Path, tmp_path: Path,  # noqa: F811
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from adtrace.linking.run import link_store
    from adtrace.synth.images import draw_base, variant

    folder = tmp_path / "photos"
    folder.mkdir()
    base, other = draw_base("photoQ", 99), draw_base("photoZ", 99)
    rng = random.Random(5)
    for name in ("repA", "repB", "repC"):  # three reposts: cropped, brightened, re-encoded copies
        variant(base, rng).save(folder / f"{name}.png")
    other.save(folder / "other.png")
    variant(base, rng).save(tmp_path / "tip.png")  # the analyst's copy, from a tip: in no document
    _ingest(app, tmp_path, [{"id": n, "source": "test", "title": f"Ad {n}", "text": f"Sweet and discreet, ad {n}.",
                             "images": [{"path": f"{n}.png"}]} for n in ("repA", "repB", "repC", "other")])
    monkeypatch.setenv("ADTRACE_IMAGES", str(folder))
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    link_store(engine)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        _login(page, server)
        page.click("text=Photo search")
        page.set_input_files("#photo-file", str(tmp_path / "tip.png"))
        page.fill("#photo-distance", "31")
        page.click("#photo-search")
        page.wait_for_selector("#photo-results")
        rows = page.inner_text("#photo-results table")
        for name in ("repA", "repB", "repC"):
            assert f"Ad {name}" in rows
        assert "Ad other" not in rows
        distances = [int(t) for t in page.eval_on_selector_all("#photo-results td.dist", "els => els.map(e => e.textContent)")]
        assert len(distances) == 3 and all(0 <= d <= 31 for d in distances) and distances == sorted(distances)
        page.screenshot(path=str(screens / "photo-search.png"), full_page=True)
        # "Ads like this one" on a repost's page lists the other two by photo, with the distance as why.
        page.click("text=Ad repA")
        page.wait_for_selector("#alike-photo")
        alike = page.inner_text("#alike-photo")
        assert "Ad repB" in alike and "Ad repC" in alike and "Ad other" not in alike and "of 256 bits" in alike
        page.screenshot(path=str(screens / "ads-like-this-one.png"), full_page=True)
        browser.close()
    with engine.connect() as conn:
        audited = conn.execute(sa.text("SELECT actor, target, detail FROM audit_log WHERE action = 'search_photo'")).all()
    assert len(audited) == 1 and audited[0][0] == "analyst" and len(audited[0][1]) == 64
    assert orjson.loads(audited[0][2])["found"] == 3
    assert sorted(p.name for p in folder.iterdir()) == ["other.png", "repA.png", "repB.png", "repC.png"]  # not stored


def test_phone_only_in_image_links_to_ads_writing_it(app: object, server: str, screens: Path,  # noqa: F811
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from adtrace.linking.run import link_store
    from adtrace.ocr import status

    if not status().on:
        pytest.skip(status().message)
    from PIL import Image, ImageDraw, ImageFont

    folder = tmp_path / "photos"
    folder.mkdir()
    img = Image.new("RGB", (520, 220), (250, 240, 230))
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=40)
    draw.text((30, 40), "CALL (702) 864-3321", fill=(20, 20, 20), font=font)
    draw.text((30, 120), "NEW IN TOWN", fill=(180, 0, 60), font=font)
    img.save(folder / "pic.jpg", quality=85)
    monkeypatch.setenv("ADTRACE_IMAGES", str(folder))
    monkeypatch.setenv("ADTRACE_OCR", "on")
    monkeypatch.setattr("adtrace.storage.ingest._pipeline", None)  # the worker pipeline reads the setting once
    _ingest(app, tmp_path, [
        {"id": "picOnly", "source": "test", "title": "Picture ad", "text": "Sweet and discreet. Text me, number in the pic.",
         "images": [{"path": "pic.jpg"}]},
        {"id": "txtB", "source": "test", "title": "Text ad B", "text": "Call me at 702 864 3321 anytime, outcall only."},
        {"id": "txtC", "source": "test", "title": "Text ad C", "text": "Reach (702) 864-3321 for specials this week."},
    ])
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    phones = store.get_record("picOnly")["phones"]
    assert [(p["value"], p["via"], p["field"]) for p in phones] == [("+17028643321", "image", "image_text")]
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    link_store(engine)
    with engine.connect() as conn:
        clusters = dict(conn.execute(sa.text("SELECT doc_id, cluster_id FROM link_clusters WHERE doc_id IN "
                                             "('picOnly', 'txtB', 'txtC')")).all())
    assert len(set(clusters.values())) == 1
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        _login(page, server)
        page.goto(f"{server}/documents/picOnly")
        ids = page.inner_text("ul.entities")
        assert "Phone (in image)" in ids and "+17028643321" in ids
        marked = page.inner_text("#image-text-0 mark.ent-phones")
        assert "864" in marked and "3321" in marked  # the span indexes the image's text
        # Follow the link's address rather than clicking it: a click can land on a page still laying out
        # its photos (CI once waited 30 s on the document page), and the link itself is what is tested.
        href = page.get_attribute("#cluster-link", "href")
        assert href and href.startswith("/clusters/")
        response = page.goto(f"{server}{href}")
        assert response is not None and response.status == 200, (href, response and response.status)
        with engine.connect() as conn:
            edges = conn.execute(sa.text("SELECT summary FROM link_summaries WHERE cluster_id = :c"),
                                 {"c": href.rsplit("/", 1)[1]}).scalar()
        assert page.locator("#edge-reasons").count() == 1, (href, edges)
        page.click("#edge-reasons summary")
        reasons = page.inner_text("#edge-reasons")
        assert "phone:+17028643321" in reasons
        assert "picOnly (phone in image)" in reasons and "txtB (phone)" in reasons and "txtC (phone)" in reasons
        page.screenshot(path=str(screens / "phone-in-image-cluster.png"), full_page=True)
        browser.close()

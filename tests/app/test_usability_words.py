"""What analysts read on cluster pages, the API and the Map (docs/app.md, "Read as an analyst", third round):
each test fails on what the demo showed."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import orjson
import sqlalchemy as sa
from fastapi.testclient import TestClient


def _link(app: object) -> None:
    from adtrace.linking.run import link_store

    link_store(app.state.adtrace.engine)  # type: ignore[attr-defined]


def _summaries(app: object) -> list[dict[str, object]]:
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return [orjson.loads(s) for (s,) in conn.execute(sa.text(
            "SELECT summary FROM link_summaries ORDER BY documents DESC, cluster_id"))]


def test_cluster_indicator_evidence_names_ad_indicators(app: object, login: Callable[[str], TestClient]) -> None:
    """A cluster indicator's evidence named its ads' indicators by id ("syn1-0000330: minor.stated_age.v1").
    It reads their names, in the reader's language; the id is the tooltip."""
    from adtrace.i18n import use
    from adtrace.indicators.wording import name

    _link(app)
    minor = next(s for s in _summaries(app) for i in s["cluster_indicators"]  # type: ignore[attr-defined]
                 if i["id"] == "cluster.minor_indicator.v1")
    evidence = next(i for i in minor["cluster_indicators"] if i["id"] == "cluster.minor_indicator.v1")  # type: ignore[index]
    ids = sorted({w for e in evidence["evidence"] for w in re.findall(r"minor\.\w+\.v\d+", e["text"])})
    assert ids, evidence
    client = login("analyst")
    page = client.get(f"/clusters/{minor['cluster']}").text
    side = page.split("Cluster indicators", 1)[1].split("</section>", 1)[0]
    for ind in ids:
        assert not re.search(r">[^<]*" + re.escape(ind), side), (ind, side[:1500])
        assert f'title="{ind}"' in side and f">{name(ind)}</span>" in side, ind
    spanish = client.get(f"/clusters/{minor['cluster']}?lang=es").text
    with use("es"):
        assert any(f">{name(ind)}</span>" in spanish for ind in ids)



def test_cluster_evidence_phrases_read_in_the_readers_language(app: object,
                                                               login: Callable[[str], TestClient]) -> None:
    """Linking stores its evidence phrases in English ("ad-1: stated age under 18", "3 moves, median stay 4.0
    days: ..."); a Spanish page showed them so. They read in Spanish; the stored summary is unchanged."""
    from adtrace.linking.summary import Member, cluster_indicators

    _link(app)
    first = _summaries(app)[0]
    rec = {"phones": [{"value": "+17025550100"}], "ages": [{"value": 16}], "indicators": []}
    move = {"legs": [{}, {}, {}], "median_stay_days": 2.5, "stops": [{"city": "Reno, NV"}, {"city": "Boise, ID"}],
            "circuit": {"cities": ["Reno, NV", "Boise, ID", "Reno, NV"], "days_per_loop": 7.5}}
    first["cluster_indicators"] = cluster_indicators(
        [Member("ad-1", None, rec), Member("ad-3", None, {**rec, "ages": [{"value": 24}]})], move, {})
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE link_summaries SET summary = :s WHERE cluster_id = :c"),
                     {"s": orjson.dumps(first).decode(), "c": first["cluster"]})
    client = login("analyst")
    page = html.unescape(client.get(f"/clusters/{first['cluster']}?lang=es").text)
    side = page.split("Indicadores del grupo", 1)[-1].split("</section>", 1)[0]
    for words in ("ad-1: edad declarada menor de 18", "edades 16-24",
                  "3 desplazamientos, estancia mediana de 2,5 días: Reno, NV → Boise, ID",
                  "Reno, NV → Boise, ID → Reno, NV cada ~7,5 días"):
        assert words in side, (words, side[:2000])
    assert "stated age" not in side and "median stay" not in side and "every ~" not in side
    english = html.unescape(client.get(f"/clusters/{first['cluster']}?lang=en").text)
    assert "ad-1: stated age under 18" in english and "median stay 2.5 days" in english

def test_the_api_gives_network_reasons_as_words_and_their_ids_apart(app: object,
                                                                     api: Callable[[str], dict[str, str]]) -> None:
    """The network score's reasons the API returns ended in the cluster indicator's id in brackets."""
    _link(app)
    flagged = next(s for s in _summaries(app) if s["cluster_indicators"])
    client = TestClient(app)  # type: ignore[arg-type]
    net = client.get(f"/api/v1/clusters/{flagged['cluster']}", headers=api("analyst")).json()["network"]
    ids = {i["id"] for i in flagged["cluster_indicators"]}  # type: ignore[attr-defined]
    assert not any("[" in r for r in net["reasons"]), net["reasons"]
    assert ids == {i for i in net["reason_ids"] if i}


# The browser test's one wording (test_usability_browser.BODY and ADS), as a site that writes entities serves it.
ENTITY_BODY = ("Hi gentlemen, my name is {n}.&nbsp;Posted:&nbsp;{day} {month} {date} 2026 at {hour}:{minute} in "
               "{city}. Sweet &amp; discreet, visiting this week only, don&#39;t miss it. Donations {d1} min, {d2} half "
               "hour, {d3} hour, {d4} overnight. Upscale incall, no rush, private and clean place, ask for an "
               "appointment today. Age {age}. More at https://board.test/{city}/escorts/ann-sweet-discreet-{ref}/")
ADS = [dict(day="Monday", month="June", date=29, hour=11, minute=36, city="Phoenix", d1=80, d2=120, d3=180, d4=600,
            age=24, ref=35560570),
       dict(day="Friday", month="August", date=7, hour=2, minute=42, city="Reno", d1=90, d2=140, d3=200, d4=700,
            age=25, ref=45059815),
       dict(day="Sunday", month="March", date=15, hour=9, minute=5, city="Austin", d1=70, d2=110, d3=160, d4=550,
            age=23, ref=77102934)]


def test_a_cluster_template_shows_the_characters_of_html_entities(app: object, tmp_path: Path,
                                                                  login: Callable[[str], TestClient]) -> None:
    """The cluster page's template read "Posted:& nbsp;" (the tokeniser split the entity)."""
    from adtrace.storage.ingest import IngestOptions, ingest

    path = tmp_path / "ent.jsonl"
    path.write_bytes(b"".join(orjson.dumps({"id": f"htmlent{i}", "source": "test",
                                            "text": ENTITY_BODY.format(n="Ann", **ad)}) + b"\n"
                              for i, ad in enumerate(ADS)))
    ingest(app.state.adtrace.store, [str(path)], IngestOptions(workers=1))  # type: ignore[attr-defined]
    _link(app)
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        (cluster,) = {c for (c,) in conn.execute(sa.text("SELECT cluster_id FROM link_clusters WHERE doc_id LIKE 'htmlent%'"))}
    page = login("analyst").get(f"/clusters/{cluster}").text
    # What the reader sees: the element's text, the page's own escaping undone.
    template = html.unescape(re.sub(r"<[^>]+>", "", page.split('id="consensus">', 1)[1].split("</p>", 1)[0]))
    assert "Posted:" in template and "Sweet & discreet" in template and "don't" in template, template
    for raw in ("nbsp", "amp", "#"):
        assert raw not in template, (raw, template)


def test_confirmed_reads_singular_on_a_queue_row_and_plural_over_counts(app: object,
                                                                        login: Callable[[str], TestClient]) -> None:
    """Spanish read "confirmados" on a decided queue row: one msgid served the row's state and the column of
    counts in "Measured from review decisions". A context apiece; the row says "confirmado"."""
    from adtrace.i18n import pgettext, use
    from adtrace.i18n.terms import js_messages

    with use("es"):
        assert pgettext("queue row state", "confirmed") == "confirmado"
        assert pgettext("column of counts", "confirmed") == "confirmados"
        assert js_messages()["queue row state\x04confirmed"] == "confirmado"
    page = login("analyst").get("/queue?lang=es").text
    table = orjson.loads(page.split('id="i18n-messages">', 1)[1].split("</script>", 1)[0])
    assert table["queue row state\x04confirmed"] == "confirmado"
    assert "<th>confirmados</th>" in page
    with use("zh_Hans"):
        assert js_messages()["queue row state\x04escalated"] == "已上报"

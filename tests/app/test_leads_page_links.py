"""The Tip leads page's line after an upload ("Lead 5 is withdrawn by its sender...") is built from the
query string the upload redirects to. A crafted link must not make it say that of a lead that is not
withdrawn (or does not exist): an analyst would stop working a live tip."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient


def test_a_crafted_link_cannot_announce_a_withdrawal(login: Callable[[str], TestClient]) -> None:
    client = login("analyst")
    for query in ({"lead": 1, "stopped": 3, "kept": 0}, {"lead": 7, "late": "1"}):
        page = client.get("/tips/leads", params=query)
        assert page.status_code == 200
        assert "withdrawn by its sender" not in page.text and "withdrew the tip" not in page.text, query

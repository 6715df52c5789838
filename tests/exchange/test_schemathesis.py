"""Property-based API tests from the OpenAPI spec (schemathesis, in-process ASGI, bounded examples):
no request the schema allows, or almost allows, may cause a server error on the screening and
exchange endpoints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import content_type_conformance, not_a_server_error

from adtrace.app import accounts


@pytest.fixture
def token(app: Any, client_for: Callable[[str], TestClient]) -> str:
    client_for("admin")  # creates the user
    return accounts.add_token(app.state.adtrace.engine, "admin", "schemathesis")


def test_no_server_errors(app: Any, token: str) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    schema = schema.include(path_regex=r"^/api/v1/(screen|exchange/)")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == {"/api/v1/screen", "/api/v1/exchange/bundles", "/api/v1/exchange/match",
                                              "/api/v1/exchange/leads", "/api/v1/exchange/issuers",
                                              "/api/v1/exchange/signals"}
    for op in operations:

        @given(case=op.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: Any) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                                   checks=[not_a_server_error, content_type_conformance])

        run()

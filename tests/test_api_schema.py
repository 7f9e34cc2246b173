"""The API answers as its OpenAPI schema says: list responses (with the nulls real records hold)
validate against the documented schema, required query parameters are documented, and a bad token
is told to authenticate (401 with WWW-Authenticate), not refused (403)."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from oversight.roles import Role
from tests.commitments.factories import (
    BoardFactory,
    BoardMeetingFactory,
    CommitmentFactory,
    RagAssessmentFactory,
    ScrutinyQueryFactory,
)
from tests.oversight.factories import UserFactory

pytestmark = pytest.mark.django_db


def _openapi() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` as JSON Schema (``anyOf`` with null); the rest as it is."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def _validator(openapi: dict[str, Any], path: str) -> jsonschema.Draft202012Validator:
    response = openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    document = {**_json_schema(response), "components": _json_schema(openapi["components"])}
    return jsonschema.Draft202012Validator(document)


def test_commitment_and_rag_lists_with_empty_optional_people_match_the_schema(api_client_for: Any) -> None:
    # A commitment with no lead and no board, a board with no chair, a rating only proposed
    # (nobody has reviewed or published it): each name is null, and the schema must allow it.
    CommitmentFactory(lead=None, board=None)
    board = BoardFactory(chair=None)
    BoardMeetingFactory(board=board, recorded_by=UserFactory())
    RagAssessmentFactory()
    client = api_client_for(*[str(role) for role in Role])
    openapi = _openapi()
    for path in ("/api/v1/commitments/", "/api/v1/boards/", "/api/v1/rag-assessments/", "/api/v1/board-meetings/"):
        body = client.get(path).json()
        assert body["results"], path
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator(openapi, path).iter_errors(body)]
        assert errors == [], path


def test_required_query_parameters_are_in_the_schema() -> None:
    paths = _openapi()["paths"]
    for path, required in {
        "/api/v1/kpis/": {"from", "to"},
        "/api/v1/kpis/soteria/": {"from", "to"},
        "/api/v1/audit-overview/": {"from", "to"},
        "/api/v1/reports/rag/": {"period"},
    }.items():
        parameters = paths[path]["get"].get("parameters", [])
        assert {p["name"] for p in parameters if p.get("required")} == required, path


@pytest.mark.parametrize("credentials", ["Token not-a-real-token", "Token", "Bearer abc"])
def test_a_bad_or_missing_token_is_a_401_that_says_how_to_authenticate(credentials: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=credentials)
    response = client.get("/api/v1/commitments/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert APIClient().get("/api/v1/commitments/").status_code == 401  # no credentials at all


def test_scrutiny_queries_about_a_board_or_a_kpi_match_the_schema(api_client_for: Any) -> None:
    # A query about a board has no KPI metric and no audit area: both are "", which the schema must allow.
    board = BoardFactory(chair=UserFactory())
    ScrutinyQueryFactory(subject_type="board", commitment=None, board=board, owner=board.chair)
    ScrutinyQueryFactory(
        subject_type="kpi",
        commitment=None,
        kpi_metric="positive_outcome_rate",
        kpi_filters={"strand": "rasso"},
        kpi_period="2025-26-Q2",
        owner=UserFactory(),
    )
    body = api_client_for(str(Role.OPCC_SCRUTINY)).get("/api/v1/scrutiny-queries/").json()
    assert len(body["results"]) == 2
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in _validator(_openapi(), "/api/v1/scrutiny-queries/").iter_errors(body)
    ]
    assert errors == []

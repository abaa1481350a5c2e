"""Every 4xx has the same shape: {"code", "detail", "fields"}."""

from clients.models import Role
from tests.factories import api_client_for, member

SHAPE = {"code", "detail", "fields"}


def test_validation_error_has_code_detail_and_field_messages(org_admin_client):
    response = org_admin_client.post("/api/v1/tokens/", {"days": 0}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] == "invalid"
    assert "user" in body["fields"]
    assert "days" in body["fields"]


def test_not_found_inside_the_api_has_the_same_shape(org_admin_client):
    response = org_admin_client.post("/api/v1/tokens/999999/revoke/")
    assert response.status_code == 404
    assert set(response.json()) == SHAPE
    assert response.json()["code"] == "not_found"


def test_unknown_url_has_the_same_shape(org_admin_client):
    response = org_admin_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert set(response.json()) == SHAPE


def test_unauthenticated_error_has_the_same_shape(anonymous_client, db):
    response = anonymous_client.get("/api/v1/tokens/")
    assert response.status_code == 401
    assert set(response.json()) == SHAPE


def test_forbidden_role_has_the_same_shape(organization):
    client = api_client_for(member(Role.CLINICIAN, organization))
    response = client.get("/api/v1/tokens/")
    assert response.status_code == 403
    assert set(response.json()) == SHAPE
    assert response.json()["code"] == "permission_denied"


def test_malformed_json_has_the_same_shape(org_admin_client):
    response = org_admin_client.post(
        "/api/v1/tokens/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()) == SHAPE
    assert response.json()["code"] == "parse_error"

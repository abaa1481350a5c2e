"""NUL and other control characters outside the URL: every header the service reads, and the
URLs embedded in a Bundle, answer a clean 4xx (PostgreSQL text cannot hold a NUL: a 500 there),
and a credential with one counts as a failed token."""

import pytest

from clients.models import AuditEvent, Role
from clients.models.audit import AuditAction
from tests.factories import OrganizationFactory, api_client_for, bearer
from tests.security.world import World

BAD = ["a\x00b", "a\x01b", "a\nb", "a\x7fb"]
HEADERS = ["User-Agent", "Idempotency-Key", "If-None-Exist", "X-Request-ID", "Accept-Language"]
PATIENT = {
    "resourceType": "Patient",
    "identifier": [{"system": "urn:mrn", "value": "1"}],
    "name": [{"family": "Silva", "given": ["Ana"]}],
    "birthDate": "1990-04-02",
}


def _meta(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


@pytest.mark.parametrize("header", HEADERS)
@pytest.mark.parametrize("value", BAD)
def test_a_control_character_in_any_header_is_a_400(header, value, db):
    api = api_client_for(World(OrganizationFactory()).user(Role.INTEGRATION))
    for url in ("/api/v1/clients/", "/fhir/Patient"):
        response = api.get(url, **{_meta(header): value})
        assert response.status_code == 400, (url, header)
    response = api.post("/fhir/Patient", PATIENT, format="json", **{_meta(header): value})
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"


def test_a_tab_in_a_header_is_allowed(db):
    api = api_client_for(World(OrganizationFactory()).user(Role.CLINICIAN))
    assert api.get("/api/v1/clients/", HTTP_USER_AGENT="curl\t8").status_code == 200


@pytest.mark.parametrize("value", BAD)
def test_a_control_character_in_authorization_is_a_failed_token(value, db):
    from rest_framework.test import APIClient

    token = bearer(World(OrganizationFactory()).user(Role.CLINICIAN))
    response = APIClient().get(
        "/api/v1/clients/", HTTP_AUTHORIZATION=f"Bearer {token[:10]}{value}{token[10:]}"
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 1


def test_malformed_credentials_count_towards_the_failed_token_limit(settings, db):
    from rest_framework.test import APIClient

    settings.BEARER_FAILURE_LIMIT = 3
    statuses = [
        APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer sk_\x00x").status_code
        for _ in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]


@pytest.mark.parametrize(
    "url",
    [
        "Patient?identifier=urn:mrn|%00",
        "Flag?patient=Patient/1%00",
        "QuestionnaireResponse?identifier=%01x",
        "Patient/1%00",
    ],
)
def test_a_control_character_in_a_bundle_entry_url_is_a_4xx_entry(url, library, db):
    api = api_client_for(World(OrganizationFactory()).user(Role.INTEGRATION))
    bundle = {
        "resourceType": "Bundle",
        "type": "batch",
        "entry": [{"request": {"method": "GET", "url": url}}],
    }
    response = api.post("/fhir/", bundle, format="json")
    assert response.status_code == 200
    assert response.json()["entry"][0]["response"]["status"][:1] == "4"


def test_a_control_character_in_a_bundle_entry_if_none_exist_is_a_400(library, db):
    api = api_client_for(World(OrganizationFactory()).user(Role.INTEGRATION))
    entry = {
        "resource": PATIENT,
        "request": {"method": "POST", "url": "Patient", "ifNoneExist": "identifier=urn:mrn|%00"},
    }
    response = api.post(
        "/fhir/", {"resourceType": "Bundle", "type": "batch", "entry": [entry]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["entry"][0]["response"]["status"].startswith("400")

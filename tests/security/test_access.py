"""One access and audit module (`clients/access.py`): every read of the REST API, FHIR and the
admin goes through its `audit_read` and names the credential it used (issue 14), so a read made
with a token someone else issued leads back to that token's issuance."""

from pathlib import Path

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from clients.access import CLINICAL_ROLES, AuditObject, request_credential
from clients.models import ApiToken, AuditEvent, Role
from content.models import ContentEntry
from tests.factories import ClientFactory, member

ROOT = Path(__file__).resolve().parents[2]


def last_read() -> AuditEvent:
    return AuditEvent.objects.filter(action="read").latest("pk")


def prefix_of(user) -> str:
    return ApiToken.objects.filter(user=user).latest("pk").prefix


@pytest.fixture
def record(organization):
    return ClientFactory(organization=organization)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/clients/{id}/",
        "/api/v1/clients/",
        "/api/v1/clients/{id}/timeline/",
        "/api/v1/flags/",
    ],
)
def test_a_rest_read_names_the_token_it_used(clinician, clinician_client, record, path):
    assert clinician_client.get(path.format(id=record.pk)).status_code == 200
    assert last_read().credential == f"token:{prefix_of(clinician)}"


@pytest.mark.parametrize("path", ["/fhir/Patient/{id}", "/fhir/Patient?_count=5"])
def test_a_fhir_read_names_the_token_it_used(integration, integration_client, record, path):
    response = integration_client.get(
        path.format(id=record.pk), HTTP_ACCEPT="application/fhir+json"
    )
    assert response.status_code == 200
    event = last_read()
    assert (event.object_type, event.credential) == ("client", f"token:{prefix_of(integration)}")


def test_a_read_through_a_signed_in_session_names_the_session(clinician, record):
    browser = APIClient()
    browser.force_login(clinician)
    assert browser.get(f"/api/v1/clients/{record.pk}/").status_code == 200
    assert last_read().credential == "session"


def test_a_read_with_a_token_someone_else_issued_leads_back_to_its_issuer(
    org_admin_client, org_admin, organization, record
):
    integration = member(Role.INTEGRATION, organization)
    issued = org_admin_client.post("/api/v1/tokens/", {"user": integration.username}, format="json")
    assert issued.status_code == 201, issued.json()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.json()['token']}")
    assert api.get(f"/api/v1/clients/{record.pk}/").status_code == 200
    read = last_read()
    assert read.actor == integration
    prefix = read.credential.removeprefix("token:")
    issuance = AuditEvent.objects.get(action="token_issued", detail__prefix=prefix)
    assert issuance.actor == org_admin


def test_a_request_without_a_credential_names_none(rf):
    request = rf.get("/")
    request.user = None
    assert request_credential(request) == ""


def test_the_clinical_roles_are_the_clinicians_and_integrations():
    assert set(CLINICAL_ROLES) == {Role.CLINICIAN, Role.INTEGRATION}


def test_reads_are_recorded_only_through_the_one_audit_read():
    # Any other module recording a read would be a second copy that could forget the credential.
    offenders = [
        str(path.relative_to(ROOT))
        for app in ("clients", "screening", "notifications", "content", "outbox", "config")
        for path in (ROOT / app).rglob("*.py")
        if "AuditAction.READ" in path.read_text() and path.name != "access.py"
    ]
    assert offenders == []


def test_every_content_entry_type_is_an_audited_object_type():
    entries = [
        m for m in apps.get_app_config("content").get_models() if issubclass(m, ContentEntry)
    ]
    assert {f"content_{model._meta.model_name}" for model in entries} <= set(AuditObject.values)


def test_every_object_type_written_is_an_audited_object_type(clinician_client, record):
    clinician_client.get(f"/api/v1/clients/{record.pk}/timeline/")
    written = set(AuditEvent.objects.values_list("object_type", flat=True)) - {""}
    assert written <= set(AuditObject.values)

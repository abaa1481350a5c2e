"""Who may issue whose API token (issue 14, section 2): an org admin issued a token for a
clinician and read every client record as that clinician. Org admins issue tokens only for
their integration clients; a person's token is issued by that person (a signed-in session, or
`manage.py issue_token`); revoking stays with org admins. Unknown fields are refused."""

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from clients.models import ApiToken, AuditEvent, Role
from tests.factories import api_client_for, bearer, member

PEOPLE = [Role.CLINICIAN, Role.ORG_ADMIN]


@pytest.mark.parametrize("role", PEOPLE)
def test_an_org_admin_cannot_issue_a_token_for_a_person(org_admin_client, organization, role):
    person = member(role, organization)
    response = org_admin_client.post("/api/v1/tokens/", {"user": person.username}, format="json")
    assert response.status_code == 400
    assert "issued by that person" in response.json()["fields"]["user"][0]
    assert not ApiToken.objects.filter(user=person).exists()
    assert not AuditEvent.objects.filter(action="token_issued", detail__user_id=person.pk).exists()


def test_an_org_admin_cannot_issue_a_token_for_themself_through_the_admin_route(
    org_admin, org_admin_client
):
    # Their own token is issued from their own session, where a leaked token cannot renew itself.
    response = org_admin_client.post("/api/v1/tokens/", {"user": org_admin.username}, format="json")
    assert response.status_code == 400


def test_the_proxy_read_is_closed_no_token_of_a_clinician_reaches_the_org_admin(
    org_admin_client, clinician
):
    response = org_admin_client.post("/api/v1/tokens/", {"user": clinician.username}, format="json")
    assert "token" not in response.json()


def test_an_org_admin_issues_a_token_for_an_integration_client_that_works(
    org_admin_client, integration
):
    response = org_admin_client.post(
        "/api/v1/tokens/", {"user": integration.username}, format="json"
    )
    assert response.status_code == 201
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
    assert api.get("/api/v1/me/").json()["username"] == integration.username


@pytest.mark.parametrize(
    "body",
    [
        {"user": "x", "scope": "all"},
        {"user": "x", "organization": 2},
        {"user": "x", "expires_at": "2099-01-01"},
    ],
)
def test_unknown_fields_in_a_token_request_are_a_400_naming_the_field(org_admin_client, body):
    response = org_admin_client.post("/api/v1/tokens/", body, format="json")
    assert response.status_code == 400
    (unknown,) = set(body) - {"user"}
    assert response.json()["fields"][unknown] == ["Unknown field."]


def test_a_person_issues_their_own_token_from_a_signed_in_session(client, clinician):
    client.force_login(clinician)
    response = client.post(
        "/api/v1/me/tokens/", {"name": "laptop", "days": 7}, content_type="application/json"
    )
    assert response.status_code == 201
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert token.user == clinician
    event = AuditEvent.objects.get(action="token_issued", object_id=token.pk)
    assert event.actor == clinician


def test_a_token_cannot_issue_another_token_for_its_owner(clinician_client):
    response = clinician_client.post("/api/v1/me/tokens/", {}, format="json")
    assert response.status_code == 403


def test_unknown_fields_in_an_own_token_request_are_a_400_naming_the_field(client, clinician):
    client.force_login(clinician)
    response = client.post(
        "/api/v1/me/tokens/", {"user": "someone-else"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"user": ["Unknown field."]}
    assert not ApiToken.objects.exists()


def test_the_command_line_still_issues_a_persons_token(clinician):
    out = io.StringIO()
    call_command("issue_token", clinician.username, stdout=out)
    assert out.getvalue().strip().startswith("sk_")
    assert ApiToken.objects.filter(user=clinician).count() == 1


def test_org_admins_still_revoke_a_persons_token(org_admin_client, clinician):
    raw = bearer(clinician)
    token = ApiToken.objects.get(user=clinician)
    assert org_admin_client.post(f"/api/v1/tokens/{token.pk}/revoke/").status_code == 200
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/me/").status_code == 401


def test_an_org_admin_of_another_organization_cannot_issue_for_an_integration(
    other_organization, integration
):
    outsider = api_client_for(member(Role.ORG_ADMIN, other_organization))
    response = outsider.post("/api/v1/tokens/", {"user": integration.username}, format="json")
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=integration).exists()


def test_a_person_lists_their_own_tokens_only(clinician, clinician_client, organization):
    bearer(member(Role.CLINICIAN, organization))
    listed = clinician_client.get("/api/v1/me/tokens/").json()["results"]
    assert [row["user"] for row in listed] == [clinician.username]
    assert all("token" not in row for row in listed)

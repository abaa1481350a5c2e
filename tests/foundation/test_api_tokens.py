from clients.models import ApiToken, AuditEvent, Role
from tests.factories import api_client_for, bearer, member


def test_org_admin_issues_a_token_for_an_integration_client_and_sees_it_once(
    org_admin_client, integration
):
    response = org_admin_client.post(
        "/api/v1/tokens/", {"user": integration.username, "days": 10}, format="json"
    )
    assert response.status_code == 201
    raw = response.json()["token"]
    listed = org_admin_client.get("/api/v1/tokens/").json()["results"]
    assert all("token" not in row for row in listed)
    assert ApiToken.objects.get(pk=response.json()["id"]).user == integration
    assert raw.startswith("sk_")


def test_org_admin_cannot_issue_a_token_for_another_organizations_user(
    org_admin_client, other_organization
):
    outsider = member(Role.CLINICIAN, other_organization)
    response = org_admin_client.post("/api/v1/tokens/", {"user": outsider.username}, format="json")
    assert response.status_code == 400
    assert "user" in response.json()["fields"]


def test_clinician_may_not_manage_tokens(clinician_client):
    assert clinician_client.get("/api/v1/tokens/").status_code == 403


def test_revoking_a_token_makes_it_stop_working(org_admin_client, clinician, anonymous_client):
    raw = bearer(clinician)
    token = ApiToken.objects.get(user=clinician)
    response = org_admin_client.post(f"/api/v1/tokens/{token.pk}/revoke/")
    assert response.status_code == 200
    anonymous_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert anonymous_client.get("/api/v1/me/").status_code == 401


def test_another_organizations_token_answers_404(org_admin_client, other_organization):
    outsider = member(Role.CLINICIAN, other_organization)
    bearer(outsider)
    token = ApiToken.objects.get(user=outsider)
    assert org_admin_client.post(f"/api/v1/tokens/{token.pk}/revoke/").status_code == 404
    assert org_admin_client.get(f"/api/v1/tokens/{token.pk}/").status_code == 404


def test_issuing_and_revoking_write_audit_events(org_admin, integration):
    client = api_client_for(org_admin)
    issued = client.post("/api/v1/tokens/", {"user": integration.username}, format="json").json()
    client.post(f"/api/v1/tokens/{issued['id']}/revoke/")
    actions = list(AuditEvent.objects.filter(actor=org_admin).values_list("action", flat=True))
    assert sorted(actions) == ["token_issued", "token_revoked"]

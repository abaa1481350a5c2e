"""Tokens an org admin issued for a person before issue 14's rule ("a person's token is issued by
that person"): an operator lists them and revokes them, audited (`manage.py proxy_tokens`)."""

import io
import secrets

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from clients.models import ApiToken, AuditEvent, Role
from clients.models.audit import AuditAction
from clients.services.audit import audit_record
from clients.services.tokens import token_digest, token_issue
from tests.factories import bearer, member


def issued_by_the_old_rule(*, user, actor) -> tuple[ApiToken, str]:
    """A token made as the earlier `token_issue` made it for an org admin: the row and its
    `token_issued` event naming the admin as the actor."""
    prefix = secrets.token_hex(6)
    raw = f"sk_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, prefix=prefix, digest=token_digest(raw))
    audit_record(
        actor=actor,
        organization=user.membership.organization,
        action=AuditAction.TOKEN_ISSUED,
        object_type="api_token",
        object_id=token.pk,
        detail={"user_id": user.pk, "prefix": prefix, "days": 30},
    )
    return token, raw


def proxy_tokens(*args: str) -> str:
    out = io.StringIO()
    call_command("proxy_tokens", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def proxy(org_admin, clinician):
    return issued_by_the_old_rule(user=clinician, actor=org_admin)


def test_a_token_an_org_admin_issued_for_a_clinician_is_listed_with_its_issuer(
    proxy, org_admin, clinician
):
    token, _ = proxy
    listing = proxy_tokens()
    assert f"token {token.prefix} of {clinician.username} issued by {org_admin.username}" in listing


def test_tokens_issued_the_allowed_ways_are_not_listed(org_admin, clinician, organization):
    own, _ = token_issue(user=clinician, actor=clinician)
    at_the_command_line, _ = token_issue(user=clinician, actor=None)
    integration = member(Role.INTEGRATION, organization)
    for_an_integration, _ = token_issue(user=integration, actor=org_admin)
    listing = proxy_tokens()
    assert "No live token of a person issued by someone else." in listing
    for token in (own, at_the_command_line, for_an_integration):
        assert token.prefix not in listing


def test_listing_revokes_nothing(proxy):
    proxy_tokens()
    assert ApiToken.objects.get(pk=proxy[0].pk).revoked_at is None


def test_revoke_stops_the_token_and_audits_why(proxy, clinician):
    token, raw = proxy
    proxy_tokens("--revoke")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/me/").status_code == 401
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKED, object_id=str(token.pk))
    assert event.actor is None
    assert event.detail["user_id"] == clinician.pk
    assert "issued for a person by another user" in event.detail["reason"]


def test_a_revoked_token_is_not_listed_again(proxy):
    proxy_tokens("--revoke")
    assert proxy[0].prefix not in proxy_tokens()


def test_the_organization_option_limits_the_listing(proxy, other_organization):
    other_admin = member(Role.ORG_ADMIN, other_organization)
    other, _ = issued_by_the_old_rule(
        user=member(Role.CLINICIAN, other_organization), actor=other_admin
    )
    listing = proxy_tokens("--organization", other_organization.slug)
    assert other.prefix in listing
    assert proxy[0].prefix not in listing


def test_the_persons_own_tokens_survive_a_revoke(proxy, clinician):
    own = bearer(clinician)
    proxy_tokens("--revoke")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {own}")
    assert api.get("/api/v1/me/").status_code == 200

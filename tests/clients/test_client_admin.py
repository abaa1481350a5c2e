"""The Django admin around the services (issue 14, section 2). Client records are not in the
admin at all (clinical data belongs to the clinical interfaces, which audit every read); users,
memberships and organizations are saved through the services, so a new member or a role change
made there leaves an audit event like one made any other way."""

import json

import pytest
from django.test import Client as BrowserClient

from clients.models import AuditEvent, Membership, Organization, Role, User
from tests.factories import UserFactory, member


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def browser(superuser):
    browser = BrowserClient()
    browser.force_login(superuser)
    return browser


@pytest.mark.parametrize(
    "url",
    [
        "/admin/clients/client/",
        "/admin/clients/client/?family_name__startswith=S",
        "/admin/clients/client/1/change/",
        "/admin/clients/clientidentifier/",
    ],
)
def test_client_records_are_not_in_the_admin_even_for_a_superuser(browser, client_record, url):
    assert browser.get(url).status_code == 404
    assert client_record.family_name not in browser.get("/admin/").content.decode()


def inline(prefix: str = "membership", **fields) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": "1" if fields else "0",
        f"{prefix}-INITIAL_FORMS": "1" if fields.get("id") else "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1",
    }
    for key, value in fields.items():
        data[f"{prefix}-0-{key}"] = value
    return data


def user_form(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_role_change_in_the_admin_leaves_an_audit_event(browser, superuser, organization):
    clinician = member(Role.CLINICIAN, organization)
    membership = clinician.membership
    data = user_form(clinician) | inline(
        id=str(membership.pk),
        user=str(clinician.pk),
        organization=str(organization.pk),
        role=Role.ORG_ADMIN,
    )
    response = browser.post(f"/admin/clients/user/{clinician.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    membership.refresh_from_db()
    assert membership.role == Role.ORG_ADMIN
    event = AuditEvent.objects.get(object_type="membership", action="update")
    assert event.actor == superuser
    assert event.organization == organization
    assert event.detail["role"] == Role.ORG_ADMIN
    assert event.detail["previous_role"] == Role.CLINICIAN


def test_a_new_member_added_in_the_admin_leaves_an_audit_event(browser, organization):
    account = UserFactory()
    data = user_form(account) | inline(organization=str(organization.pk), role=Role.CLINICIAN)
    response = browser.post(f"/admin/clients/user/{account.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Membership.objects.get(user=account).role == Role.CLINICIAN
    event = AuditEvent.objects.get(object_type="membership", action="create")
    assert (event.organization, event.detail["username"]) == (organization, account.username)


def test_an_account_change_in_the_admin_is_audited_without_the_password(browser, organization):
    clinician = member(Role.CLINICIAN, organization)
    data = user_form(clinician, email="new@example.org") | inline(
        id=str(clinician.membership.pk),
        user=str(clinician.pk),
        organization=str(organization.pk),
        role=Role.CLINICIAN,
    )
    assert browser.post(f"/admin/clients/user/{clinician.pk}/change/", data).status_code == 302
    event = AuditEvent.objects.get(object_type="user", action="update")
    assert "email" in event.detail["changed"]
    assert not AuditEvent.objects.filter(object_type="membership").exists()


def test_an_account_created_in_the_admin_is_audited(browser):
    response = browser.post(
        "/admin/clients/user/add/",
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        }
        | inline(),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="newcomer")
    event = AuditEvent.objects.get(object_type="user", action="create", object_id=user.pk)
    assert event.detail["username"] == "newcomer"
    assert "a-long-passphrase-9" not in json.dumps(event.detail)


def test_an_organization_created_and_renamed_in_the_admin_is_audited(browser, superuser):
    response = browser.post("/admin/clients/organization/add/", {"slug": "north", "name": "North"})
    assert response.status_code == 302, response.content.decode()[:3000]
    organization = Organization.objects.get(slug="north")
    created = AuditEvent.objects.get(object_type="organization", action="create")
    assert (created.organization, created.actor) == (organization, superuser)
    browser.post(
        f"/admin/clients/organization/{organization.pk}/change/",
        {"slug": "north", "name": "North Clinic"},
    )
    organization.refresh_from_db()
    assert organization.name == "North Clinic"
    renamed = AuditEvent.objects.get(object_type="organization", action="update")
    assert renamed.detail == {"changed": ["name"]}


def test_users_and_organizations_cannot_be_deleted_in_the_admin(browser, organization):
    account = UserFactory()
    browser.post(f"/admin/clients/user/{account.pk}/delete/", {"post": "yes"})
    browser.post(f"/admin/clients/organization/{organization.pk}/delete/", {"post": "yes"})
    assert User.objects.filter(pk=account.pk).exists()
    assert Organization.objects.filter(pk=organization.pk).exists()

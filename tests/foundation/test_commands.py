from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clients.models import ApiToken, AuditEvent, Organization, User
from clients.services.tokens import token_digest


def run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def test_create_organization_creates_it(db):
    run("create_organization", "north", name="North Clinic")
    assert Organization.objects.get(slug="north").name == "North Clinic"


def test_create_organization_refuses_a_duplicate_slug(db):
    run("create_organization", "north", name="North Clinic")
    with pytest.raises(CommandError):
        run("create_organization", "north", name="Again")


def test_create_user_makes_a_member_with_the_role(db):
    run("create_organization", "north", name="North Clinic")
    run("create_user", "ana", org="north", role="clinician")
    user = User.objects.get(username="ana")
    assert user.membership.role == "clinician"
    assert user.membership.organization.slug == "north"
    assert not user.has_usable_password()


def test_create_user_reads_the_password_from_the_named_variable(db, monkeypatch):
    monkeypatch.setenv("ANA_PASSWORD", "a long passphrase for ana")
    run("create_organization", "north", name="North Clinic")
    run("create_user", "ana", org="north", role="org_admin", password_from_env="ANA_PASSWORD")
    assert User.objects.get(username="ana").check_password("a long passphrase for ana")


def test_create_user_makes_a_global_instrument_admin_without_membership(db):
    run("create_user", "lib", role="instrument_admin")
    user = User.objects.get(username="lib")
    assert user.is_instrument_admin
    assert user.is_staff
    assert not hasattr(user, "membership")


def test_create_user_needs_an_existing_organization(db):
    with pytest.raises(CommandError):
        run("create_user", "ana", org="nowhere", role="clinician")


def test_issue_token_prints_the_token_alone_and_stores_only_its_digest(db):
    run("create_organization", "north", name="North Clinic")
    run("create_user", "ana", org="north", role="clinician")
    output = run("issue_token", "ana", days=7)
    raw = output.strip()
    assert output == raw + "\n"
    assert raw.startswith("sk_")
    assert ApiToken.objects.get(user__username="ana").digest == token_digest(raw)


def test_issued_token_authenticates_api_calls(db, anonymous_client):
    run("create_organization", "north", name="North Clinic")
    run("create_user", "ana", org="north", role="clinician")
    raw = run("issue_token", "ana").strip()
    anonymous_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert anonymous_client.get("/api/v1/me/").json()["organization"] == "north"


def test_seed_demo_can_run_twice(db):
    first = run("seed_demo")
    second = run("seed_demo")
    assert "Clinician token" in first
    assert "Clinician token" in second
    assert User.objects.filter(username="demo-clinician").count() == 1


def test_seed_demo_says_how_to_get_into_the_admin_on_every_run(db):
    first = run("seed_demo")
    second = run("seed_demo")
    assert "Django admin login (shown once): demo-librarian / " in first
    assert "shown once" not in second
    for output in (first, second):
        assert "python manage.py set_password demo-librarian" in output


def test_set_password_prints_a_new_password_that_logs_in(db, client):
    run("seed_demo")
    output = run("set_password", "demo-librarian")
    password = output.strip().rsplit(" ", 1)[-1]
    assert output.startswith("New password for demo-librarian (shown once): ")
    assert User.objects.get(username="demo-librarian").check_password(password)
    assert client.login(username="demo-librarian", password=password)


def test_set_password_reads_the_password_from_the_named_variable(db, monkeypatch):
    run("seed_demo")
    monkeypatch.setenv("LIB_PASSWORD", "a long passphrase for the librarian")
    output = run("set_password", "demo-librarian", password_from_env="LIB_PASSWORD")
    assert "a long passphrase" not in output
    user = User.objects.get(username="demo-librarian")
    assert user.check_password("a long passphrase for the librarian")


def test_set_password_is_audited_without_the_password(db):
    run("seed_demo")
    user = User.objects.get(username="demo-clinician")
    output = run("set_password", "demo-clinician")
    password = output.strip().rsplit(" ", 1)[-1]
    event = AuditEvent.objects.filter(object_type="user", object_id=str(user.pk)).latest("id")
    assert event.action == "update"
    assert event.detail == {"username": "demo-clinician", "changed": ["password"]}
    assert event.organization.slug == "demo"
    assert password not in str(event.detail)


def test_set_password_refuses_a_weak_password_and_an_unknown_user(db, monkeypatch):
    run("seed_demo")
    monkeypatch.setenv("WEAK", "password")
    with pytest.raises(CommandError, match="too common"):
        run("set_password", "demo-librarian", password_from_env="WEAK")
    with pytest.raises(CommandError, match="No user"):
        run("set_password", "nobody")

"""Sign-ins are audited, password guessing locks out, failed bearer tokens are audited by prefix
and throttled per address, and issuing tokens is rate-limited."""

import pytest
from django.contrib.auth import authenticate

from clients.models import AuditEvent, Role
from clients.services.tokens import token_issue
from config.throttling import ScopedWriteRateThrottle
from tests.factories import UserFactory, api_client_for, member

PASSWORD = "correct horse battery staple"
LOGIN_URLS = ["/api/auth/login/", "/admin/login/"]


def log_in(client, username: str, password: str, url: str = "/api/auth/login/", ip="10.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def staff(organization):
    """A member who may also use the Django admin."""
    user = member(Role.CLINICIAN, organization)
    user.is_staff = True
    user.save()
    return user


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_a_session_login_is_audited(client, staff, organization, url):
    log_in(client, staff.username, PASSWORD, url)
    assert signed_in(client)
    event = AuditEvent.objects.get(action="login")
    assert (event.actor, event.organization, event.object_type) == (staff, organization, "session")
    assert event.ip == "10.0.0.1"


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_a_failed_login_is_audited_without_the_password(client, staff, organization, url):
    log_in(client, staff.username, "wrong password here", url)
    assert not signed_in(client)
    event = AuditEvent.objects.get(action="login_failed")
    assert (event.actor, event.actor_label, event.organization) == (
        None,
        staff.username,
        organization,
    )
    assert event.outcome == "failure"
    assert "wrong password" not in str(vars(event))


def test_a_failed_login_for_an_unknown_username_belongs_to_no_organization(client, db):
    log_in(client, "nobody-here", "whatever")
    event = AuditEvent.objects.get(action="login_failed")
    assert (event.organization, event.actor_label) == (
        None,
        "nobody-here",
    )


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_five_failures_lock_the_username_out_from_that_address(client, staff, url):
    for _ in range(5):
        log_in(client, staff.username, "wrong", url)
    response = log_in(client, staff.username, PASSWORD, url)
    assert not signed_in(client)
    assert response.status_code == 200  # the form again, as for a wrong password: no hint
    # Only the five real failures are audited; the attempt while locked is not another row.
    events = AuditEvent.objects.filter(action="login_failed").order_by("pk")
    assert [e.detail["locked_out"] for e in events] == [False] * 4 + [True]
    assert events.last().outcome == "denied"


def test_the_lockout_is_per_username_and_address(client, staff, organization):
    other = member(Role.CLINICIAN, organization)
    for _ in range(5):
        log_in(client, staff.username, "wrong")
    log_in(client, other.username, PASSWORD)
    assert signed_in(client)
    client.logout()
    log_in(client, staff.username, PASSWORD, ip="10.0.0.2")
    assert signed_in(client)


def test_the_lockout_ignores_case(client, staff):
    for _ in range(5):
        log_in(client, staff.username.upper(), "wrong")
    log_in(client, staff.username, PASSWORD)
    assert not signed_in(client)


def test_the_lockout_ends(client, staff, settings):
    from django.core.cache import cache

    for _ in range(5):
        log_in(client, staff.username, "wrong")
    cache.clear()  # as the lock's 15 minutes running out would
    log_in(client, staff.username, PASSWORD)
    assert signed_in(client)


def test_a_success_starts_the_count_again(client, staff):
    for _ in range(4):
        log_in(client, staff.username, "wrong")
    log_in(client, staff.username, PASSWORD)
    client.logout()
    for _ in range(4):
        log_in(client, staff.username, "wrong")
    log_in(client, staff.username, PASSWORD)
    assert signed_in(client)


def test_many_usernames_from_one_address_lock_the_address(client, staff, settings):
    settings.LOGIN_IP_FAILURES = 3
    for n in range(3):
        log_in(client, f"guess-{n}", "wrong")
    log_in(client, staff.username, PASSWORD)
    assert not signed_in(client)
    log_in(client, staff.username, PASSWORD, ip="10.0.0.9")
    assert signed_in(client)


def test_the_backend_refuses_a_locked_username_even_with_the_right_password(rf, staff):
    request = rf.post("/admin/login/", REMOTE_ADDR="10.0.0.1")
    for _ in range(5):
        assert authenticate(request, username=staff.username, password="wrong") is None
    assert authenticate(request, username=staff.username, password=PASSWORD) is None
    request.META["REMOTE_ADDR"] = "10.0.0.3"
    assert authenticate(request, username=staff.username, password=PASSWORD) == staff


# -- bearer tokens ---------------------------------------------------------------------------


def me(api, token: str, ip: str = "10.0.0.1"):
    return api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=ip)


def test_a_failed_bearer_token_is_audited_by_prefix_only(anonymous_client, db):
    token = "sk_0123456789ab_this-secret-must-not-be-stored"
    assert me(anonymous_client, token).status_code == 401
    event = AuditEvent.objects.get(action="login_failed")
    assert (event.object_type, event.organization, event.outcome) == ("api_token", None, "failure")
    assert event.detail == {"prefix": "0123456789ab", "reason": "unknown"}
    assert "this-secret" not in str(vars(event))


def test_a_wrong_secret_for_a_real_prefix_is_recorded_in_the_tokens_organization(
    anonymous_client, clinician, organization
):
    token, raw = token_issue(user=clinician, actor=None)
    forged = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    assert me(anonymous_client, forged).status_code == 401
    event = AuditEvent.objects.get(action="login_failed")
    assert (event.organization, event.object_id) == (organization, str(token.pk))
    assert event.detail == {"prefix": token.prefix, "reason": "wrong_secret"}


def test_a_revoked_token_is_recorded_as_revoked(anonymous_client, clinician):
    from clients.services.tokens import token_revoke

    token, raw = token_issue(user=clinician, actor=None)
    token_revoke(token=token, actor=None)
    me(anonymous_client, raw)
    assert AuditEvent.objects.get(action="login_failed").detail["reason"] == "revoked"


def test_failed_tokens_past_the_limit_answer_429_and_valid_tokens_still_work(
    anonymous_client, clinician, settings
):
    settings.BEARER_FAILURE_LIMIT = 3
    answers = [me(anonymous_client, f"sk_{n:012d}_nope").status_code for n in range(5)]
    assert answers == [401, 401, 401, 429, 429]
    throttled = me(anonymous_client, "sk_000000000009_nope")
    assert set(throttled.json()) == {"code", "detail", "fields"}
    assert throttled.json()["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0
    # Only the failures up to the limit are audited one by one.
    assert AuditEvent.objects.filter(action="login_failed").count() == 3
    # The address's failures do not lock out a valid credential, nor other addresses.
    assert me(anonymous_client, token_issue(user=clinician, actor=None)[1]).status_code == 200
    assert me(anonymous_client, "sk_000000000010_nope", ip="10.0.0.2").status_code == 401


def test_issuing_tokens_is_rate_limited(organization, monkeypatch):
    monkeypatch.setattr(ScopedWriteRateThrottle, "THROTTLE_RATES", {"tokens": "2/hour"})
    admin = api_client_for(member(Role.ORG_ADMIN, organization))
    ehr = member(Role.INTEGRATION, organization)
    answers = [
        admin.post("/api/v1/tokens/", {"user": ehr.username}, format="json").status_code
        for _ in range(3)
    ]
    assert answers == [201, 201, 429]
    assert admin.get("/api/v1/tokens/").status_code == 200  # reading is not throttled


def test_force_login_is_audited_too(client, db):
    user = UserFactory(is_instrument_admin=True, is_staff=True)
    client.force_login(user)
    event = AuditEvent.objects.get(action="login")
    assert (event.actor, event.organization) == (user, None)

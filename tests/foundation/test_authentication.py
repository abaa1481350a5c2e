from datetime import timedelta

import pytest
from django.utils import timezone

from clients.models import ApiToken
from clients.services.tokens import token_issue, token_revoke
from tests.factories import bearer

ME = "/api/v1/me/"


def test_unauthenticated_api_call_gets_401_with_bearer_challenge(anonymous_client, db):
    response = anonymous_client.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["code"] == "not_authenticated"


def test_valid_token_authenticates_as_its_user(anonymous_client, clinician):
    anonymous_client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(clinician)}")
    response = anonymous_client.get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == clinician.username
    assert response.json()["role"] == "clinician"


def test_expired_token_gets_401(anonymous_client, clinician):
    token, raw = token_issue(user=clinician, actor=None, days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    anonymous_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert anonymous_client.get(ME).status_code == 401


def test_revoked_token_gets_401(anonymous_client, clinician):
    token, raw = token_issue(user=clinician, actor=None)
    token_revoke(token=token, actor=None)
    anonymous_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert anonymous_client.get(ME).status_code == 401


def test_token_of_deactivated_user_gets_401(anonymous_client, clinician):
    raw = bearer(clinician)
    clinician.is_active = False
    clinician.save()
    anonymous_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert anonymous_client.get(ME).status_code == 401


def test_token_with_right_prefix_but_wrong_secret_gets_401(anonymous_client, clinician):
    _, raw = token_issue(user=clinician, actor=None)
    forged = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    anonymous_client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert anonymous_client.get(ME).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Bearer not-a-token", "Bearer sk_short_x", "Bearer \u00e9\u00e9"],
)
def test_malformed_authorization_header_gets_401(anonymous_client, db, header):
    response = anonymous_client.get(ME, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert set(response.json()) == {"code", "detail", "fields"}


def test_stored_token_is_a_digest_not_the_token(clinician):
    token, raw = token_issue(user=clinician, actor=None)
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in {stored.digest, stored.prefix, stored.name}
    assert len(stored.digest) == 64
    assert stored.prefix in raw


def test_using_a_token_records_when_it_was_last_used(anonymous_client, clinician):
    token, raw = token_issue(user=clinician, actor=None)
    anonymous_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    anonymous_client.get(ME)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_session_login_works_for_the_browsable_api(client, clinician):
    client.force_login(clinician)
    response = client.get(ME, HTTP_ACCEPT="application/json")
    assert response.status_code == 200


def test_tokens_whose_secret_contains_underscores_authenticate(anonymous_client, clinician):
    raws = [token_issue(user=clinician, actor=None)[1] for _ in range(40)]
    with_underscore = [raw for raw in raws if "_" in raw.split("_", 2)[2]]
    assert with_underscore, "40 random secrets without '_' is vanishingly unlikely"
    anonymous_client.credentials(HTTP_AUTHORIZATION=f"Bearer {with_underscore[0]}")
    assert anonymous_client.get(ME).status_code == 200

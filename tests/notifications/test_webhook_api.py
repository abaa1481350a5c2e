"""The webhooks API (org admins): endpoints with a secret shown once, URLs checked, the delivery
log, redelivery, every call audited."""

import pytest
from django.utils import timezone

from clients.models import AuditEvent
from notifications.crypto import decrypt
from notifications.models import Channel, Delivery, WebhookEndpoint
from outbox.models import OutboxEvent

URL = "/api/v1/webhooks/"
HOOK = {"url": "https://hooks.example.org/screening", "event_types": ["flag.raised"]}


def test_registering_an_endpoint_shows_its_secret_once(org_admin_client, settings):
    settings.WEBHOOK_REQUIRE_HTTPS = True

    created = org_admin_client.post(URL, HOOK, format="json")

    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    assert secret.startswith("whsec_")
    endpoint = WebhookEndpoint.objects.get()
    assert secret not in endpoint.secret_encrypted  # encrypted at rest
    assert decrypt(endpoint.secret_encrypted) == secret
    shown = org_admin_client.get(f"{URL}{endpoint.pk}/").json()
    listed = org_admin_client.get(URL).json()["results"]
    assert "secret" not in shown
    assert all("secret" not in row for row in listed)
    assert AuditEvent.objects.filter(object_type="webhook_endpoint", action="create").exists()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://hooks.example.org/", "https"),
        ("https://127.0.0.1/hook", "loopback"),
        ("https://10.0.0.8/hook", "private"),
        ("https://169.254.169.254/latest", "link-local"),
        ("https://localhost/hook", "localhost"),
        ("ftp://hooks.example.org/", "https"),
    ],
)
def test_urls_that_could_not_be_called_in_production_are_refused(
    org_admin_client, settings, url, says
):
    settings.WEBHOOK_REQUIRE_HTTPS = True
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False

    response = org_admin_client.post(URL, {**HOOK, "url": url}, format="json")

    assert response.status_code == 400, response.content
    assert says in response.json()["fields"]["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_an_unknown_event_type_is_refused(org_admin_client):
    response = org_admin_client.post(URL, {**HOOK, "event_types": ["flag.eaten"]}, format="json")

    assert response.status_code == 400
    assert "event_types.0" in response.json()["fields"]


def test_re_enabling_a_disabled_endpoint_clears_its_failures(org_admin_client):
    endpoint_id = org_admin_client.post(URL, HOOK, format="json").json()["id"]
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(
        active=False, failure_streak=20, disabled_reason="20 attempts in a row failed"
    )

    response = org_admin_client.patch(f"{URL}{endpoint_id}/", {"active": True}, format="json")

    assert response.status_code == 200
    assert (response.json()["active"], response.json()["failure_streak"]) == (True, 0)
    assert response.json()["disabled_reason"] == ""


def test_a_removed_endpoint_leaves_the_api(org_admin_client):
    endpoint_id = org_admin_client.post(URL, HOOK, format="json").json()["id"]

    assert org_admin_client.delete(f"{URL}{endpoint_id}/").status_code == 204

    assert org_admin_client.get(f"{URL}{endpoint_id}/").status_code == 404
    assert org_admin_client.get(URL).json()["results"] == []


def _delivery(endpoint: WebhookEndpoint) -> Delivery:
    now = timezone.now()
    event = OutboxEvent.objects.create(
        organization=endpoint.organization,
        type="flag.raised",
        subject_type="flag",
        subject_id=1,
        occurred_at=now,
        enqueued_at=now,
    )
    return Delivery.objects.create(
        organization=endpoint.organization,
        event=event,
        channel=Channel.WEBHOOK,
        endpoint=endpoint,
        message_id="msg_test",
        status="failed",
        next_attempt_at=now,
        enqueued_at=now,
        created_at=now,
        retry_until=now,
    )


def test_redelivering_to_a_disabled_endpoint_is_a_conflict(org_admin_client):
    endpoint_id = org_admin_client.post(URL, HOOK, format="json").json()["id"]
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    delivery = _delivery(endpoint)
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(active=False)

    response = org_admin_client.post(f"{URL}deliveries/{delivery.pk}/redeliver/")

    assert response.status_code == 409
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_a_delivery_list_filter_that_is_not_an_id_is_a_400(org_admin_client):
    response = org_admin_client.get(f"{URL}deliveries/?endpoint=x")

    assert response.status_code == 400
    assert "endpoint" in response.json()["fields"]


def test_what_webhooks_write_to_the_audit_trail_reads_back_through_its_api(org_admin_client):
    """Schemathesis found an action the audit API's schema did not list: every action written
    here must be one the trail's API documents."""
    from clients.models.audit import AuditAction

    endpoint_id = org_admin_client.post(URL, HOOK, format="json").json()["id"]
    org_admin_client.patch(f"{URL}{endpoint_id}/", {"description": "EHR"}, format="json")
    org_admin_client.delete(f"{URL}{endpoint_id}/")

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert actions <= set(AuditAction.values)
    assert org_admin_client.get("/api/v1/audit-events/").status_code == 200

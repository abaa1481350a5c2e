"""FHIR R4 Subscription (rest-hook), end to end: created requested, activated by the worker,
notified of a new urgent Flag on a real receiver."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications.models import FhirSubscription
from screening.fhir import validate_resource
from tests.factories import OrganizationFactory
from tests.notifications.conftest import run_worker
from tests.notifications.helpers import URGENT_PHQ9, Clinic

FHIR = "application/fhir+json"


def subscription(endpoint: str, **changes) -> dict:
    return {
        "resourceType": "Subscription",
        "status": "requested",
        "reason": "Tell the EHR about urgent flags at once",
        "criteria": "Flag?status=active",
        "channel": {
            "type": "rest-hook",
            "endpoint": endpoint,
            "payload": FHIR,
            "header": ["Authorization: Bearer ehr-inbound-secret"],
        },
    } | changes


def post(api, resource: dict):
    return api.post("/fhir/Subscription", json.dumps(resource), content_type=FHIR)


@pytest.mark.django_db(transaction=True)
def test_a_subscription_is_notified_of_a_new_urgent_flag(library, receiver):
    clinic = Clinic(OrganizationFactory())
    created = post(clinic.integration, subscription(receiver.url))
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "requested"
    location = created["Location"]

    run_worker()  # activation
    shown = clinic.integration.get(f"/fhir/Subscription/{created.json()['id']}").json()
    assert shown["status"] == "active"
    assert shown["channel"]["header"] == ["Authorization: [hidden]"]

    flag = clinic.submit(URGENT_PHQ9)["flags"][0]
    run_worker()

    (notification,) = receiver.wait_for(1)
    assert notification.headers["content-type"].startswith(FHIR)
    assert notification.headers["authorization"] == "Bearer ehr-inbound-secret"
    resource = json.loads(notification.body)
    validate_resource(resource)
    assert resource["resourceType"] == "Flag"
    assert resource["id"] == str(flag["id"])
    assert resource["status"] == "active"
    assert resource["subject"] == {"reference": f"Patient/{clinic.client.pk}"}
    assert location.endswith(f"/fhir/Subscription/{created.json()['id']}")


@pytest.mark.django_db(transaction=True)
def test_a_subscription_whose_receiver_keeps_failing_goes_to_error_with_a_reason(
    library, receiver, settings
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2
    receiver.statuses = [500]
    clinic = Clinic(OrganizationFactory())
    created = post(clinic.integration, subscription(receiver.url)).json()
    run_worker()
    clinic.submit(URGENT_PHQ9)
    run_worker()
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        run_worker()

    shown = clinic.integration.get(f"/fhir/Subscription/{created['id']}").json()
    assert shown["status"] == "error"
    assert "2 attempts in a row failed" in shown["error"]
    assert "HTTP 500" in shown["error"]


def test_an_endpoint_on_a_private_address_ends_in_error_when_private_networks_are_refused(
    integration_client, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    from notifications.services.subscriptions import subscription_activate

    created = post(integration_client, subscription("http://127.0.0.1:8599/hook")).json()
    assert subscription_activate(int(created["id"])) == "error"

    shown = integration_client.get(f"/fhir/Subscription/{created['id']}").json()
    assert shown["status"] == "error"
    assert "loopback" in shown["error"]


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"criteria": "Patient?name=x"}, "Subscription.criteria"),
        ({"status": "active"}, "Subscription.status"),
        (
            {"channel": {"type": "email", "endpoint": "mailto:x@example.org"}},
            "Subscription.channel.type",
        ),
        (
            {"channel": {"type": "rest-hook", "endpoint": "http://x.test/", "payload": "xml"}},
            "Subscription.channel.payload",
        ),
    ],
)
def test_a_subscription_the_server_cannot_honour_is_refused_naming_the_element(
    integration_client, changes, where
):
    response = post(integration_client, subscription("http://hooks.example.org/", **changes))

    assert response.status_code == 422, response.content
    expressions = [e for i in response.json()["issue"] for e in i.get("expression", [])]
    assert where in expressions
    assert not FhirSubscription.objects.exists()


def test_clinicians_cannot_subscribe(clinician_client):
    response = post(clinician_client, subscription("http://hooks.example.org/"))

    assert response.status_code == 403


def test_deleting_a_subscription_turns_it_off(integration_client):
    created = post(integration_client, subscription("http://hooks.example.org/")).json()

    response = integration_client.delete(f"/fhir/Subscription/{created['id']}")

    assert response.status_code == 204
    assert integration_client.get(f"/fhir/Subscription/{created['id']}").status_code == 410
    assert FhirSubscription.objects.get(pk=created["id"]).status == "off"


def test_the_capability_statement_lists_subscription(anonymous_client):
    statement = anonymous_client.get("/fhir/metadata").json()

    (entry,) = [r for r in statement["rest"][0]["resource"] if r["type"] == "Subscription"]
    assert {i["code"] for i in entry["interaction"]} == {
        "read",
        "search-type",
        "create",
        "delete",
    }
    assert "rest-hook" in entry["documentation"]

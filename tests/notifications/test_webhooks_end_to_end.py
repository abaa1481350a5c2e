"""Webhooks end to end: the API, the outbox, the database queue's own worker loop, a real HTTP
receiver on loopback, and signatures checked by an independent implementation.

Transactional: events leave on commit and the worker commits, as in production."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from notifications.models import Delivery, DeliveryStatus
from outbox.models import OutboxEvent
from screening.models import InstrumentVersion
from screening.services.screenings import screening_start
from tests.factories import OrganizationFactory
from tests.notifications.conftest import run_worker
from tests.notifications.helpers import URGENT_PHQ9, Clinic, hmac_verify

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clinic(library):
    return Clinic(OrganizationFactory())


def test_an_urgent_phq9_sends_one_signed_flag_raised_delivery(clinic, receiver):
    endpoint = clinic.register_webhook(receiver.url)
    submitted = clinic.submit(URGENT_PHQ9)

    run_worker()

    (request,) = receiver.wait_for(1)
    assert len(receiver.requests) == 1
    payload = Webhook(endpoint["secret"]).verify(request.body, request.headers)
    assert hmac_verify(endpoint["secret"], request.headers, request.body)
    assert payload["type"] == "flag.raised"
    flag = payload["data"]["flag"]
    assert flag["severity"] == "urgent"
    assert flag["id"] == submitted["flags"][0]["id"]
    assert payload["data"]["client"] == {"id": clinic.client.pk}
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"].startswith("msg_")


def test_a_webhook_payload_carries_ids_and_codes_not_the_clients_name(clinic, receiver):
    clinic.register_webhook(receiver.url, events=("flag.raised", "screening.completed"))
    clinic.submit(URGENT_PHQ9)

    run_worker()

    requests = receiver.wait_for(2)
    assert {json.loads(r.body)["type"] for r in requests} == {"flag.raised", "screening.completed"}
    for request in requests:
        text = request.body.decode()
        assert clinic.client.given_name not in text
        assert clinic.client.family_name not in text
        assert str(clinic.client.birth_date) not in text


def test_a_receiver_answering_500_then_200_gets_the_same_webhook_id_twice(clinic, receiver):
    receiver.statuses = [500, 200]
    endpoint = clinic.register_webhook(receiver.url)
    clinic.submit(URGENT_PHQ9)

    run_worker()
    assert len(receiver.wait_for(1)) == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        run_worker()  # the retry was queued with run_after: due now
        first, second = receiver.wait_for(2)

        assert first.headers["webhook-id"] == second.headers["webhook-id"]
        assert Webhook(endpoint["secret"]).verify(second.body, second.headers)
        log = clinic.admin.get(f"/api/v1/webhooks/deliveries/?endpoint={endpoint['id']}").json()
    (delivery,) = log["results"]
    assert delivery["status"] == "delivered"
    assert delivery["webhook_id"] == first.headers["webhook-id"]
    assert [a["status_code"] for a in delivery["attempt_log"]] == [500, 200]
    assert [a["succeeded"] for a in delivery["attempt_log"]] == [False, True]
    assert all(a["latency_ms"] >= 0 for a in delivery["attempt_log"])


def submit_then_fail(clinic: Clinic) -> None:
    version = InstrumentVersion.objects.get(instrument__code="phq9", status="published")
    with transaction.atomic():
        screening_start(
            organization=clinic.organization,
            client=clinic.client,
            version=version,
            mode="clinician",
            actor=clinic.clinician_user,
            answers=URGENT_PHQ9,
            submit=True,
        )
        raise RuntimeError("something after the submit failed")


def test_a_rolled_back_submit_sends_nothing(clinic, receiver):
    clinic.register_webhook(receiver.url, events=("flag.raised", "screening.completed"))

    with pytest.raises(RuntimeError, match="after the submit"):
        submit_then_fail(clinic)
    run_worker()

    assert not OutboxEvent.objects.exists()
    assert receiver.wait_for(1, timeout=0.5) == []


def test_with_the_worker_stopped_the_delivery_waits_and_arrives_once_it_runs(clinic, receiver):
    clinic.register_webhook(receiver.url)
    clinic.submit(URGENT_PHQ9)

    # No worker: the event is stored and its dispatch queued, nothing is sent.
    assert receiver.wait_for(1, timeout=0.5) == []
    assert OutboxEvent.objects.filter(type="flag.raised", dispatched_at__isnull=True).exists()

    run_worker()  # the worker starts again

    assert len(receiver.wait_for(1)) == 1


def test_an_event_whose_dispatch_task_was_lost_is_delivered_after_the_sweep(clinic, receiver):
    from django_tasks_db.models import DBTaskResult

    from outbox.services import outbox_sweep

    clinic.register_webhook(receiver.url)
    clinic.submit(URGENT_PHQ9)
    DBTaskResult.objects.all().delete()  # the queue lost the dispatch (a crash after commit)
    run_worker()
    assert receiver.wait_for(1, timeout=0.5) == []

    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        assert outbox_sweep() == 2  # flag.raised and screening.completed
        run_worker()

    assert len(receiver.wait_for(1)) == 1


def test_redelivering_sends_again_with_the_same_webhook_id(clinic, receiver):
    clinic.register_webhook(receiver.url)
    clinic.submit(URGENT_PHQ9)
    run_worker()
    (first,) = receiver.wait_for(1)
    delivery = Delivery.objects.get(channel="webhook")

    response = clinic.admin.post(f"/api/v1/webhooks/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 202, response.content
    run_worker()

    _, again = receiver.wait_for(2)
    assert again.headers["webhook-id"] == first.headers["webhook-id"]
    assert again.body == first.body
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)


def test_an_endpoint_failing_again_and_again_is_disabled_and_its_admins_are_told(
    clinic, receiver, settings, mailoutbox
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2
    receiver.statuses = [503]
    endpoint = clinic.register_webhook(receiver.url)
    clinic.submit(URGENT_PHQ9)

    run_worker()
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        run_worker()

    assert len(receiver.wait_for(2)) == 2
    shown = clinic.admin.get(f"/api/v1/webhooks/{endpoint['id']}/").json()
    assert shown["active"] is False
    assert "2 attempts in a row failed" in shown["disabled_reason"]
    told = [m for m in mailoutbox if "webhook endpoint was disabled" in m.subject]
    assert [m.to for m in told] == [["admin@clinic.example.org"]]
    # Nothing more is sent to it, even when its retry comes due.
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        run_worker()
    assert len(receiver.requests) == 2

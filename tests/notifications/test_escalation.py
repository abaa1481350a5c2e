"""Escalation of urgent flags, with a frozen clock and the database queue's own worker loop: the
check is queued with run_after, so nothing happens until the clock reaches it."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from clients.models import AuditEvent
from notifications.models import Escalation
from tests.factories import OrganizationFactory
from tests.notifications.conftest import run_worker
from tests.notifications.helpers import QUIET_PHQ9, URGENT_PHQ9, Clinic

pytestmark = pytest.mark.django_db(transaction=True)

ON_CALL = "on-call@clinic.example.org"
ESCALATION = "lead@clinic.example.org"


@pytest.fixture
def clinic(library):
    clinic = Clinic(OrganizationFactory())
    response = clinic.admin.patch(
        "/api/v1/organization/safety/",
        {
            "on_call_emails": [ON_CALL],
            "escalation_emails": [ESCALATION],
            "escalation_delay_minutes": 30,
            "escalation_interval_minutes": 15,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    return clinic


def escalations_sent(mailoutbox) -> list:
    return [m for m in mailoutbox if m.to == [ESCALATION]]


def test_an_unacknowledged_urgent_flag_escalates_and_repeats_until_acknowledged(clinic, mailoutbox):
    raised = timezone.now()
    with time_machine.travel(raised, tick=False) as clock:
        flag = clinic.submit(URGENT_PHQ9)["flags"][0]
        run_worker()
        # The on-call recipients are told at once; nobody else yet.
        assert [m.to for m in mailoutbox] == [[ON_CALL]]
        assert "needs clinician review" in mailoutbox[0].subject

        clock.move_to(raised + timedelta(minutes=29))
        run_worker()
        assert escalations_sent(mailoutbox) == []

        clock.move_to(raised + timedelta(minutes=30, seconds=1))
        run_worker()
        assert len(escalations_sent(mailoutbox)) == 1
        first = escalations_sent(mailoutbox)[0]
        assert "still not acknowledged" in first.subject
        assert f"/api/v1/flags/{flag['id']}/" in first.body
        assert clinic.client.family_name not in first.body + first.subject

        clock.move_to(raised + timedelta(minutes=45, seconds=2))
        run_worker()
        assert len(escalations_sent(mailoutbox)) == 2

        acknowledged = clinic.clinician.post(
            f"/api/v1/flags/{flag['id']}/review/",
            {"status": "acknowledged", "note": "Called the client; safety plan in place."},
            format="json",
        )
        assert acknowledged.status_code == 200, acknowledged.content
        run_worker()
        clock.move_to(raised + timedelta(hours=3))
        run_worker()

    assert len(escalations_sent(mailoutbox)) == 2
    escalation = Escalation.objects.get(flag_id=flag["id"])
    assert escalation.resolution == "acknowledged"
    assert escalation.notified_count == 2
    audited = AuditEvent.objects.filter(
        object_type="flag", object_id=str(flag["id"]), detail__has_key="escalation"
    )
    assert [e.detail["escalation"]["notice"] for e in audited.order_by("id")] == [1, 2]
    assert {e.actor_label for e in audited} == {"escalation"}


def test_an_urgent_flag_acknowledged_before_the_delay_never_escalates(clinic, mailoutbox):
    raised = timezone.now()
    with time_machine.travel(raised, tick=False) as clock:
        flag = clinic.submit(URGENT_PHQ9)["flags"][0]
        run_worker()
        clock.move_to(raised + timedelta(minutes=10))
        clinic.clinician.post(
            f"/api/v1/flags/{flag['id']}/review/",
            {"status": "acknowledged", "note": "Seen in session."},
            format="json",
        )
        run_worker()
        clock.move_to(raised + timedelta(hours=2))
        run_worker()

    assert escalations_sent(mailoutbox) == []
    assert not AuditEvent.objects.filter(detail__has_key="escalation").exists()


def test_a_screening_without_an_urgent_flag_starts_no_escalation(clinic, mailoutbox):
    clinic.submit(QUIET_PHQ9)
    run_worker()

    assert not Escalation.objects.exists()
    assert mailoutbox == []

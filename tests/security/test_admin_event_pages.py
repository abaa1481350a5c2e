"""Issue 14: client data leaves the Django admin. The outbox and notification pages show an
event's routing and state, never its payload, and name a flag by id only, so a superuser reading
them learns nothing about a client that would need an audit row."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Escalation
from outbox.models import OutboxEvent
from tests.factories import OrganizationFactory, UserFactory
from tests.notifications.helpers import Clinic

NAME, BIRTH_DATE = "Zoraida Quintanilla", "1961-07-23"


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _event_naming_a_client(organization) -> OutboxEvent:
    # Today's events carry ids and codes; the admin must not rely on that staying true.
    now = timezone.now()
    return OutboxEvent.objects.create(
        organization=organization,
        type="flag.raised",
        subject_type="flag",
        subject_id=1,
        data={"client": {"id": 1, "name": NAME, "birth_date": BIRTH_DATE}},
        occurred_at=now,
        enqueued_at=now,
    )


@pytest.mark.parametrize(
    "page", ["/admin/outbox/outboxevent/", "/admin/outbox/outboxevent/{pk}/change/"]
)
def test_the_outbox_pages_show_no_payload(superuser_client, page):
    event = _event_naming_a_client(OrganizationFactory())
    response = superuser_client.get(page.format(pk=event.pk))
    assert response.status_code == 200
    assert NAME not in response.content.decode()
    assert BIRTH_DATE not in response.content.decode()


def test_the_outbox_page_still_shows_the_events_routing(superuser_client):
    event = _event_naming_a_client(OrganizationFactory())
    page = superuser_client.get(f"/admin/outbox/outboxevent/{event.pk}/change/").content.decode()
    assert "flag.raised" in page


@pytest.mark.parametrize(
    "page", ["/admin/notifications/escalation/", "/admin/notifications/escalation/{pk}/change/"]
)
def test_the_escalation_pages_name_the_flag_by_id_not_by_its_condition(
    superuser_client, library, page
):
    clinic = Clinic(OrganizationFactory())
    flag = clinic.submit()["flags"][0]
    now = timezone.now()
    escalation = Escalation.objects.get_or_create(
        flag_id=flag["id"],
        defaults={
            "organization": clinic.organization,
            "created_at": now,
            "next_check_at": now + timedelta(minutes=30),
            "enqueued_at": now,
        },
    )[0]
    content = superuser_client.get(page.format(pk=escalation.pk)).content.decode()
    assert str(flag["id"]) in content
    assert flag["condition"]["code"] not in content

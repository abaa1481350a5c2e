"""The Django admin shows client records read-only, to superusers only, and audits each opening."""

import pytest
from django.test import Client as BrowserClient

from clients.models import AuditEvent
from tests.factories import UserFactory


@pytest.fixture
def superuser_browser(db):
    browser = BrowserClient()
    browser.force_login(UserFactory(is_staff=True, is_superuser=True))
    return browser


def change_url(client) -> str:
    return f"/admin/clients/client/{client.pk}/change/"


def test_superuser_opening_a_client_in_the_admin_writes_a_read_event(
    superuser_browser, client_record
):
    assert superuser_browser.get(change_url(client_record)).status_code == 200
    event = AuditEvent.objects.get(action="read", object_type="client")
    assert event.client_ids == [client_record.pk]
    assert event.detail == {"via": "admin"}


def test_the_admin_list_shows_no_names(superuser_browser, client_record):
    response = superuser_browser.get("/admin/clients/client/")
    assert response.status_code == 200
    assert client_record.family_name not in response.content.decode()


def test_the_admin_cannot_change_a_client(superuser_browser, client_record):
    superuser_browser.post(change_url(client_record), {"given_name": "Changed"})
    client_record.refresh_from_db()
    assert client_record.given_name == "Ana"


def test_staff_who_are_not_superusers_cannot_see_clients(client_record):
    browser = BrowserClient()
    browser.force_login(UserFactory(is_staff=True, is_instrument_admin=True))
    assert browser.get(change_url(client_record)).status_code in (302, 403)
    assert not AuditEvent.objects.filter(action="read", object_type="client").exists()

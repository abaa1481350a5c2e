"""Every read and write of a client record leaves an audit event."""

from clients.models import AuditEvent
from clients.services.clients import client_deactivate, client_reactivate
from tests.clients.conftest import CLIENTS, detail, new_client_body
from tests.factories import ClientFactory


def client_events(**filters):
    return AuditEvent.objects.filter(object_type="client", **filters).order_by("pk")


def test_creating_a_client_writes_a_create_event(clinician_client, clinician, organization):
    created = clinician_client.post(CLIENTS, new_client_body(), format="json").json()
    event = client_events(action="create").get()
    assert event.actor == clinician
    assert event.organization == organization
    assert event.object_id == str(created["id"])
    assert event.client_ids == [created["id"]]


def test_updating_a_client_writes_an_update_event_with_field_names_only(
    clinician_client, client_record
):
    clinician_client.patch(
        detail(client_record.pk), {"family_name": "Souza", "pronouns": "she/her"}, format="json"
    )
    event = client_events(action="update").get()
    assert event.client_ids == [client_record.pk]
    assert event.detail == {"fields": ["family_name", "pronouns"]}
    assert "Souza" not in str(event.detail)


def test_deactivating_a_client_writes_an_update_event(clinician_client, client_record):
    clinician_client.patch(detail(client_record.pk), {"active": False}, format="json")
    assert client_events(action="update").get().detail == {"fields": ["active"]}


def test_deactivate_and_reactivate_services_are_audited(client_record, clinician):
    client_deactivate(client=client_record, actor=clinician)
    client_reactivate(client=client_record, actor=clinician)
    client_record.refresh_from_db()
    assert client_record.active is True
    assert [event.detail for event in client_events(action="update")] == [
        {"fields": ["active"]},
        {"fields": ["active"]},
    ]


def test_retrieving_a_client_writes_a_read_event(clinician_client, clinician, client_record):
    clinician_client.get(detail(client_record.pk))
    event = client_events(action="read").get()
    assert event.actor == clinician
    assert event.object_id == str(client_record.pk)
    assert event.client_ids == [client_record.pk]
    assert event.request_id


def test_listing_writes_one_read_event_with_the_ids_on_the_page(clinician_client, organization):
    clients = ClientFactory.create_batch(3, organization=organization)
    clinician_client.get(CLIENTS, {"page_size": 2})
    event = client_events(action="read").get()
    assert event.object_id == ""
    assert event.client_ids == sorted(client.pk for client in clients[1:])


def test_list_event_names_the_filters_used_but_not_their_values(clinician_client, organization):
    ClientFactory(organization=organization, family_name="Silva")
    clinician_client.get(CLIENTS, {"name": "silva", "active": "true"})
    event = client_events(action="read").get()
    assert event.detail == {"filters": ["active", "name"]}
    assert "silva" not in str(event.detail).lower()


def test_an_empty_search_is_still_recorded(clinician_client, db):
    clinician_client.get(CLIENTS, {"name": "nobody"})
    assert client_events(action="read").get().client_ids == []


def test_another_organizations_client_is_not_read_so_not_recorded_as_read(
    clinician_client, foreign_client
):
    clinician_client.get(detail(foreign_client.pk))
    assert not client_events(action="read").exists()


def test_a_rejected_create_writes_no_create_event(clinician_client, db):
    clinician_client.post(CLIENTS, new_client_body(nickname="x"), format="json")
    assert not client_events().exists()

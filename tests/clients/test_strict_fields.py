"""Unknown request fields are rejected by name; server-owned fields are ignored."""

from clients.models import Client
from tests.clients.conftest import CLIENTS, MRN, detail, new_client_body


def test_an_unknown_field_is_a_400_naming_it(clinician_client, db):
    response = clinician_client.post(CLIENTS, new_client_body(nickname="Annie"), format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"nickname": ["Unknown field."]}
    assert not Client.objects.exists()


def test_a_misspelt_field_is_reported_with_the_missing_one(clinician_client, db):
    body = {"given_name": "Ana", "famly_name": "Silva", "birth_date": "1985-04-12"}
    response = clinician_client.post(CLIENTS, body, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"famly_name", "family_name"}


def test_an_unknown_field_inside_an_identifier_is_named_by_its_path(clinician_client, db):
    body = new_client_body(identifiers=[{"system": MRN, "value": "1", "use": "official"}])
    response = clinician_client.post(CLIENTS, body, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"identifiers.0.use": ["Unknown field."]}


def test_an_unknown_field_is_rejected_on_patch(clinician_client, client_record):
    response = clinician_client.patch(detail(client_record.pk), {"notes": "x"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["notes"]


def test_server_owned_fields_are_ignored_on_create(
    clinician_client, organization, other_organization
):
    body = new_client_body(
        id=424242,
        organization=other_organization.pk,
        created_at="2000-01-01T00:00:00Z",
        updated_at="2000-01-01T00:00:00Z",
    )
    response = clinician_client.post(CLIENTS, body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["id"] != 424242
    assert not data["created_at"].startswith("2000")
    assert Client.objects.get(pk=data["id"]).organization == organization


def test_server_owned_fields_are_ignored_on_update(
    clinician_client, client_record, other_organization
):
    response = clinician_client.patch(
        detail(client_record.pk),
        {"id": 1, "organization": other_organization.pk, "pronouns": "she/her"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["id"] == client_record.pk
    client_record.refresh_from_db()
    assert client_record.organization_id != other_organization.pk
    assert client_record.pronouns == "she/her"


def test_a_body_that_is_not_an_object_is_a_400(clinician_client, db):
    response = clinician_client.post(CLIENTS, ["Ana"], format="json")
    assert response.status_code == 400

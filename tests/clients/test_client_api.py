"""Creating, listing, reading and changing client records through /api/v1/clients/."""

import pytest

from clients.models import Client
from tests.clients.conftest import CLIENTS, MRN, detail, new_client_body
from tests.factories import ClientFactory, ClientIdentifierFactory


def test_clinician_creates_a_client_and_gets_it_back(clinician_client, organization, clinician):
    body = new_client_body(
        administrative_sex="female",
        pronouns="she/her",
        identifiers=[{"system": MRN, "value": "12345"}],
        care_team=[clinician.pk],
    )
    response = clinician_client.post(CLIENTS, body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["given_name"] == "Ana"
    assert data["family_name"] == "Silva"
    assert data["birth_date"] == "1985-04-12"
    assert data["administrative_sex"] == "female"
    assert data["pronouns"] == "she/her"
    assert data["active"] is True
    assert data["identifiers"] == [{"system": MRN, "value": "12345"}]
    assert data["care_team"] == [{"id": clinician.pk, "username": clinician.username}]
    assert Client.objects.get(pk=data["id"]).organization == organization


def test_created_client_location_header_points_at_the_new_record(clinician_client):
    response = clinician_client.post(CLIENTS, new_client_body(), format="json")
    assert response["Location"] == detail(response.json()["id"])


def test_optional_fields_default_to_not_recorded(clinician_client):
    data = clinician_client.post(CLIENTS, new_client_body(), format="json").json()
    assert data["administrative_sex"] is None
    assert data["pronouns"] is None
    assert data["identifiers"] == []
    assert data["care_team"] == []


def test_create_requires_names_and_birth_date(clinician_client):
    response = clinician_client.post(CLIENTS, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"given_name", "family_name", "birth_date"}


def test_administrative_sex_outside_fhir_values_is_rejected(clinician_client):
    response = clinician_client.post(
        CLIENTS, new_client_body(administrative_sex="f"), format="json"
    )
    assert response.status_code == 400
    assert "administrative_sex" in response.json()["fields"]


def test_birth_date_in_the_future_is_rejected(clinician_client):
    response = clinician_client.post(
        CLIENTS, new_client_body(birth_date="2999-01-01"), format="json"
    )
    assert response.status_code == 400
    assert "birth_date" in response.json()["fields"]


def test_integration_creates_a_client(integration_client):
    assert integration_client.post(CLIENTS, new_client_body(), format="json").status_code == 201


def test_list_shows_the_organizations_clients_newest_first(clinician_client, organization):
    older = ClientFactory(organization=organization)
    newer = ClientFactory(organization=organization)
    response = clinician_client.get(CLIENTS)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [newer.pk, older.pk]


def test_list_leaves_out_other_organizations_clients(
    clinician_client, client_record, foreign_client
):
    ids = [row["id"] for row in clinician_client.get(CLIENTS).json()["results"]]
    assert ids == [client_record.pk]


def test_list_pages_by_cursor(clinician_client, organization):
    clients = ClientFactory.create_batch(3, organization=organization)
    first = clinician_client.get(CLIENTS, {"page_size": 2}).json()
    second = clinician_client.get(first["next"]).json()
    shown = [row["id"] for row in first["results"] + second["results"]]
    assert shown == [client.pk for client in reversed(clients)]
    assert second["next"] is None


def test_retrieve_returns_the_client_with_identifiers_and_care_team(
    clinician_client, client_record, clinician
):
    ClientIdentifierFactory(client=client_record, system=MRN, value="A-1")
    client_record.care_team.set([clinician])
    response = clinician_client.get(detail(client_record.pk))
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == client_record.pk
    assert data["identifiers"] == [{"system": MRN, "value": "A-1"}]
    assert data["care_team"] == [{"id": clinician.pk, "username": clinician.username}]


def test_another_organizations_client_answers_404_on_retrieve(clinician_client, foreign_client):
    response = clinician_client.get(detail(foreign_client.pk))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("method", ["put", "patch"])
def test_another_organizations_client_answers_404_on_update(
    clinician_client, foreign_client, method
):
    response = getattr(clinician_client, method)(
        detail(foreign_client.pk), new_client_body(given_name="Mallory"), format="json"
    )
    assert response.status_code == 404
    foreign_client.refresh_from_db()
    assert foreign_client.given_name != "Mallory"


def test_a_missing_client_answers_404(clinician_client, db):
    assert clinician_client.get(detail(999_999)).status_code == 404


def test_a_non_numeric_id_answers_404_not_500(clinician_client, db):
    assert clinician_client.get(f"{CLIENTS}abc/").status_code == 404
    assert clinician_client.get(f"{CLIENTS}{'9' * 30}/").status_code == 404


def test_put_replaces_the_fields_it_is_given(clinician_client, client_record):
    response = clinician_client.put(
        detail(client_record.pk),
        new_client_body(given_name="Ana Maria", birth_date="1985-04-13", pronouns="they/them"),
        format="json",
    )
    assert response.status_code == 200
    client_record.refresh_from_db()
    assert client_record.given_name == "Ana Maria"
    assert str(client_record.birth_date) == "1985-04-13"
    assert client_record.pronouns == "they/them"


def test_put_requires_names_and_birth_date(clinician_client, client_record):
    response = clinician_client.put(detail(client_record.pk), {"pronouns": "he"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"given_name", "family_name", "birth_date"}


def test_patch_changes_only_the_fields_sent(clinician_client, client_record):
    response = clinician_client.patch(
        detail(client_record.pk), {"family_name": "Souza"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["family_name"] == "Souza"
    assert response.json()["given_name"] == "Ana"


def test_patch_clears_administrative_sex_with_null(clinician_client, client_record):
    client_record.administrative_sex = "unknown"
    client_record.save()
    response = clinician_client.patch(
        detail(client_record.pk), {"administrative_sex": None}, format="json"
    )
    assert response.json()["administrative_sex"] is None
    client_record.refresh_from_db()
    assert client_record.administrative_sex == ""


def test_patch_active_false_deactivates_the_client(clinician_client, client_record):
    response = clinician_client.patch(detail(client_record.pk), {"active": False}, format="json")
    assert response.status_code == 200
    assert response.json()["active"] is False
    client_record.refresh_from_db()
    assert client_record.active is False


def test_a_deactivated_client_is_still_readable(clinician_client, client_record):
    client_record.active = False
    client_record.save()
    response = clinician_client.get(detail(client_record.pk))
    assert response.status_code == 200
    assert response.json()["active"] is False


def test_delete_is_not_allowed(clinician_client, client_record):
    response = clinician_client.delete(detail(client_record.pk))
    assert response.status_code == 405
    assert Client.objects.filter(pk=client_record.pk).exists()


def test_org_admin_may_not_read_client_records(org_admin_client, client_record):
    assert org_admin_client.get(CLIENTS).status_code == 403
    assert org_admin_client.get(detail(client_record.pk)).status_code == 403


def test_org_admin_may_not_create_client_records(org_admin_client):
    assert org_admin_client.post(CLIENTS, new_client_body(), format="json").status_code == 403


def test_anonymous_caller_gets_401(anonymous_client, db):
    assert anonymous_client.get(CLIENTS).status_code == 401


def test_integration_reads_and_updates_a_client(integration_client, client_record):
    assert integration_client.get(detail(client_record.pk)).status_code == 200
    response = integration_client.patch(
        detail(client_record.pk), {"pronouns": "she/her"}, format="json"
    )
    assert response.status_code == 200


def test_blank_pronouns_read_back_as_not_recorded(clinician_client, client_record):
    client_record.pronouns = "she/her"
    client_record.save()
    response = clinician_client.patch(detail(client_record.pk), {"pronouns": ""}, format="json")
    assert response.json()["pronouns"] is None

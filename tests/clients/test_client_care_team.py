"""The care team: clinicians of the client's own organization."""

from clients.models import Role
from tests.clients.conftest import CLIENTS, MRN, detail, new_client_body
from tests.factories import ClientIdentifierFactory, member


def test_care_team_is_written_as_ids_and_read_as_id_and_username(
    clinician_client, clinician, second_clinician
):
    body = new_client_body(care_team=[second_clinician.pk, clinician.pk])
    response = clinician_client.post(CLIENTS, body, format="json")
    assert response.status_code == 201
    assert response.json()["care_team"] == [
        {"id": clinician.pk, "username": clinician.username},
        {"id": second_clinician.pk, "username": second_clinician.username},
    ]


def test_a_clinician_of_another_organization_is_a_400_naming_care_team(
    clinician_client, other_organization
):
    outsider = member(Role.CLINICIAN, other_organization)
    response = clinician_client.post(
        CLIENTS, new_client_body(care_team=[outsider.pk]), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["care_team"]


def test_an_unknown_user_id_gets_the_same_answer_as_an_outsider(clinician_client, db):
    response = clinician_client.post(CLIENTS, new_client_body(care_team=[987_654]), format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["care_team"] == [
        "User 987654 is not a clinician of your organization."
    ]


def test_a_member_who_is_not_a_clinician_cannot_join_a_care_team(clinician_client, organization):
    ehr = member(Role.INTEGRATION, organization)
    response = clinician_client.post(CLIENTS, new_client_body(care_team=[ehr.pk]), format="json")
    assert response.status_code == 400
    assert "care_team" in response.json()["fields"]


def test_care_team_entries_must_be_ids(clinician_client, db):
    response = clinician_client.post(CLIENTS, new_client_body(care_team=[{"id": 1}]), format="json")
    assert response.status_code == 400
    assert "care_team.0" in response.json()["fields"]


def test_patch_replaces_the_care_team(clinician_client, client_record, clinician, second_clinician):
    client_record.care_team.set([clinician])
    response = clinician_client.patch(
        detail(client_record.pk), {"care_team": [second_clinician.pk]}, format="json"
    )
    assert response.status_code == 200
    assert list(client_record.care_team.all()) == [second_clinician]


def test_a_rejected_care_team_leaves_the_client_unchanged(
    clinician_client, client_record, clinician, other_organization
):
    client_record.care_team.set([clinician])
    outsider = member(Role.CLINICIAN, other_organization)
    response = clinician_client.patch(
        detail(client_record.pk),
        {"family_name": "Changed", "care_team": [outsider.pk]},
        format="json",
    )
    assert response.status_code == 400
    client_record.refresh_from_db()
    assert client_record.family_name == "Silva"
    assert list(client_record.care_team.all()) == [clinician]


def test_a_care_team_id_beyond_64_bits_is_a_400_not_a_500(clinician_client, db):
    response = clinician_client.post(CLIENTS, new_client_body(care_team=[2**70]), format="json")
    assert response.status_code == 400
    assert "care_team.0" in response.json()["fields"]


def test_care_team_and_identifier_errors_are_reported_together(clinician_client, organization):
    ClientIdentifierFactory(client__organization=organization, system=MRN, value="42")
    body = new_client_body(care_team=[987_654], identifiers=[{"system": MRN, "value": "42"}])
    response = clinician_client.post(CLIENTS, body, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"care_team", "identifiers.0.value"}

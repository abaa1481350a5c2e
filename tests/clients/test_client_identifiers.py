"""Identifiers are unique per organization (system + value), and a clash is a 400, never a 500."""

import pytest

from clients.models import ClientIdentifier
from clients.services import clients as client_services
from clients.services.clients import client_create, client_update
from config.errors import DuplicateIdentifier
from tests.clients.conftest import CLIENTS, MRN, detail, new_client_body
from tests.factories import ClientFactory, ClientIdentifierFactory


def test_an_identifier_taken_in_the_organization_is_a_400_naming_the_entry(
    clinician_client, organization
):
    ClientIdentifierFactory(client__organization=organization, system=MRN, value="42")
    body = new_client_body(
        identifiers=[{"system": MRN, "value": "41"}, {"system": MRN, "value": "42"}]
    )
    response = clinician_client.post(CLIENTS, body, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["identifiers.1.value"]


def test_a_failed_create_leaves_nothing_behind(clinician_client, organization):
    ClientIdentifierFactory(client__organization=organization, system=MRN, value="42")
    body = new_client_body(given_name="Zed", identifiers=[{"system": MRN, "value": "42"}])
    clinician_client.post(CLIENTS, body, format="json")
    assert not organization.clients.filter(given_name="Zed").exists()


def test_the_same_identifier_is_allowed_in_another_organization(
    clinician_client, other_organization
):
    ClientIdentifierFactory(client__organization=other_organization, system=MRN, value="42")
    body = new_client_body(identifiers=[{"system": MRN, "value": "42"}])
    assert clinician_client.post(CLIENTS, body, format="json").status_code == 201


def test_the_same_value_in_another_system_is_allowed(clinician_client, organization):
    ClientIdentifierFactory(client__organization=organization, system="urn:oid:1.2.3", value="42")
    body = new_client_body(identifiers=[{"system": MRN, "value": "42"}])
    assert clinician_client.post(CLIENTS, body, format="json").status_code == 201


def test_an_identifier_repeated_in_one_request_is_a_400(clinician_client, db):
    body = new_client_body(
        identifiers=[{"system": MRN, "value": "42"}, {"system": MRN, "value": "42"}]
    )
    response = clinician_client.post(CLIENTS, body, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["identifiers.1.value"]


@pytest.mark.parametrize("system", ["mrn", "not a uri", "https://ehr.example.org/a|b", ""])
def test_an_identifier_system_must_be_an_absolute_uri(clinician_client, system, db):
    body = new_client_body(identifiers=[{"system": system, "value": "42"}])
    response = clinician_client.post(CLIENTS, body, format="json")
    assert response.status_code == 400
    assert "identifiers.0.system" in response.json()["fields"]


def test_an_identifier_needs_a_value(clinician_client, db):
    body = new_client_body(identifiers=[{"system": MRN, "value": ""}])
    response = clinician_client.post(CLIENTS, body, format="json")
    assert response.status_code == 400
    assert "identifiers.0.value" in response.json()["fields"]


def test_urn_systems_are_accepted(clinician_client, db):
    body = new_client_body(identifiers=[{"system": "urn:oid:2.16.840.1.113883.4.1", "value": "1"}])
    assert clinician_client.post(CLIENTS, body, format="json").status_code == 201


def test_update_replaces_the_identifiers(clinician_client, client_record):
    ClientIdentifierFactory(client=client_record, system=MRN, value="old")
    ClientIdentifierFactory(client=client_record, system=MRN, value="kept")
    body = {"identifiers": [{"system": MRN, "value": "kept"}, {"system": MRN, "value": "new"}]}
    response = clinician_client.patch(detail(client_record.pk), body, format="json")
    assert response.status_code == 200
    assert response.json()["identifiers"] == [
        {"system": MRN, "value": "kept"},
        {"system": MRN, "value": "new"},
    ]


def test_update_with_an_empty_list_clears_the_identifiers(clinician_client, client_record):
    ClientIdentifierFactory(client=client_record)
    response = clinician_client.patch(detail(client_record.pk), {"identifiers": []}, format="json")
    assert response.json()["identifiers"] == []
    assert not client_record.identifiers.exists()


def test_update_without_identifiers_keeps_them(clinician_client, client_record):
    ClientIdentifierFactory(client=client_record, system=MRN, value="kept")
    response = clinician_client.put(detail(client_record.pk), new_client_body(), format="json")
    assert response.json()["identifiers"] == [{"system": MRN, "value": "kept"}]


def test_update_may_resend_the_clients_own_identifiers(clinician_client, client_record):
    ClientIdentifierFactory(client=client_record, system=MRN, value="mine")
    body = new_client_body(identifiers=[{"system": MRN, "value": "mine"}])
    assert clinician_client.put(detail(client_record.pk), body, format="json").status_code == 200


def test_update_to_another_clients_identifier_is_a_400(clinician_client, client_record):
    ClientIdentifierFactory(client__organization=client_record.organization, system=MRN, value="x")
    body = {"identifiers": [{"system": MRN, "value": "x"}]}
    response = clinician_client.patch(detail(client_record.pk), body, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["identifiers.0.value"]


def test_identifier_rows_carry_the_clients_organization(clinician_client, organization):
    body = new_client_body(identifiers=[{"system": MRN, "value": "42"}])
    clinician_client.post(CLIENTS, body, format="json")
    assert ClientIdentifier.objects.get(value="42").organization == organization


def test_a_lost_race_on_create_is_a_duplicate_identifier_not_an_integrity_error(
    organization, clinician, monkeypatch
):
    # Another request inserted the identifier after our check ran: the database constraint catches
    # it, and the service turns it into the same field error the check would have given.
    ClientIdentifierFactory(client__organization=organization, system=MRN, value="42")
    monkeypatch.setattr(client_services, "_check_relations", lambda **kwargs: None)
    data = {
        "given_name": "Ana",
        "family_name": "Silva",
        "birth_date": "1985-04-12",
        "identifiers": [{"system": MRN, "value": "42"}],
    }
    with pytest.raises(DuplicateIdentifier) as caught:
        client_create(organization=organization, actor=clinician, data=data)
    assert "identifiers.0.value" in caught.value.fields


def test_a_lost_race_on_update_is_a_duplicate_identifier_not_an_integrity_error(
    organization, clinician, monkeypatch
):
    client = ClientFactory(organization=organization)
    ClientIdentifierFactory(client__organization=organization, system=MRN, value="42")
    monkeypatch.setattr(client_services, "_check_relations", lambda **kwargs: None)
    with pytest.raises(DuplicateIdentifier) as caught:
        client_update(
            client=client,
            actor=clinician,
            data={"identifiers": [{"system": MRN, "value": "42"}]},
        )
    assert "identifiers.0.value" in caught.value.fields

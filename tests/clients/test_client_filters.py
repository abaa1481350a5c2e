"""The list's query parameters: identifier, name, care_team, active."""

import pytest

from tests.clients.conftest import CLIENTS, MRN
from tests.factories import ClientFactory, ClientIdentifierFactory


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_identifier_filter_finds_the_client_by_system_and_value(clinician_client, organization):
    wanted = ClientIdentifierFactory(client__organization=organization, system=MRN, value="77")
    ClientIdentifierFactory(client__organization=organization, system=MRN, value="78")
    response = clinician_client.get(CLIENTS, {"identifier": f"{MRN}|77"})
    assert ids(response) == [wanted.client_id]


def test_identifier_filter_needs_the_system_to_match_too(clinician_client, organization):
    ClientIdentifierFactory(client__organization=organization, system="urn:oid:1.2.3", value="77")
    assert ids(clinician_client.get(CLIENTS, {"identifier": f"{MRN}|77"})) == []


def test_identifier_filter_matches_system_and_value_on_the_same_identifier(
    clinician_client, organization
):
    client = ClientFactory(organization=organization)
    ClientIdentifierFactory(client=client, system=MRN, value="1")
    ClientIdentifierFactory(client=client, system="urn:oid:1.2.3", value="2")
    assert ids(clinician_client.get(CLIENTS, {"identifier": f"{MRN}|2"})) == []


def test_identifier_filter_is_exact_not_a_substring(clinician_client, organization):
    ClientIdentifierFactory(client__organization=organization, system=MRN, value="12345")
    assert ids(clinician_client.get(CLIENTS, {"identifier": f"{MRN}|123"})) == []


def test_identifier_filter_does_not_reach_other_organizations(clinician_client, other_organization):
    ClientIdentifierFactory(client__organization=other_organization, system=MRN, value="77")
    assert ids(clinician_client.get(CLIENTS, {"identifier": f"{MRN}|77"})) == []


@pytest.mark.parametrize("token", ["12345", f"{MRN}|", "|12345"])
def test_identifier_filter_without_both_parts_is_a_400_naming_it(clinician_client, token, db):
    response = clinician_client.get(CLIENTS, {"identifier": token})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "system|value" in response.json()["fields"]["identifier"][0]


def test_name_filter_matches_given_or_family_name_ignoring_case(clinician_client, organization):
    by_given = ClientFactory(organization=organization, given_name="Beatriz", family_name="Lopes")
    by_family = ClientFactory(organization=organization, given_name="Carl", family_name="Beaton")
    ClientFactory(organization=organization, given_name="Dora", family_name="Ng")
    assert ids(clinician_client.get(CLIENTS, {"name": "BEA"})) == [by_family.pk, by_given.pk]


def test_name_filter_requires_every_word_to_match(clinician_client, organization):
    ana_silva = ClientFactory(organization=organization, given_name="Ana", family_name="Silva")
    ClientFactory(organization=organization, given_name="Ana", family_name="Costa")
    assert ids(clinician_client.get(CLIENTS, {"name": "ana sil"})) == [ana_silva.pk]


def test_care_team_filter_lists_the_clinicians_clients(
    clinician_client, organization, clinician, second_clinician
):
    mine = ClientFactory(organization=organization, care_team=[clinician, second_clinician])
    ClientFactory(organization=organization, care_team=[second_clinician])
    ClientFactory(organization=organization)
    assert ids(clinician_client.get(CLIENTS, {"care_team": clinician.pk})) == [mine.pk]


@pytest.mark.parametrize("value", ["ana", "1.5", str(2**70)])
def test_care_team_filter_must_be_a_valid_id(clinician_client, value, db):
    response = clinician_client.get(CLIENTS, {"care_team": value})
    assert response.status_code == 400
    assert "care_team" in response.json()["fields"]


def test_active_filter_true_lists_only_active_clients(clinician_client, organization):
    active = ClientFactory(organization=organization)
    ClientFactory(organization=organization, active=False)
    assert ids(clinician_client.get(CLIENTS, {"active": "true"})) == [active.pk]


def test_active_filter_false_lists_only_deactivated_clients(clinician_client, organization):
    ClientFactory(organization=organization)
    inactive = ClientFactory(organization=organization, active=False)
    assert ids(clinician_client.get(CLIENTS, {"active": "false"})) == [inactive.pk]


def test_without_the_active_filter_the_list_has_both(clinician_client, organization):
    ClientFactory(organization=organization)
    ClientFactory(organization=organization, active=False)
    assert len(ids(clinician_client.get(CLIENTS))) == 2


def test_active_filter_with_another_value_is_a_400(clinician_client, db):
    response = clinician_client.get(CLIENTS, {"active": "maybe"})
    assert response.status_code == 400
    assert "active" in response.json()["fields"]


def test_filters_combine(clinician_client, organization, clinician):
    wanted = ClientFactory(organization=organization, family_name="Silva", care_team=[clinician])
    ClientFactory(organization=organization, family_name="Silva")
    ClientFactory(
        organization=organization, family_name="Silva", care_team=[clinician], active=False
    )
    response = clinician_client.get(
        CLIENTS, {"name": "silva", "care_team": clinician.pk, "active": "true"}
    )
    assert ids(response) == [wanted.pk]

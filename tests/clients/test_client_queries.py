"""Query budgets: the list costs the same however many clients a page holds."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.clients.conftest import CLIENTS, detail
from tests.factories import ClientFactory, ClientIdentifierFactory

# Authentication (token with user, membership and organization), the page, identifiers, care team,
# and the audit event (savepoint, chain tail, insert, release) with some room for the test wrapper.
LIST_BUDGET = 10
RETRIEVE_BUDGET = 10


def add_clients(organization, clinicians, count: int) -> None:
    for _ in range(count):
        client = ClientFactory(organization=organization, care_team=clinicians)
        ClientIdentifierFactory(client=client)
        ClientIdentifierFactory(client=client, system="urn:oid:1.2.3")


def list_queries(api_client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api_client.get(CLIENTS)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_list_uses_as_many_queries_for_50_clients_as_for_2(
    clinician_client, organization, clinician, second_clinician
):
    clinicians = [clinician, second_clinician]
    add_clients(organization, clinicians, 2)
    clinician_client.get(CLIENTS)  # the first call also records the token's last use
    for_two = list_queries(clinician_client)
    add_clients(organization, clinicians, 48)
    for_fifty = list_queries(clinician_client)
    assert for_fifty == for_two


def test_the_list_stays_within_its_query_budget(
    clinician_client, organization, clinician, django_assert_max_num_queries
):
    add_clients(organization, [clinician], 50)
    clinician_client.get(CLIENTS)
    with django_assert_max_num_queries(LIST_BUDGET):
        response = clinician_client.get(CLIENTS)
    assert len(response.json()["results"]) == 50


def test_retrieve_stays_within_its_query_budget(
    clinician_client, client_record, clinician, second_clinician, django_assert_max_num_queries
):
    client_record.care_team.set([clinician, second_clinician])
    ClientIdentifierFactory(client=client_record)
    clinician_client.get(detail(client_record.pk))
    with django_assert_max_num_queries(RETRIEVE_BUDGET):
        clinician_client.get(detail(client_record.pk))

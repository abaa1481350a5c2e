"""FHIR searches cost the same number of queries for 2 results as for 20."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ClientFactory, ClientIdentifierFactory
from tests.fhir_api.helpers import MRN, phq9_response, post, submitted_phq9

SEARCHES = [
    "/fhir/Patient",
    f"/fhir/Patient?identifier={MRN}|",
    "/fhir/QuestionnaireResponse?status=completed",
    "/fhir/Observation?code=http://loinc.org|44261-6",
    "/fhir/Flag?status=active",
    "/fhir/Questionnaire",
]
BUDGET = 12
# Issue 19's searches, each with the exact number of queries it costs, for 2 results as for 20:
# an _include or _revinclude is one more search (its rows, its prefetches, its audit), never a
# query per row.
COUNTED = {
    "/fhir/Observation?category=survey&_sort=-date&date=ge2000,ap2020": 5,
    "/fhir/Observation?_summary=count": 3,
    "/fhir/QuestionnaireResponse?_total=accurate&_sort=_lastUpdated&_elements=status": 5,
    "/fhir/Patient?name=given&birthdate=ge1900,lt1800": 5,
    "/fhir/Questionnaire?_count=1": 2,
    "/fhir/QuestionnaireResponse?_include=QuestionnaireResponse:subject"
    "&_include=QuestionnaireResponse:questionnaire": 9,
    "/fhir/Observation?_include=Observation:derived-from&_include=Observation:patient": 12,
    "/fhir/Flag?_include=Flag:subject&_sort=date": 11,
    "/fhir/Patient?_revinclude=QuestionnaireResponse:subject&_revinclude=Flag:subject": 14,
    "/fhir/QuestionnaireResponse?_revinclude=Observation:derived-from": 8,
}


def queries(api, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def add(organization, n):
    for _ in range(n):
        record = ClientFactory(organization=organization)
        ClientIdentifierFactory(client=record, system=MRN)
        submitted_phq9(organization, record, each=2, item9=1)


@pytest.mark.parametrize("url", SEARCHES)
def test_a_search_costs_the_same_for_2_and_20_results(
    integration_client, organization, library, url, django_assert_max_num_queries
):
    add(organization, 2)
    queries(integration_client, url)  # warm the per-process caches (compiled instruments)
    two = queries(integration_client, url)
    add(organization, 18)
    with django_assert_max_num_queries(BUDGET):
        twenty = queries(integration_client, url)
    assert twenty == two


@pytest.mark.parametrize("url", COUNTED)
def test_each_search_costs_its_fixed_number_of_queries_for_2_and_20_results(
    integration_client, organization, library, url
):
    add(organization, 2)
    queries(integration_client, url)  # warm the per-process caches (compiled instruments)
    two = queries(integration_client, url)
    add(organization, 18)
    assert (two, queries(integration_client, url)) == (COUNTED[url], COUNTED[url])


def test_reads_stay_within_their_budget(
    integration_client, organization, library, django_assert_max_num_queries
):
    add(organization, 1)
    from screening.models import Flag, ScaleScore

    score = ScaleScore.objects.first()
    flag = Flag.objects.first()
    for url in (
        f"/fhir/Patient/{score.client_id}",
        f"/fhir/QuestionnaireResponse/{score.screening_id}",
        f"/fhir/Observation/{score.pk}",
        f"/fhir/Flag/{flag.pk}",
        "/fhir/Questionnaire/phq9-1.1.0",
    ):
        queries(integration_client, url)
        with django_assert_max_num_queries(12):
            queries(integration_client, url)


def test_filing_a_completed_response_stays_within_its_budget(
    integration_client, organization, library, django_assert_max_num_queries
):
    first, second = (ClientFactory(organization=organization) for _ in range(2))
    post(integration_client, "/fhir/QuestionnaireResponse", phq9_response(f"Patient/{first.pk}"))
    # Authenticate, the request's transaction, version, patient, the filing's savepoint,
    # screening, result, scale scores, condition names, flags, outbox events, audit (lock, chain
    # tail, event, client index), release, end of the request's transaction: no re-read.
    with django_assert_max_num_queries(17):
        response = post(
            integration_client,
            "/fhir/QuestionnaireResponse",
            phq9_response(f"Patient/{second.pk}", each=2, item9=1),
        )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "completed"


@pytest.mark.parametrize(
    "url",
    [
        "/fhir/QuestionnaireResponse",
        "/fhir/Observation?status=final",
        "/fhir/Observation?code=http://loinc.org|44261-6",
        "/fhir/Flag",
        "/api/v1/flags/",
        "/api/v1/screenings/",
    ],
)
def test_a_list_does_not_decode_each_rows_instrument_definition(
    integration_client, organization, library, url
):
    add(organization, 3)
    integration_client.get(url)  # warm: each version's compiled form and definition, once
    with CaptureQueriesContext(connection) as captured:
        response = integration_client.get(url)
    assert response.status_code == 200, response.content
    assert response.json().get("entry", response.json().get("results"))
    loaded = [
        q["sql"] for q in captured if '"screening_instrumentversion"."definition"' in q["sql"]
    ]
    assert loaded == []

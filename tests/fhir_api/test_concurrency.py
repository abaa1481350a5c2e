"""Concurrent retries on PostgreSQL: one key or one identifier, one stored response."""

import threading

import pytest
from django.db import connection

from clients.models import Client, Role
from screening.models import IdempotencyRecord, Screening
from tests.factories import ClientFactory, OrganizationFactory, api_client_for, member
from tests.fhir_api.helpers import MRN, patient, phq9_response, post

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serializes writers; no race to lose"
    ),
]


def race(n, send):
    """Run `send()` in `n` threads released together; their responses."""
    barrier = threading.Barrier(n)
    responses = []

    def worker():
        try:
            barrier.wait(timeout=10)
            responses.append(send())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@pytest.fixture
def setup(transactional_db):
    from content.services.library import content_load
    from screening.services.library import library_load

    content_load()
    library_load()
    organization = OrganizationFactory()
    integration = member(Role.INTEGRATION, organization)
    return organization, integration


def test_concurrent_retries_with_one_key_store_one_response(setup):
    organization, integration = setup
    record = ClientFactory(organization=organization)
    api = api_client_for(integration)
    response = phq9_response(f"Patient/{record.pk}", each=1)
    answers = race(
        4, lambda: post(api, "/fhir/QuestionnaireResponse", response, {"Idempotency-Key": "k"})
    )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert Screening.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_concurrent_responses_with_one_identifier_are_filed_once(setup):
    organization, integration = setup
    record = ClientFactory(organization=organization)
    api = api_client_for(integration)
    response = phq9_response(f"Patient/{record.pk}", each=1, identifier="enc-1")
    answers = race(4, lambda: post(api, "/fhir/QuestionnaireResponse", response))
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert Screening.objects.count() == 1


def test_concurrent_conditional_creates_make_one_patient(setup):
    _, integration = setup
    api = api_client_for(integration)
    condition = {"If-None-Exist": f"identifier={MRN}|MRN-1"}
    answers = race(4, lambda: post(api, "/fhir/Patient", patient("MRN-1"), condition))
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 201]
    assert Client.objects.count() == 1

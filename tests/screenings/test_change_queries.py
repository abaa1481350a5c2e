"""Change between screenings costs the same number of queries for 2 screenings as for 8 (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ClientFactory
from tests.screenings.helpers import phq9_total, publish_phq9_without_change_criteria, start

EARLIER = "1.0.9"


@pytest.fixture(autouse=True)
def earlier_phq9(library):
    publish_phq9_without_change_criteria(EARLIER)


def queries(api, url: str, params=None) -> int:
    api.get(url, params)  # warm: each version's compiled form, once per process
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url, params)
    assert response.status_code == 200, response.content
    return len(captured)


def client_with_screenings(api, organization, n: int) -> int:
    """A client with n PHQ-9s, the second on an earlier version (the series mixes versions)."""
    earlier = EARLIER
    record = ClientFactory(organization=organization)
    for index in range(n):
        total = 18 if index % 2 == 0 else 7
        version = {"version": earlier} if index == 1 else {}
        start(api, record.pk, "phq9", phq9_total(total), submit=True, **version)
    return record.pk


def test_the_timeline_costs_the_same_for_2_and_8_screenings(
    clinician_client, organization, library
):
    few = client_with_screenings(clinician_client, organization, 2)
    many = client_with_screenings(clinician_client, organization, 8)
    url = "/api/v1/clients/{}/timeline/"
    assert queries(clinician_client, url.format(many)) == queries(clinician_client, url.format(few))


def test_the_screening_list_costs_the_same_for_2_and_8_screenings(
    clinician_client, organization, library
):
    few = client_with_screenings(clinician_client, organization, 2)
    many = client_with_screenings(clinician_client, organization, 8)
    url = "/api/v1/screenings/"
    assert queries(clinician_client, url, {"client": many}) == queries(
        clinician_client, url, {"client": few}
    )


def test_one_screening_costs_the_same_whatever_its_place_in_the_series(
    clinician_client, organization, library
):
    record = client_with_screenings(clinician_client, organization, 8)
    listed = clinician_client.get("/api/v1/screenings/", {"client": record}).json()["results"]
    # The 7th and the 1st: both total 18 (same flags), one with six earlier screenings, one none.
    newest, oldest = listed[1]["id"], listed[-1]["id"]
    url = "/api/v1/screenings/{}/"
    assert queries(clinician_client, url.format(newest)) == queries(
        clinician_client, url.format(oldest)
    )

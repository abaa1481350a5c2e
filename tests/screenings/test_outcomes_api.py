"""GET /api/v1/outcomes/ (issue 16): the organization's outcomes report, counted by hand."""

from datetime import UTC, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import AuditEvent, Role
from screening.models import Screening
from tests.factories import ClientFactory, api_client_for, member
from tests.screenings.helpers import phq9_total, publish_phq9_without_change_criteria, start

URL = "/api/v1/outcomes/"


def screen(api, organization, *totals: int, version: str | None = None) -> int:
    """A new client of `organization` screened with these PHQ-9 totals, in order; the last one
    on `version` when given."""
    record = ClientFactory(organization=organization)
    for index, total in enumerate(totals):
        extra = {"version": version} if version and index == len(totals) - 1 else {}
        response = start(api, record.pk, "phq9", phq9_total(total), submit=True, **extra)
        assert response.status_code == 201, response.content
    return record.pk


def phq9_rows(body: dict) -> list[dict]:
    return [
        row for row in body["results"] if (row["instrument"], row["scale"]) == ("phq9", "total")
    ]


def test_the_counts_match_a_hand_count_and_another_organizations_clients_never_count(
    org_admin_client, clinician_client, organization, other_organization, library
):
    improved_and_recovered = screen(clinician_client, organization, 18, 7)
    screen(clinician_client, organization, 18, 15)  # no reliable change; still a case
    screen(clinician_client, organization, 8, 16)  # deteriorated; not a case at baseline
    screen(clinician_client, organization, 12, 5)  # improved (7 points) and recovered
    screen(clinician_client, organization, 18)  # one screening: not counted
    earlier = publish_phq9_without_change_criteria()
    screen(clinician_client, organization, 18, 7, version=earlier)  # latest declares no criteria
    elsewhere = api_client_for(member(Role.CLINICIAN, other_organization))
    screen(elsewhere, other_organization, 18, 7)
    screen(elsewhere, other_organization, 9, 20)

    response = org_admin_client.get(URL, {"period": "year"})
    assert response.status_code == 200, response.content
    (row,) = phq9_rows(response.json())
    assert row["clients"] == 5
    assert row["reliably_improved"] == {"count": 2, "percent": 40.0, "of": 5}
    assert row["no_reliable_change"] == {"count": 1, "percent": 20.0, "of": 5}
    assert row["reliably_deteriorated"] == {"count": 1, "percent": 20.0, "of": 5}
    assert row["not_defined"] == {"count": 1, "percent": 20.0, "of": 5}
    # Cases at baseline under 1.1.0's caseness (>= 10): 18->7, 18->15, 12->5; two recovered.
    assert row["recovered"] == {"count": 2, "percent": 66.7, "of": 3}
    assert (
        improved_and_recovered in AuditEvent.objects.filter(object_type="outcomes").get().client_ids
    )


def test_a_client_counts_in_the_period_of_their_latest_screening(
    org_admin_client, clinician_client, organization, library
):
    record = screen(clinician_client, organization, 18, 7)
    first, second = Screening.objects.filter(client_id=record).order_by("pk")
    Screening.objects.filter(pk=first.pk).update(submitted_at=datetime(2026, 1, 10, tzinfo=UTC))
    Screening.objects.filter(pk=second.pk).update(submitted_at=datetime(2026, 5, 2, tzinfo=UTC))
    body = org_admin_client.get(
        URL, {"period": "quarter", "from": "2026-01-01", "to": "2026-12-31"}
    ).json()
    rows = phq9_rows(body)
    assert [(r["period"]["start"], r["period"]["end"], r["clients"]) for r in rows] == [
        ("2026-04-01", "2026-07-01", 1)
    ]
    assert (body["start"], body["end"]) == ("2026-01-01", "2027-01-01")


def test_each_read_is_audited_as_an_export(org_admin_client, org_admin, library):
    org_admin_client.get(URL, {"period": "month", "instrument": "phq9"})
    event = AuditEvent.objects.get(object_type="outcomes")
    assert (event.action, event.actor) == ("export", org_admin)
    assert event.detail["filters"]["instrument"] == "phq9"


def test_clinicians_and_integrations_may_not_read_the_report(
    clinician_client, integration_client, library
):
    assert clinician_client.get(URL).status_code == 403
    assert integration_client.get(URL).status_code == 403


def test_bad_parameters_are_a_400_naming_each_field(org_admin_client, library):
    response = org_admin_client.get(URL, {"period": "week", "to": "yesterday", "colour": "red"})
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert "Valid choices: month, quarter, year" in fields["period"][0]
    assert set(fields) == {"period", "to", "colour"}


def test_from_after_to_is_refused(org_admin_client, library):
    response = org_admin_client.get(URL, {"from": "2026-05-01", "to": "2026-01-01"})
    assert response.status_code == 400
    assert "from" in response.json()["fields"]


def test_the_report_costs_the_same_for_2_and_8_clients(
    org_admin_client, clinician_client, organization, library
):
    def cost() -> int:
        org_admin_client.get(URL)  # warm: each version's compiled form, once per process
        with CaptureQueriesContext(connection) as captured:
            assert org_admin_client.get(URL).status_code == 200
        return len(captured)

    for _ in range(2):
        screen(clinician_client, organization, 18, 7)
    few = cost()
    for _ in range(6):
        screen(clinician_client, organization, 18, 7)
    # The audit row lists the clients counted: one insert of their links, whatever their number.
    assert cost() == few

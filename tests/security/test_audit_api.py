"""Org admins read their organization's audit trail, filter it and export it as CSV; nobody else
reads it, and no organization reads another's."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from clients.models import AuditEvent, Role
from clients.services.audit import audit_record
from tests.factories import ClientFactory, api_client_for, member

EVENTS = "/api/v1/audit-events/"
EXPORT = "/api/v1/audit-events/export/"


@pytest.fixture
def trail(organization, other_organization, clinician):
    """Events of two organizations: reads of two clients by one clinician, and one elsewhere."""
    ana, ben = ClientFactory(organization=organization), ClientFactory(organization=organization)
    for client in (ana, ben, ana):
        audit_record(
            actor=clinician, organization=organization, action="read", client_ids=[client.pk]
        )
    audit_record(actor=None, organization=organization, action="create", object_type="user")
    outsider = ClientFactory(organization=other_organization)
    audit_record(
        actor=None, organization=other_organization, action="read", client_ids=[outsider.pk]
    )
    return {"ana": ana, "ben": ben, "outsider": outsider}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_org_admins_read_their_organizations_events_newest_first(
    org_admin_client, organization, trail
):
    own = list(
        AuditEvent.objects.filter(organization=organization)
        .order_by("-occurred_at", "-id")
        .values_list("pk", flat=True)
    )
    rows = org_admin_client.get(EVENTS).json()["results"]
    assert [row["id"] for row in rows] == own
    assert {row["client_ids"][0] for row in rows if row["client_ids"]} == {
        trail["ana"].pk,
        trail["ben"].pk,
    }
    assert set(rows[0]) >= {"actor", "actor_label", "action", "client_ids", "hash", "prev_hash"}


def test_another_organizations_events_are_never_listed(org_admin_client, other_organization, trail):
    listed = ids(org_admin_client.get(EVENTS, {"client": trail["outsider"].pk}))
    assert listed == []
    everything = ids(org_admin_client.get(EVENTS, {"page_size": 200}))
    theirs = AuditEvent.objects.filter(organization=other_organization)
    assert theirs.exists()
    assert not set(everything) & set(theirs.values_list("pk", flat=True))


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.INTEGRATION])
def test_other_roles_are_refused(organization, trail, role):
    api = api_client_for(member(role, organization))
    assert api.get(EVENTS).status_code == 403
    assert api.get(EXPORT).status_code == 403


def test_anonymous_callers_are_refused(anonymous_client, db):
    assert anonymous_client.get(EVENTS).status_code == 401
    assert anonymous_client.get(EXPORT).status_code == 401


def test_filter_by_client_uses_the_client_index(org_admin_client, trail):
    listed = ids(org_admin_client.get(EVENTS, {"client": trail["ana"].pk}))
    assert len(listed) == 2
    assert all(AuditEvent.objects.get(pk=pk).client_ids == [trail["ana"].pk] for pk in listed)


def test_filter_by_actor_id_or_username(org_admin_client, clinician, trail):
    by_id = ids(org_admin_client.get(EVENTS, {"actor": clinician.pk}))
    by_name = ids(org_admin_client.get(EVENTS, {"actor": clinician.username}))
    assert len(by_id) == 3
    assert by_id == by_name


def test_filter_by_action_and_time_range(org_admin_client, organization, trail):
    assert len(ids(org_admin_client.get(EVENTS, {"action": "create"}))) == 1
    now = timezone.now()
    later = (now + timedelta(minutes=1)).isoformat()
    earlier = (now - timedelta(minutes=5)).isoformat()
    assert ids(org_admin_client.get(EVENTS, {"since": later})) == []
    everything = AuditEvent.objects.filter(organization=organization).count()
    assert len(ids(org_admin_client.get(EVENTS, {"since": earlier, "until": later}))) == everything
    assert ids(org_admin_client.get(EVENTS, {"until": earlier})) == []


@pytest.mark.parametrize(
    "params",
    [
        {"client": "abc"},
        {"client": "0"},
        {"client": str(2**63)},
        {"action": "delete"},
        {"since": "yesterday"},
        {"actor": "x" * 151},
    ],
)
def test_invalid_filters_are_a_400_naming_the_parameter(org_admin_client, trail, params):
    response = org_admin_client.get(EVENTS, params)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == set(params)


def test_the_list_pages_by_cursor(org_admin_client, trail):
    first = org_admin_client.get(EVENTS, {"page_size": 2}).json()
    second = org_admin_client.get(first["next"]).json()
    assert len(first["results"]) == 2
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


def test_reading_the_trail_is_itself_recorded(org_admin_client, org_admin, trail):
    org_admin_client.get(EVENTS, {"action": "read"})
    event = AuditEvent.objects.filter(actor=org_admin, object_type="audit_event").get()
    assert (event.action, event.detail["filters"]) == ("read", ["action"])


def export_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_export_streams_the_filtered_events_as_csv(org_admin_client, org_admin, trail):
    rows = export_rows(org_admin_client.get(EXPORT, {"client": trail["ana"].pk}))
    assert [row["client_ids"] for row in rows] == [f"[{trail['ana'].pk}]"] * 3
    # The export names the client it was about, so it is listed under that client itself.
    export = AuditEvent.objects.get(action="export")
    assert (export.actor, export.client_ids) == (org_admin, [trail["ana"].pk])
    assert export.detail == {"filters": ["client"], "rows": 2}


def test_export_with_accept_text_csv(org_admin_client, organization, trail):
    before = AuditEvent.objects.filter(organization=organization).count()
    rows = export_rows(org_admin_client.get(EXPORT, HTTP_ACCEPT="text/csv"))
    assert len(rows) == before + 1  # and the export itself


def test_export_errors_are_json_even_when_csv_was_asked_for(org_admin_client, trail):
    response = org_admin_client.get(EXPORT, {"action": "nope"}, HTTP_ACCEPT="text/csv")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    (message,) = response.json()["fields"]["action"]
    assert message.startswith("nope is not a valid choice. Valid choices: ")


def test_export_neutralizes_spreadsheet_formulas(org_admin_client, organization, db):
    audit_record(
        actor=None,
        actor_label='=HYPERLINK("http://evil")',
        organization=organization,
        action="login_failed",
    )
    (row,) = [r for r in export_rows(org_admin_client.get(EXPORT)) if r["action"] == "login_failed"]
    assert row["actor_label"] == '\'=HYPERLINK("http://evil")'

"""The audit trail is append-only and its hash chains reveal any change: `verify_audit` passes
after a representative run of the API, and finds a row altered behind the ORM's back (SQLite,
where nothing else stops it); on PostgreSQL a trigger refuses the change in the first place."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from clients.models import AuditEvent, Role
from clients.models.audit import AuditEventClient
from clients.services.audit import GENESIS_HASH, audit_record
from clients.services.audit_verify import audit_verify, chain_heads
from tests.factories import ClientFactory, OrganizationFactory, UserFactory, api_client_for, member
from tests.screenings.helpers import phq9, start

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's trigger refuses the change itself"
)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)


def run_the_api(library) -> dict:
    """What a day of the API looks like to the audit trail, across two organizations."""
    north, south = OrganizationFactory(), OrganizationFactory()
    clinician = member(Role.CLINICIAN, north)
    admin = member(Role.ORG_ADMIN, north)
    api, admin_api = api_client_for(clinician), api_client_for(admin)
    api_client_for(member(Role.CLINICIAN, south)).get("/api/v1/clients/")

    client = api.post(
        "/api/v1/clients/",
        {"given_name": "Ana", "family_name": "Silva", "birth_date": "1985-04-12"},
        format="json",
    ).json()
    api.get("/api/v1/clients/")
    api.get(f"/api/v1/clients/{client['id']}/")
    api.patch(f"/api/v1/clients/{client['id']}/", {"pronouns": "she/her"}, format="json")
    screening = start(api, client["id"], "phq9", phq9(total_each=2, item9=1), submit=True).json()
    api.get(f"/api/v1/screenings/{screening['id']}/")
    api.get("/api/v1/flags/")
    flag = screening["flags"][0]["id"]
    api.post(
        f"/api/v1/flags/{flag}/review/",
        {"status": "acknowledged", "note": "Safety plan agreed."},
        format="json",
    )
    api.get(f"/api/v1/clients/{client['id']}/timeline/")
    ehr = member(Role.INTEGRATION, north)
    issued = admin_api.post("/api/v1/tokens/", {"user": ehr.username}, format="json")
    admin_api.post(f"/api/v1/tokens/{issued.json()['id']}/revoke/")
    admin_api.get("/api/v1/audit-events/", {"client": client["id"]})
    b"".join(admin_api.get("/api/v1/audit-events/export/").streaming_content)
    api.credentials(HTTP_AUTHORIZATION="Bearer sk_000000000000_not-a-real-secret")
    api.get("/api/v1/me/")
    return {"north": north, "south": south, "client": client}


def test_the_trail_verifies_after_a_representative_run_of_the_api(library, capsys):
    world = run_the_api(library)
    result = audit_verify()
    assert result.ok, result.first_break
    assert result.events == AuditEvent.objects.count() > 20
    assert result.chains == len(set(AuditEvent.objects.values_list("chain_key", flat=True))) >= 3
    call_command("verify_audit")
    assert capsys.readouterr().out.strip() == (
        f"OK: {result.events} events in {result.chains} chains"
    )
    assert f"org:{world['north'].pk}" in chain_heads()


def test_each_chain_starts_at_genesis_and_links_every_event(library):
    run_the_api(library)
    for chain in set(AuditEvent.objects.values_list("chain_key", flat=True)):
        events = list(AuditEvent.objects.filter(chain_key=chain).order_by("sequence"))
        assert [e.sequence for e in events] == list(range(1, len(events) + 1))
        assert [e.prev_hash for e in events] == [GENESIS_HASH] + [e.hash for e in events[:-1]]


def test_client_ids_are_indexed_in_the_events_transaction(organization):
    event = audit_record(actor=None, organization=organization, action="read", client_ids=[7, 3, 7])
    assert event.client_ids == [3, 7]
    rows = AuditEventClient.objects.filter(event=event).values_list("client_id", flat=True)
    assert sorted(rows) == [3, 7]


def test_the_orm_refuses_to_change_or_delete_client_index_rows(organization):
    event = audit_record(actor=None, organization=organization, action="read", client_ids=[1])
    row = AuditEventClient.objects.get(event=event)
    with pytest.raises(PermissionError):
        AuditEventClient.objects.filter(pk=row.pk).update(client_id=2)
    with pytest.raises(PermissionError):
        AuditEventClient.objects.all().delete()
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        event.delete()


def _three_events(organization):
    client = ClientFactory(organization=organization)
    actor = UserFactory()
    return [
        audit_record(actor=actor, organization=organization, action="read", client_ids=[client.pk])
        for _ in range(3)
    ]


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _break():
    result = audit_verify()
    assert not result.ok
    return result.first_break


@sqlite_only
def test_an_altered_row_breaks_the_chain_at_that_row(organization):
    events = _three_events(organization)
    _raw("UPDATE clients_auditevent SET action = 'export' WHERE id = %s", [events[1].pk])
    found = _break()
    assert (found.chain_key, found.sequence, found.event_id) == (
        f"org:{organization.pk}",
        2,
        events[1].pk,
    )
    assert "content was changed" in found.problem
    with pytest.raises(CommandError, match=f"sequence 2, event id {events[1].pk}"):
        call_command("verify_audit")


@sqlite_only
def test_a_row_altered_with_its_hash_recomputed_breaks_the_next_link(organization):
    from clients.services.audit import event_digest

    events = _three_events(organization)
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.outcome = "denied"
    _raw(
        "UPDATE clients_auditevent SET outcome = 'denied', hash = %s WHERE id = %s",
        [event_digest(forged), forged.pk],
    )
    found = _break()
    assert (found.sequence, found.event_id) == (3, events[2].pk)
    assert "prev_hash" in found.problem


@sqlite_only
def test_a_deleted_row_breaks_the_sequence(organization):
    events = _three_events(organization)
    _raw("DELETE FROM clients_auditeventclient WHERE event_id = %s", [events[1].pk])
    _raw("DELETE FROM clients_auditevent WHERE id = %s", [events[1].pk])
    found = _break()
    assert found.event_id == events[2].pk
    assert "expected 2" in found.problem


@sqlite_only
def test_a_changed_client_index_row_is_found(organization):
    events = _three_events(organization)
    _raw("UPDATE clients_auditeventclient SET client_id = 999 WHERE event_id = %s", [events[0].pk])
    found = _break()
    assert found.event_id == events[0].pk
    assert "client index" in found.problem


@postgresql_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE clients_auditevent SET action = 'export'",
        "DELETE FROM clients_auditevent",
        "TRUNCATE clients_auditevent CASCADE",
        "UPDATE clients_auditeventclient SET client_id = 999",
        "DELETE FROM clients_auditeventclient",
        "TRUNCATE clients_auditeventclient",
    ],
)
def test_postgresql_refuses_to_change_the_trail(empty_db, organization, statement):
    _three_events(organization)
    # The test's transaction holds deferred foreign-key checks, and PostgreSQL will not TRUNCATE
    # a table with pending ones; running them first lets the statement reach the trigger.
    _raw("SET CONSTRAINTS ALL IMMEDIATE", [])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(statement, [])
    assert audit_verify().ok
    assert AuditEvent.objects.count() == 3
    assert AuditEventClient.objects.count() == 3

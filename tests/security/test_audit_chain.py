"""The audit trail proves itself: `seal_audit` chains the events and signs checkpoints, and
`verify_audit` finds an edited, deleted, reordered or re-hashed event, a cut tail and a forged
checkpoint, each with its sequence; a clean trail verifies. Tampering is done as a database
administrator would: raw SQL with the append-only triggers switched off (PostgreSQL), or straight
through (SQLite, which has none)."""

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from clients.models import AuditEvent, Role
from clients.models.audit import AuditCheckpoint, AuditEventClient, AuditSeal
from clients.services.audit import audit_record
from clients.services.audit_chain import GENESIS_HASH, event_digest, seal_hash
from clients.services.audit_seal import audit_seal
from clients.services.audit_sink import checkpoints_read
from clients.services.audit_verify import audit_verify
from config.signing_keys import key_id
from tests.conftest import AUDIT_TABLES
from tests.factories import ClientFactory, OrganizationFactory, UserFactory, api_client_for, member
from tests.screenings.helpers import phq9, start

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


def seal() -> None:
    call_command("seal_audit", stdout=_Sink())


class _Sink:
    def write(self, text: str) -> None:
        pass


def _events(organization, count: int = 3) -> list[AuditEvent]:
    client = ClientFactory(organization=organization)
    actor = UserFactory()
    return [
        audit_record(actor=actor, organization=organization, action="read", client_ids=[client.pk])
        for _ in range(count)
    ]


def sealed_events(organization, count: int = 3) -> list[AuditEvent]:
    events = _events(organization, count)
    audit_seal()
    return events


@contextmanager
def as_the_dba() -> Iterator:
    """A cursor that writes around the application, the triggers off (as an owner can)."""
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if pg:
            # Deferred foreign-key checks pending in the test's transaction block an ALTER.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in AUDIT_TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        try:
            yield cursor
        finally:
            if pg:
                for table in AUDIT_TABLES:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def seal_of(event: AuditEvent) -> AuditSeal:
    return AuditSeal.objects.get(event_id=event.pk)


def problems(checkpoints=None) -> list:
    result = audit_verify(checkpoints)
    assert not result.ok
    return result.problems


def rehash_from(sequence: int) -> None:
    """Recompute every seal from `sequence` on with the app's own functions, as a DBA covering
    an edit would."""
    previous = AuditSeal.objects.filter(sequence=sequence - 1).values_list("hash", flat=True)
    head = previous[0] if previous else GENESIS_HASH
    with as_the_dba() as cursor:
        for seal_row in AuditSeal.objects.filter(sequence__gte=sequence).order_by("sequence"):
            event = AuditEvent.objects.get(pk=seal_row.event_id)
            digest = seal_hash(seal_row.sequence, head, event_digest(event))
            cursor.execute(
                "UPDATE clients_auditseal SET prev_hash = %s, hash = %s WHERE id = %s",
                [head, digest, seal_row.pk],
            )
            head = digest


def test_a_clean_trail_verifies_after_a_representative_run_of_the_api(library, capsys):
    run_the_api(library)
    seal()
    result = audit_verify()
    assert result.ok, result.problems
    assert result.sealed == AuditEvent.objects.count() > 20
    assert result.unsealed == 0
    call_command("verify_audit")
    assert capsys.readouterr().out.strip() == (
        f"OK: {result.sealed} sealed events match {result.checkpoints} of the database's signed "
        "checkpoints; 0 unsealed"
    )


def test_requests_leave_events_unsealed_and_verify_audit_lists_them(empty_db, organization, capsys):
    events = _events(organization, 2)
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert f"Unsealed: 2 events (ids {events[0].pk}, {events[1].pk})" in out
    assert "OK: 0 sealed events" in out


def test_the_chain_is_one_sequence_from_genesis_linking_every_event(empty_db, organization):
    events = _events(organization, 2) + _events(OrganizationFactory(), 2)
    audit_seal()
    seals = list(AuditSeal.objects.order_by("sequence"))
    assert [s.sequence for s in seals] == [1, 2, 3, 4]
    assert [s.event_id for s in seals] == sorted(e.pk for e in events)
    assert [s.prev_hash for s in seals] == [GENESIS_HASH] + [s.hash for s in seals[:-1]]


def test_each_batch_ends_in_a_checkpoint_signed_with_the_configured_key(
    empty_db, organization, settings
):
    settings.AUDIT_SEAL_BATCH = 2
    _events(organization, 5)
    report = audit_seal()
    checkpoints = list(AuditCheckpoint.objects.order_by("sequence"))
    assert (
        [c.sequence for c in checkpoints] == [2, 4, 5] == [c.sequence for c in report.checkpoints]
    )
    public = settings.AUDIT_SIGNING_KEY.public_key()
    for row in checkpoints:
        assert row.key_id == key_id(public)
        assert row.head_hash == AuditSeal.objects.get(sequence=row.sequence).hash
        message = (
            f"screening-audit-checkpoint/v1\n{row.sequence}\n{row.head_hash}\n"
            f"{row.signed_at.isoformat()}\n"
        ).encode()
        public.verify(base64.b64decode(row.signature), message)  # raises if it does not hold


def test_client_ids_are_indexed_in_the_events_transaction(empty_db, organization):
    event = audit_record(actor=None, organization=organization, action="read", client_ids=[7, 3, 7])
    assert event.client_ids == [3, 7]
    rows = AuditEventClient.objects.filter(event=event).values_list("client_id", flat=True)
    assert sorted(rows) == [3, 7]


@pytest.mark.parametrize("model", [AuditEventClient, AuditSeal, AuditCheckpoint])
def test_the_orm_refuses_to_change_or_delete_the_trails_rows(empty_db, organization, model):
    sealed_events(organization, 1)
    row = model.objects.first()
    with pytest.raises(PermissionError):
        model.objects.filter(pk=row.pk).update(id=row.pk)
    with pytest.raises(PermissionError):
        model.objects.all().delete()
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()


def test_an_edited_event_is_reported_at_its_sequence(empty_db, organization):
    events = sealed_events(organization)
    with as_the_dba() as cursor:
        cursor.execute(
            "UPDATE clients_auditevent SET outcome = 'denied' WHERE id = %s", [events[1].pk]
        )
    found = problems()
    assert (found[0].sequence, found[0].event_id) == (seal_of(events[1]).sequence, events[1].pk)
    assert "no longer matches its seal" in found[0].problem
    with pytest.raises(CommandError, match=f"sequence {seal_of(events[1]).sequence}, event id"):
        call_command("verify_audit", stderr=_Sink())


def test_an_edit_with_the_whole_chain_rehashed_by_the_apps_own_digest_fails(empty_db, organization):
    events = sealed_events(organization)
    edited = seal_of(events[1]).sequence
    with as_the_dba() as cursor:
        cursor.execute(
            "UPDATE clients_auditevent SET outcome = 'denied' WHERE id = %s", [events[1].pk]
        )
    rehash_from(edited)
    found = problems()
    # Every link holds again; only the signed head no longer matches.
    head = AuditCheckpoint.objects.get().sequence
    assert [p.sequence for p in found] == [head]
    assert f"between sequence 1 and {head}" in found[0].problem
    with pytest.raises(CommandError, match=f"sequence {head}: the chain's head differs"):
        call_command("verify_audit", stderr=_Sink())


def test_a_deleted_event_is_reported_at_the_sequence_after_it(empty_db, organization):
    events = sealed_events(organization)
    removed = seal_of(events[1])
    with as_the_dba() as cursor:
        cursor.execute("DELETE FROM clients_auditseal WHERE id = %s", [removed.pk])
        cursor.execute("DELETE FROM clients_auditeventclient WHERE event_id = %s", [events[1].pk])
        cursor.execute("DELETE FROM clients_auditevent WHERE id = %s", [events[1].pk])
    found = problems()
    assert (found[0].sequence, found[0].event_id) == (removed.sequence + 1, events[2].pk)
    assert f"expected sequence {removed.sequence}" in found[0].problem


def test_a_deleted_event_with_the_chain_renumbered_and_rehashed_fails(empty_db, organization):
    events = sealed_events(organization)
    removed = seal_of(events[1])
    with as_the_dba() as cursor:
        cursor.execute("DELETE FROM clients_auditseal WHERE id = %s", [removed.pk])
        cursor.execute("DELETE FROM clients_auditeventclient WHERE event_id = %s", [events[1].pk])
        cursor.execute("DELETE FROM clients_auditevent WHERE id = %s", [events[1].pk])
        cursor.execute(
            "UPDATE clients_auditseal SET sequence = sequence - 1 WHERE sequence > %s",
            [removed.sequence],
        )
    rehash_from(removed.sequence)
    found = problems()
    assert found[-1].sequence == AuditCheckpoint.objects.get().sequence
    assert "tail was cut" in found[-1].problem


def test_reordered_events_are_reported_at_the_first_moved_sequence(empty_db, organization):
    events = sealed_events(organization)
    first, second = seal_of(events[0]), seal_of(events[1])
    with as_the_dba() as cursor:
        # Swap the two events' places in the chain.
        swap = "UPDATE clients_auditseal SET sequence = %s WHERE id = %s"
        cursor.execute(swap, [10**12, first.pk])
        cursor.execute(swap, [first.sequence, second.pk])
        cursor.execute(swap, [second.sequence, first.pk])
    found = problems()
    assert (found[0].sequence, found[0].event_id) == (first.sequence, events[1].pk)


def test_a_cut_tail_is_reported_when_its_checkpoint_is_still_there(
    empty_db, organization, settings
):
    settings.AUDIT_SEAL_BATCH = 2
    events = sealed_events(organization, 4)
    last = seal_of(events[3])
    with as_the_dba() as cursor:
        cursor.execute("DELETE FROM clients_auditseal WHERE id = %s", [last.pk])
        cursor.execute("DELETE FROM clients_auditeventclient WHERE event_id = %s", [events[3].pk])
        cursor.execute("DELETE FROM clients_auditevent WHERE id = %s", [events[3].pk])
    found = problems()
    assert [p.sequence for p in found] == [4]
    assert "chain ends at 3: its tail was cut" in found[0].problem


def test_a_tail_cut_with_its_checkpoints_is_found_by_the_exported_file(
    empty_db, organization, settings, django_capture_on_commit_callbacks
):
    settings.AUDIT_SEAL_BATCH = 2
    with django_capture_on_commit_callbacks(execute=True):
        events = sealed_events(organization, 4)
    with as_the_dba() as cursor:
        for event in events[2:]:
            cursor.execute("DELETE FROM clients_auditseal WHERE event_id = %s", [event.pk])
            cursor.execute("DELETE FROM clients_auditeventclient WHERE event_id = %s", [event.pk])
            cursor.execute("DELETE FROM clients_auditevent WHERE id = %s", [event.pk])
        cursor.execute("DELETE FROM clients_auditcheckpoint WHERE sequence > 2")
    assert audit_verify().ok  # the database alone cannot tell
    exported = settings.AUDIT_CHECKPOINT_FILE
    found = problems(checkpoints_read(exported))
    assert [p.sequence for p in found] == [4]
    assert "chain ends at 2: its tail was cut" in found[0].problem
    with pytest.raises(CommandError, match="sequence 4: a signed checkpoint covers"):
        call_command("verify_audit", checkpoints=exported, stderr=_Sink())


def test_the_exported_file_verifies_a_clean_chain_with_the_databases_checkpoints_gone(
    empty_db, organization, settings, django_capture_on_commit_callbacks, capsys
):
    with django_capture_on_commit_callbacks(execute=True):
        sealed_events(organization, 3)
    with as_the_dba() as cursor:
        cursor.execute("DELETE FROM clients_auditcheckpoint")
    call_command("verify_audit", checkpoints=settings.AUDIT_CHECKPOINT_FILE)
    assert "OK: 3 sealed events match 1 of the file's signed checkpoints" in capsys.readouterr().out


def test_the_exported_file_catches_a_rehash_that_also_rewrote_the_databases_checkpoint(
    empty_db, organization, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        events = sealed_events(organization)
    with as_the_dba() as cursor:
        cursor.execute(
            "UPDATE clients_auditevent SET action = 'export' WHERE id = %s", [events[0].pk]
        )
    rehash_from(1)
    head = AuditSeal.objects.order_by("-sequence").first()
    with as_the_dba() as cursor:
        cursor.execute(
            "UPDATE clients_auditcheckpoint SET head_hash = %s WHERE sequence = %s",
            [head.hash, head.sequence],
        )
    found = problems(checkpoints_read(settings.AUDIT_CHECKPOINT_FILE))
    assert [p.sequence for p in found] == [head.sequence]
    assert "differs from the signed checkpoint" in found[0].problem


def test_a_checkpoint_edited_in_the_database_is_reported_as_forged(empty_db, organization):
    sealed_events(organization)
    checkpoint = AuditCheckpoint.objects.get()
    with as_the_dba() as cursor:
        cursor.execute(
            "UPDATE clients_auditcheckpoint SET head_hash = %s WHERE id = %s",
            ["f" * 64, checkpoint.pk],
        )
    found = problems()
    assert found[0].sequence == checkpoint.sequence
    assert "signature does not verify" in found[0].problem


def test_a_checkpoint_signed_with_another_key_is_reported_as_forged(
    empty_db, organization, settings
):
    sealed_events(organization)
    genuine = settings.AUDIT_SIGNING_KEY
    settings.AUDIT_SIGNING_KEY = Ed25519PrivateKey.generate()  # the forger's own key
    _events(organization, 1)
    audit_seal()
    settings.AUDIT_SIGNING_KEY = genuine
    found = problems()
    assert [p.sequence for p in found] == [4]
    assert "unknown key" in found[0].problem


def test_checkpoints_of_a_retired_key_verify_once_its_public_key_is_listed(
    empty_db, organization, settings
):
    sealed_events(organization)
    retired = settings.AUDIT_SIGNING_KEY
    settings.AUDIT_SIGNING_KEY = Ed25519PrivateKey.generate()
    assert not audit_verify().ok
    settings.AUDIT_VERIFY_KEYS = [retired.public_key()]
    _events(organization, 1)
    audit_seal()
    assert audit_verify().ok


def test_an_exported_file_that_is_not_checkpoints_is_refused(empty_db, organization, tmp_path):
    bad = Path(tmp_path) / "bad.jsonl"
    bad.write_text('{"format": "something-else"}\n')
    with pytest.raises(CommandError, match="line 1: not a checkpoint"):
        call_command("verify_audit", checkpoints=str(bad))


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
        "UPDATE clients_auditseal SET hash = 'x'",
        "DELETE FROM clients_auditseal",
        "TRUNCATE clients_auditseal",
        "UPDATE clients_auditcheckpoint SET head_hash = 'x'",
        "DELETE FROM clients_auditcheckpoint",
        "TRUNCATE clients_auditcheckpoint",
    ],
)
def test_postgresql_refuses_to_change_the_trail(empty_db, organization, statement):
    sealed_events(organization)
    # The test's transaction holds deferred foreign-key checks, and PostgreSQL will not TRUNCATE
    # a table with pending ones; running them first lets the statement reach the trigger.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert audit_verify().ok
    assert (AuditEvent.objects.count(), AuditSeal.objects.count()) == (3, 3)

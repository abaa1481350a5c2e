"""Sealing: batches in id order that never pass a gap an open transaction may still fill (until
the grace period says it rolled back), a checkpoint per batch that leaves the database only once
committed, the periodic task, and the signing key's settings."""

import base64
import json
import os
import stat
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from clients.models import AuditEvent
from clients.models.audit import AuditCheckpoint, AuditSeal
from clients.services.audit import audit_record
from clients.services.audit_seal import audit_seal
from clients.services.audit_sink import checkpoints_read
from clients.services.audit_verify import audit_verify
from config.audit_startup import require_audit_signing_key
from config.signing_keys import private_key_from_file, signing_key_from_environment
from periodic.registry import BY_NAME
from tests.factories import OrganizationFactory
from tests.foundation.test_settings import import_settings


def event(organization, **fields) -> AuditEvent:
    return audit_record(actor=None, organization=organization, action="read", **fields)


def event_with_id(organization, pk: int) -> AuditEvent:
    """An event at a chosen id, as a transaction that drew that id and commits now would leave
    it (bulk_create: the model's save() refuses a preset primary key)."""
    (made,) = AuditEvent.objects.bulk_create(
        [AuditEvent(pk=pk, occurred_at=timezone.now(), organization=organization, action="read")]
    )
    return AuditEvent.objects.get(pk=made.pk)


def sealed_ids() -> list[int]:
    return list(AuditSeal.objects.order_by("sequence").values_list("event_id", flat=True))


@pytest.fixture
def sealed_start(empty_db, organization, settings):
    """One event sealed (so the chain has a highest id), then a 30 s grace period."""
    first = event(organization)
    audit_seal()
    settings.AUDIT_SEAL_GRACE = 30
    return first


def test_events_with_no_gap_are_sealed_at_once_whatever_the_grace(sealed_start, organization):
    following = [event(organization), event(organization)]
    report = audit_seal()
    assert report.sealed == 2
    assert sealed_ids() == [sealed_start.pk, *(e.pk for e in following)]


def test_a_batch_stops_before_a_young_gap_and_passes_it_once_the_grace_is_over(
    sealed_start, organization
):
    after_gap = event_with_id(organization, sealed_start.pk + 2)
    waiting = audit_seal(now=after_gap.occurred_at + timedelta(seconds=5))
    assert (waiting.sealed, waiting.waiting_at_gap) == (0, sealed_start.pk + 1)
    passed = audit_seal(now=after_gap.occurred_at + timedelta(seconds=31))
    assert passed.sealed == 1
    assert sealed_ids() == [sealed_start.pk, after_gap.pk]


def test_an_event_committed_after_the_grace_is_sealed_late_never_lost(sealed_start, organization):
    after_gap = event_with_id(organization, sealed_start.pk + 2)
    audit_seal(now=after_gap.occurred_at + timedelta(seconds=31))
    late = event_with_id(organization, sealed_start.pk + 1)
    report = audit_seal()
    assert (report.sealed, report.late) == (1, 1)
    assert sealed_ids() == [sealed_start.pk, after_gap.pk, late.pk]
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serializes writers: no open insert to wait on"
)
def test_a_batch_never_seals_past_an_event_a_still_open_transaction_holds(settings):
    organization = OrganizationFactory()
    event(organization)
    audit_seal()  # the chain's start, gaps before it passed (the grace is 0 here)
    settings.AUDIT_SEAL_GRACE = 60
    inserted, commit = threading.Event(), threading.Event()
    held: dict[str, int] = {}

    def open_transaction() -> None:
        try:
            with transaction.atomic():
                held["id"] = event(organization).pk
                inserted.set()
                commit.wait(timeout=10)
        finally:
            connection.close()

    rival = threading.Thread(target=open_transaction)
    rival.start()
    try:
        assert inserted.wait(timeout=10)
        committed = event(organization)  # drew the next id, and committed first
        assert committed.pk > held["id"]
        waiting = audit_seal()
        assert (waiting.sealed, waiting.waiting_at_gap) == (0, held["id"])
    finally:
        commit.set()
        rival.join()
    assert audit_seal().sealed == 2
    assert sealed_ids()[-2:] == [held["id"], committed.pk]
    assert audit_verify().ok


def test_seal_audit_prints_each_checkpoint_and_the_count(empty_db, organization, capsys):
    event(organization)
    event(organization)
    call_command("seal_audit")
    out = capsys.readouterr().out.splitlines()
    checkpoint = json.loads(out[0])
    assert checkpoint["sequence"] == 2
    assert checkpoint["head_hash"] == AuditCheckpoint.objects.get().head_hash
    assert out[-1] == "Sealed 2 events (0 late) in 1 checkpoints."


def test_without_a_signing_key_seal_audit_refuses_and_seals_nothing(organization, settings):
    event(organization)
    settings.AUDIT_SIGNING_KEY = None
    with pytest.raises(CommandError, match="No audit signing key: set AUDIT_SIGNING_KEY"):
        call_command("seal_audit")
    assert not AuditSeal.objects.exists()


def test_a_checkpoint_reaches_the_log_and_the_file_once_its_transaction_commits(
    empty_db, organization, settings, caplog, django_capture_on_commit_callbacks
):
    event(organization)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        audit_seal()
    assert not Path(settings.AUDIT_CHECKPOINT_FILE).exists()  # not before the commit
    with caplog.at_level("INFO", logger="audit.checkpoint"):
        for callback in pending:
            callback()
    (written,) = checkpoints_read(settings.AUDIT_CHECKPOINT_FILE)
    stored = AuditCheckpoint.objects.get()
    assert (written.sequence, written.head_hash, written.signature) == (
        stored.sequence,
        stored.head_hash,
        stored.signature,
    )
    assert written.to_json() in caplog.text
    mode = stat.S_IMODE(os.stat(settings.AUDIT_CHECKPOINT_FILE).st_mode)
    assert mode == 0o600


def test_a_seal_rolled_back_leaves_no_checkpoint_in_the_file(
    organization, settings, django_capture_on_commit_callbacks
):
    event(organization)

    def seal_then_fail() -> None:
        with transaction.atomic():
            audit_seal()
            raise RuntimeError("the seal's transaction fails")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        seal_then_fail()
    assert not Path(settings.AUDIT_CHECKPOINT_FILE).exists()
    assert not AuditCheckpoint.objects.exists()


def test_the_periodic_task_seals_every_audit_seal_interval(organization, settings):
    settings.AUDIT_SEAL_INTERVAL = 7
    entry = BY_NAME["audit.seal"]
    assert entry.interval() == timedelta(seconds=7)
    event(organization)
    assert import_string(entry.function)() >= 1
    assert not AuditEvent.objects.filter(seal__isnull=True).exists()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AUDIT_SIGNING_KEY": "not base64!"}, "AUDIT_SIGNING_KEY is not base64."),
        ({"AUDIT_SIGNING_KEY": base64.b64encode(b"short").decode()}, "is 5 bytes once decoded"),
        ({"AUDIT_SIGNING_KEY_FILE": "/nonexistent/audit.key"}, "cannot be read"),
        (
            {
                "AUDIT_SIGNING_KEY": base64.b64encode(bytes(32)).decode(),
                "AUDIT_SIGNING_KEY_FILE": "x",
            },
            "not both",
        ),
    ],
)
def test_a_bad_signing_key_setting_is_refused(env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        signing_key_from_environment(env)


def test_a_key_file_that_is_not_an_ed25519_key_is_refused(tmp_path):
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = tmp_path / "ec.pem"
    path.write_bytes(other)
    with pytest.raises(ImproperlyConfigured, match="is not an Ed25519 key"):
        private_key_from_file(str(path))
    path.write_text("hello")
    with pytest.raises(ImproperlyConfigured, match="not an unencrypted PEM private key"):
        private_key_from_file(str(path))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("AUDIT_SEAL_INTERVAL", "0", "AUDIT_SEAL_INTERVAL='0' is below its minimum, 1."),
        ("AUDIT_SEAL_GRACE", "soon", "AUDIT_SEAL_GRACE='soon' is not a whole number."),
        ("AUDIT_SIGNING_KEY", "YWJj", "AUDIT_SIGNING_KEY is 3 bytes once decoded"),
    ],
)
def test_a_malformed_audit_setting_stops_the_start(name, value, message):
    result = import_settings(DEBUG="1", **{name: value})
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr


def test_audit_keygen_writes_a_private_key_file_once(tmp_path, capsys):
    path = tmp_path / "var" / "audit.key"
    call_command("audit_keygen", str(path))
    first = capsys.readouterr().out
    assert first.startswith(f"Wrote audit signing key {path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = private_key_from_file(str(path))
    call_command("audit_keygen", str(path))
    assert capsys.readouterr().out.startswith("Kept")
    assert private_key_from_file(str(path)).private_bytes_raw() == key.private_bytes_raw()


def test_a_production_server_refuses_to_start_without_a_signing_key(settings):
    settings.DEBUG = False
    settings.AUDIT_SIGNING_KEY = None
    with pytest.raises(ImproperlyConfigured, match="No audit signing key"):
        require_audit_signing_key()
    settings.AUDIT_SIGNING_DISABLED = True
    require_audit_signing_key()  # disabled on purpose: starts

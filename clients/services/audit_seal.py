"""Sealing: committed audit events get their place in the chain, and each batch a signed
checkpoint. Run by the periodic task `audit.seal` (every AUDIT_SEAL_INTERVAL seconds) and by
`manage.py seal_audit`; never by a request.

The order is the event ids' (ids are drawn at insert, not at commit). A batch takes the events
after the highest id sealed so far, in id order, and stops before a gap in the ids: the missing
id belongs to a transaction that rolled back or one still open, and only the second can fill it.
The database cannot tell the two apart from here, so a gap holds sealing back for
AUDIT_SEAL_GRACE seconds (counted from the event just after it, whose id was drawn later); past
that it counts as rolled back. An event whose transaction stayed open longer than that is not
lost: it is found unsealed below the highest sealed id and sealed in the next batch, after the
events it should have preceded (logged as late). The chain's order, once sealed, never changes.

Two sealers at once: on PostgreSQL the second finds the sealer's advisory lock taken and does
nothing this round (a lock only the sealer takes; requests never touch it). SQLite runs one
writer at a time anyway. The unique sequence would refuse a fork in any case.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from clients.models import AuditEvent
from clients.models.audit import AuditCheckpoint, AuditSeal
from clients.services.audit_chain import (
    GENESIS_HASH,
    Checkpoint,
    event_digest,
    seal_hash,
    sign,
    signing_key,
)
from clients.services.audit_sink import checkpoint_publish

logger = logging.getLogger(__name__)

# Key of the sealer's PostgreSQL advisory lock (arbitrary, fixed: "audit" in ASCII).
SEALER_LOCK = 0x6175646974
# The periodic run looks this far back for late events; `seal_audit --full` looks at all.
LATE_LOOKBACK = timedelta(hours=1)


@dataclass
class SealReport:
    sealed: int = 0
    late: int = 0
    checkpoints: list[Checkpoint] = field(default_factory=list)
    # Set when a gap younger than the grace period stopped the last batch.
    waiting_at_gap: int | None = None


def audit_seal(*, full: bool = False, now: datetime | None = None) -> SealReport:
    """Seal every event that can be sealed now, a batch (and a checkpoint) at a time."""
    signing_key()  # no key, no sealing: fail before touching anything
    report = SealReport()
    while True:
        before = report.sealed
        if not _seal_batch(report, full=full, now=now or timezone.now()):
            break
        if report.sealed == before:
            break
    return report


def audit_seal_periodic() -> int:
    """The periodic task's entry (periodic/registry.py): how many events it sealed."""
    report = audit_seal()
    if report.late:
        logger.warning("audit seal: %d late event(s) sealed after later ones", report.late)
    return report.sealed


def _sealer_lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEALER_LOCK])
        return bool(cursor.fetchone()[0])


def _seal_batch(report: SealReport, *, full: bool, now: datetime) -> bool:
    """One batch and its checkpoint, in one transaction. False when there was nothing to do."""
    with transaction.atomic():
        if not _sealer_lock():
            return False
        batch = _next_batch(report, full=full, now=now)
        if not batch:
            return False
        tail = AuditSeal.objects.order_by("-sequence").values_list("sequence", "hash").first()
        sequence, head = tail if tail else (0, GENESIS_HASH)
        seals = []
        for event in batch:
            sequence += 1
            digest = seal_hash(sequence, head, event_digest(event))
            seals.append(AuditSeal(sequence=sequence, event=event, prev_hash=head, hash=digest))
            head = digest
        AuditSeal.objects.bulk_create(seals)
        checkpoint = sign(sequence, head, timezone.now())
        AuditCheckpoint.objects.create(
            sequence=checkpoint.sequence,
            head_hash=checkpoint.head_hash,
            signed_at=checkpoint.signed_at,
            key_id=checkpoint.key_id,
            signature=checkpoint.signature,
        )
        transaction.on_commit(lambda: checkpoint_publish(checkpoint))
    report.sealed += len(batch)
    report.checkpoints.append(checkpoint)
    return True


def _next_batch(report: SealReport, *, full: bool, now: datetime) -> list[AuditEvent]:
    limit = settings.AUDIT_SEAL_BATCH
    highest = AuditSeal.objects.aggregate(highest=Max("event_id"))["highest"] or 0
    # Late events: committed after events with higher ids were sealed.
    late = AuditEvent.objects.filter(pk__lte=highest, seal__isnull=True)
    if not full:
        late = late.filter(occurred_at__gte=now - LATE_LOOKBACK)
    batch = list(late.order_by("pk")[:limit])
    report.late += len(batch)
    grace = timedelta(seconds=settings.AUDIT_SEAL_GRACE)
    previous = highest
    fresh = AuditEvent.objects.filter(pk__gt=highest).order_by("pk")[: limit - len(batch)]
    for event in fresh:
        if event.pk != previous + 1 and now - event.occurred_at < grace:
            report.waiting_at_gap = previous + 1
            break
        batch.append(event)
        previous = event.pk
    return batch

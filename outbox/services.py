"""The transactional outbox: the one way an event leaves the service.

`outbox_emit` writes the events in the caller's transaction (so nothing is announced for a change
that rolled back) and queues their dispatch when that transaction commits. If the process dies
between the commit and the enqueue, or the queue refuses, the rows are still there: `outbox_sweep`
(periodic) hands them over again. `outbox_dispatch` runs the handlers once per event, in one
transaction, so a duplicate dispatch does nothing.
"""

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.tasks import URGENT_PRIORITY
from outbox.events import Event
from outbox.handlers import registered
from outbox.models import OutboxEvent
from outbox.tasks import dispatch_events

logger = logging.getLogger("outbox")

SWEEP_BATCH = 100


def outbox_emit(*, organization_id: int, events: Sequence[Event]) -> list[OutboxEvent]:
    """Write `events` of one organization in the caller's transaction (one INSERT) and queue
    their dispatch on commit. Every event that leaves the service goes through here."""
    if not events:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_emit belongs inside the transaction of the change it reports")
    now = timezone.now()
    rows = OutboxEvent.objects.bulk_create(
        OutboxEvent(
            organization_id=organization_id,
            type=event.type,
            subject_type=event.subject_type,
            subject_id=event.subject_id,
            data=event.data,
            urgent=event.urgent,
            occurred_at=now,
            enqueued_at=now,
        )
        for event in events
    )
    ids = [row.pk for row in rows]
    urgent = any(event.urgent for event in events)
    transaction.on_commit(lambda: _enqueue(ids, urgent=urgent))
    return rows


def _enqueue(ids: list[int], *, urgent: bool) -> None:
    # After the commit: a failure here must not fail a request whose change is already stored;
    # the sweep will hand the events over again.
    try:
        task = dispatch_events.using(priority=URGENT_PRIORITY) if urgent else dispatch_events
        task.enqueue(ids)
    except Exception:
        logger.exception("could not queue the dispatch of events %s; the sweep will", ids)


def outbox_dispatch(event_id: int) -> bool:
    """Run every handler on the event, in one transaction, unless it was dispatched already.
    A handler's exception rolls the whole dispatch back (the task fails, the sweep retries)."""
    with transaction.atomic():
        event = (
            OutboxEvent.objects.select_for_update(of=("self",))
            .filter(pk=event_id, dispatched_at__isnull=True)
            .select_related("organization")
            .first()
        )
        if event is None:
            return False
        for handler in registered():
            handler(event)
        event.dispatched_at = timezone.now()
        event.save(update_fields=["dispatched_at"])
    return True


def outbox_sweep() -> int:
    """Queue again the events not dispatched for a sweep interval since they were last queued
    (lost enqueue, failed dispatch); returns how many. Bounded: a row is re-queued at most once
    per interval, so a backlog never piles up duplicates."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.OUTBOX_SWEEP_INTERVAL)
    stale = list(
        OutboxEvent.objects.filter(dispatched_at__isnull=True, enqueued_at__lte=cutoff)
        .order_by("id")
        .values_list("id", "urgent")[: SWEEP_BATCH * 10]
    )
    if not stale:
        return 0
    ids = [pk for pk, _ in stale]
    OutboxEvent.objects.filter(pk__in=ids).update(enqueued_at=now)
    for start in range(0, len(stale), SWEEP_BATCH):
        chunk = stale[start : start + SWEEP_BATCH]
        _enqueue([pk for pk, _ in chunk], urgent=any(urgent for _, urgent in chunk))
    logger.info("outbox sweep queued %d undispatched events again", len(ids))
    return len(ids)

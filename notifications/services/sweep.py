"""The periodic safety net of notifications (periodic/registry.py, every OUTBOX_SWEEP_INTERVAL):
work that was due a sweep interval ago and has not been done since it was last queued is queued
again (its task was lost: a crash between commit and enqueue, a backend that dropped it). A row
is re-queued at most once per interval, so a backlog never piles up duplicates; a duplicate that
does run finds nothing to do (leases, locks and status checks)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus, Escalation, FhirSubscription
from notifications.services.queue import (
    queue_deliveries,
    queue_escalation_check,
    queue_subscription_activation,
)

BATCH = 1000


def notifications_sweep() -> dict[str, int]:
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.OUTBOX_SWEEP_INTERVAL)
    deliveries = list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=cutoff, enqueued_at__lte=cutoff
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", "priority")[:BATCH]
    )
    Delivery.objects.filter(pk__in=[pk for pk, _ in deliveries]).update(enqueued_at=now)
    for priority in {p for _, p in deliveries}:
        queue_deliveries([pk for pk, p in deliveries if p == priority], priority=priority)

    escalations = list(
        Escalation.objects.filter(
            resolved_at__isnull=True, next_check_at__lte=cutoff, enqueued_at__lte=cutoff
        ).values_list("pk", flat=True)[:BATCH]
    )
    Escalation.objects.filter(pk__in=escalations).update(enqueued_at=now)
    for pk in escalations:
        queue_escalation_check(pk, at=now)

    requested = list(
        FhirSubscription.objects.filter(
            status="requested", deleted_at__isnull=True, updated_at__lte=cutoff
        ).values_list("pk", flat=True)[:BATCH]
    )
    for pk in requested:
        queue_subscription_activation(pk)
    return {
        "deliveries": len(deliveries),
        "escalations": len(escalations),
        "subscriptions": len(requested),
    }

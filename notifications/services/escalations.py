"""Escalation of urgent flags, event-driven: an urgent `flag.raised` starts a clock (the check
is queued with `run_after` = raised + the organization's delay); each check that finds the flag
still open records an audit event, emits `flag.escalated` (e-mail to the escalation contacts,
webhooks) and queues the next check an interval later; a clinician's acknowledgement (or
dismissal) stops it. Nothing polls."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from clients.models.audit import AuditAction
from clients.selectors import safety_settings_get
from clients.services.audit import audit_record
from notifications.models import Escalation
from notifications.services.queue import queue_escalation_check
from outbox.events import Event, EventType
from outbox.models import OutboxEvent
from outbox.services import outbox_emit
from screening.models import Flag, FlagStatus

# The escalation's details (notice number, minutes open) are in the event's detail.
AUDIT_ACTION = AuditAction.FLAG_ESCALATED


def escalation_start(*, event: OutboxEvent) -> Escalation:
    """Start (or, for a reopened flag, restart) the clock of the flag `event` is about."""
    settings = safety_settings_get(organization=event.organization)
    now = timezone.now()
    due = event.occurred_at + timedelta(minutes=settings.escalation_delay_minutes)
    escalation, created = Escalation.objects.select_for_update().get_or_create(
        flag_id=event.subject_id,
        defaults={
            "organization_id": event.organization_id,
            "created_at": now,
            "next_check_at": due,
            "enqueued_at": now,
        },
    )
    if not created:
        if escalation.resolved_at is None:
            return escalation  # already running
        escalation.resolved_at = None
        escalation.resolution = ""
        escalation.next_check_at = due
        escalation.enqueued_at = now
        escalation.save()
    queue_escalation_check(escalation.pk, at=due)
    return escalation


def escalation_resolve(*, flag_id: int, resolution: str) -> None:
    Escalation.objects.filter(flag_id=flag_id, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolution=resolution
    )


def escalation_check(escalation_id: int) -> str:
    """What the queued check found: resolved, not due, or escalated (and the next one queued)."""
    now = timezone.now()
    with transaction.atomic():
        escalation = (
            Escalation.objects.select_for_update(of=("self",))
            .select_related("organization")
            .filter(pk=escalation_id, resolved_at__isnull=True)
            .first()
        )
        if escalation is None:
            return "resolved"
        if escalation.next_check_at > now:
            return "not due"  # an early duplicate; the real check is queued for its time
        flag = Flag.objects.get(pk=escalation.flag_id)
        if flag.status != FlagStatus.OPEN:
            escalation.resolved_at = now
            escalation.resolution = flag.status
            escalation.save(update_fields=["resolved_at", "resolution"])
            return "resolved"
        settings = safety_settings_get(organization=escalation.organization)
        escalation.notified_count += 1
        escalation.last_notified_at = now
        escalation.next_check_at = now + timedelta(minutes=settings.escalation_interval_minutes)
        escalation.enqueued_at = now
        escalation.save()
        minutes_open = int((now - flag.created_at).total_seconds() // 60)
        detail = {"notice": escalation.notified_count, "minutes_open": minutes_open}
        audit_record(
            actor=None,
            actor_label="escalation",
            organization=escalation.organization,
            action=AUDIT_ACTION,
            object_type="flag",
            object_id=flag.pk,
            client_ids=[flag.client_id],
            detail={"escalation": detail},
        )
        outbox_emit(
            organization_id=escalation.organization_id,
            events=[
                Event(
                    EventType.FLAG_ESCALATED,
                    "flag",
                    flag.pk,
                    {
                        "flag": {
                            "id": flag.pk,
                            "severity": flag.severity,
                            "rule": flag.rule_id,
                            "condition": flag.condition_code,
                            "status": flag.status,
                        },
                        "escalation": detail,
                        "screening": {"id": flag.screening_id},
                        "client": {"id": flag.client_id},
                    },
                    urgent=True,
                )
            ],
        )
        queue_escalation_check(escalation.pk, at=escalation.next_check_at)
    return "escalated"

"""The events that leave the service: their names (Standard Webhooks `type`, and the audit trail's
fine-grained action names) and what an emitted event carries."""

from dataclasses import dataclass, field
from typing import Any

from django.db import models


class EventType(models.TextChoices):
    FLAG_RAISED = "flag.raised", "A flag for clinician review was raised"
    FLAG_REVIEWED = "flag.reviewed", "A clinician acknowledged, dismissed or reopened a flag"
    FLAG_ESCALATED = (
        "flag.escalated",
        "An urgent flag was not acknowledged in time; its escalation contacts were notified",
    )
    SCREENING_COMPLETED = "screening.completed", "A screening was completed and scored"
    WEBHOOK_DISABLED = (
        "webhook.disabled",
        "A webhook endpoint was disabled after repeated failed deliveries",
    )


@dataclass(frozen=True)
class Event:
    """One event to emit. `data` carries ids and codes only, never a client's name or answers:
    a receiver fetches what it needs with its own (audited) credentials."""

    type: EventType
    subject_type: str
    subject_id: int
    data: dict[str, Any] = field(default_factory=dict)
    urgent: bool = False  # handed to the queue ahead of routine work

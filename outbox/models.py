from django.db import models
from django.db.models import Q

from outbox.events import EventType


class OutboxEvent(models.Model):
    """An event written in the transaction of the change it reports (`outbox_emit`): it exists
    exactly when the change committed. Dispatch hands it to the handlers (webhooks, FHIR
    Subscriptions, e-mail, escalation) once; `dispatched_at` says it was."""

    organization = models.ForeignKey(
        "clients.Organization", on_delete=models.PROTECT, related_name="+"
    )
    type = models.CharField(max_length=40, choices=EventType.choices)
    subject_type = models.CharField(max_length=40)
    subject_id = models.BigIntegerField()
    data = models.JSONField(default=dict)
    urgent = models.BooleanField(default=False)
    occurred_at = models.DateTimeField()
    enqueued_at = models.DateTimeField()  # last handed to the queue (the sweep re-hands)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-id",)
        indexes = [
            models.Index(fields=("subject_type", "subject_id", "type"), name="outbox_subject_idx"),
            # The sweep's scan: only the few rows not dispatched yet.
            models.Index(
                fields=("enqueued_at",),
                name="outbox_undispatched_idx",
                condition=Q(dispatched_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.subject_type}/{self.subject_id}"

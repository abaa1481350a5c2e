from django.db import models
from django.db.models import Q


class Channel(models.TextChoices):
    WEBHOOK = "webhook", "Webhook"
    FHIR = "fhir", "FHIR Subscription"
    EMAIL = "email", "E-mail"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (retries exhausted)"
    CANCELLED = "cancelled", "Cancelled (its endpoint was disabled or removed)"


class Delivery(models.Model):
    """One event for one destination (a webhook endpoint, a FHIR Subscription or an e-mail
    recipient), created by the dispatch in the event's fan-out transaction and tried until it
    succeeds or WEBHOOK_RETRY_HOURS have passed. Every attempt of a webhook delivery carries the
    same `message_id` (its `webhook-id`), so a receiver can drop a duplicate."""

    organization = models.ForeignKey(
        "clients.Organization", on_delete=models.PROTECT, related_name="+"
    )
    event = models.ForeignKey(
        "outbox.OutboxEvent", on_delete=models.PROTECT, related_name="deliveries"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    endpoint = models.ForeignKey(
        "notifications.WebhookEndpoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    subscription = models.ForeignKey(
        "notifications.FhirSubscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    recipient = models.CharField(max_length=254, blank=True)  # e-mail
    message_id = models.CharField(max_length=40, unique=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)  # an attempt is under way
    enqueued_at = models.DateTimeField()
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    last_latency_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    retry_until = models.DateTimeField()  # created (or redelivered) + WEBHOOK_RETRY_HOURS
    delivered_at = models.DateTimeField(null=True, blank=True)
    priority = models.SmallIntegerField(default=0)

    class Meta:
        ordering = ("-id",)
        constraints = [
            models.UniqueConstraint(
                fields=("event", "endpoint"),
                condition=Q(endpoint__isnull=False),
                name="delivery_once_per_endpoint",
            ),
            models.UniqueConstraint(
                fields=("event", "subscription"),
                condition=Q(subscription__isnull=False),
                name="delivery_once_per_subscription",
            ),
            models.UniqueConstraint(
                fields=("event", "recipient"),
                condition=Q(channel="email"),
                name="delivery_once_per_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=("endpoint", "-id"), name="delivery_endpoint_idx"),
            models.Index(
                fields=("next_attempt_at",),
                name="delivery_pending_idx",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} delivery {self.message_id} ({self.status})"


class DeliveryAttempt(models.Model):
    """One try of a delivery: when, the HTTP status (none when no answer came), how long it
    took, and what went wrong. The response body is not kept."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    attempted_at = models.DateTimeField()
    succeeded = models.BooleanField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField()
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("delivery", "number")

    def __str__(self) -> str:
        return f"Attempt {self.number} of delivery {self.delivery_id}"

from django.conf import settings
from django.db import models


class WebhookEndpoint(models.Model):
    """Where an organization wants events posted, signed per Standard Webhooks with its secret
    (kept encrypted: it must be read again to sign). Disabled, with a reason, after
    WEBHOOK_DISABLE_AFTER_FAILURES failed attempts in a row; an org admin re-enables it."""

    organization = models.ForeignKey(
        "clients.Organization", on_delete=models.PROTECT, related_name="+"
    )
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list)
    secret_encrypted = models.TextField()
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    failure_streak = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=("organization", "active"), name="webhook_org_active_idx")]

    def __str__(self) -> str:
        return f"Webhook {self.pk} of organization {self.organization_id}"

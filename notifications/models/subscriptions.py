from django.conf import settings
from django.db import models


class SubscriptionStatus(models.TextChoices):
    """FHIR R4 SubscriptionStatus."""

    REQUESTED = "requested", "Requested"
    ACTIVE = "active", "Active"
    ERROR = "error", "Error"
    OFF = "off", "Off"


class FhirSubscription(models.Model):
    """A FHIR R4 Subscription (rest-hook) of an integration: notifications of its organization's
    resources matching `criteria` POSTed to `endpoint`. `requested` until the worker has checked
    the endpoint, then `active`; `error` (with `error` saying why) after repeated failures."""

    organization = models.ForeignKey(
        "clients.Organization", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    criteria = models.CharField(max_length=200)
    resource_type = models.CharField(max_length=40)  # of the criteria: Flag, QuestionnaireResponse
    status_filter = models.CharField(max_length=40, blank=True)  # `status=` of the criteria
    reason = models.TextField()
    endpoint = models.URLField(max_length=2000)
    payload = models.CharField(max_length=60, blank=True)  # "": notify without a body
    headers_encrypted = models.TextField(blank=True)
    end = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=SubscriptionStatus.choices, default=SubscriptionStatus.REQUESTED
    )
    error = models.TextField(blank=True)
    failure_streak = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-id",)
        indexes = [models.Index(fields=("organization", "status"), name="fhir_sub_org_status_idx")]

    def __str__(self) -> str:
        return f"Subscription {self.pk} ({self.criteria}, {self.status})"

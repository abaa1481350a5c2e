from django.conf import settings
from django.db import models

# Shown to a client who answers a critical item until the organization writes its own.
DEFAULT_CRISIS_TEXT = (
    "If you are thinking about harming yourself, or you are in danger now, call your local "
    "emergency number or go to the nearest emergency department."
)


class SafetySettings(models.Model):
    """An organization's safety settings: the crisis guidance a client sees after a critical
    answer, who is told of an urgent flag at once (on call), and who is told when nobody has
    acknowledged it in time (escalation), repeated until a clinician does. Changed only through
    `clients.services.safety.safety_settings_update` (audited)."""

    organization = models.OneToOneField(
        "clients.Organization",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="safety_settings",
    )
    crisis_text = models.TextField(default=DEFAULT_CRISIS_TEXT)
    on_call_emails = models.JSONField(default=list, blank=True)
    escalation_emails = models.JSONField(default=list, blank=True)
    escalation_delay_minutes = models.PositiveIntegerField(default=30)
    escalation_interval_minutes = models.PositiveIntegerField(default=30)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "safety settings"
        verbose_name_plural = "safety settings"

    def __str__(self) -> str:
        return f"Safety settings of organization {self.organization_id}"

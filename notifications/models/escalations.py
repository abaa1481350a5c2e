from django.db import models


class Escalation(models.Model):
    """The escalation clock of one urgent flag: checked at `next_check_at` (the organization's
    delay after the flag was raised, then every interval); while the flag is still open its
    escalation contacts are notified and the check is scheduled again. Resolved when a
    clinician acknowledges (or dismisses) the flag."""

    organization = models.ForeignKey(
        "clients.Organization", on_delete=models.PROTECT, related_name="+"
    )
    flag = models.OneToOneField(
        "screening.Flag", on_delete=models.PROTECT, related_name="escalation"
    )
    created_at = models.DateTimeField()
    next_check_at = models.DateTimeField()
    enqueued_at = models.DateTimeField()
    notified_count = models.PositiveIntegerField(default=0)
    last_notified_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ("-id",)
        indexes = [models.Index(fields=("resolved_at", "next_check_at"), name="escalation_due_idx")]

    def __str__(self) -> str:
        return f"Escalation of flag {self.flag_id}"

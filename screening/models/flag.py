from django.conf import settings
from django.db import models


class Severity(models.TextChoices):
    URGENT = "urgent", "Urgent"
    REVIEW = "review", "Review"
    INFO = "info", "Info"


# Urgent flags sort first in every inbox; a stored rank lets the database order and index it.
SEVERITY_RANK = {Severity.URGENT: 0, Severity.REVIEW: 1, Severity.INFO: 2}


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    DISMISSED = "dismissed", "Dismissed"


class Flag(models.Model):
    """A condition raised for clinician review by a rule on a screening (urgent rules while it is
    still in progress, every rule when it is submitted). Never a diagnosis: it carries why (rule,
    items, scores) and what to consider next."""

    organization = models.ForeignKey(
        "clients.Organization", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="flags")
    screening = models.ForeignKey(
        "screening.Screening", on_delete=models.PROTECT, related_name="flags"
    )
    # Null while the screening is in progress: an urgent rule raises its flag the moment the
    # answer is saved (issue 13); submitting links the flag to the result.
    result = models.ForeignKey(
        "screening.ScreeningResult",
        on_delete=models.PROTECT,
        related_name="flags",
        null=True,
        blank=True,
    )
    rule_id = models.CharField(max_length=64)
    condition_code = models.CharField(max_length=40)
    # The flag's label, naming a possible pattern as a screen (screening.flag_labels), not the
    # knowledge base's condition name.
    condition_name = models.CharField(max_length=200)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    severity_rank = models.PositiveSmallIntegerField()
    message = models.TextField()
    evidence = models.JSONField()
    follow_up_instrument = models.CharField(max_length=40, blank=True)
    follow_up_note = models.TextField(blank=True)
    rule_source = models.TextField(blank=True)
    # Copied from the instrument version when the flag is raised, so every rendering says
    # "not validated" without loading the screening (issue 13).
    instrument_validated = models.BooleanField()
    # The result's response-quality check, repeated on each of its flags (`{}`: not checked).
    response_quality = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    follow_up_screening = models.ForeignKey(
        "screening.Screening",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_of",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("severity_rank", "-created_at", "-id")
        indexes = [
            models.Index(
                fields=("organization", "severity_rank", "-created_at", "-id"),
                name="flag_inbox_idx",
            ),
            models.Index(fields=("client", "-created_at"), name="flag_client_idx"),
        ]
        constraints = [
            # A rule raises one flag per screening that a clinician has to close: saving the
            # same critical answer again, or submitting, must not open a second one.
            models.UniqueConstraint(
                fields=("screening", "rule_id"),
                condition=models.Q(status="open"),
                name="flag_one_open_per_screening_rule",
            )
        ]

    def __str__(self) -> str:
        return f"{self.condition_code} ({self.severity}, {self.status})"


class FlagReview(models.Model):
    """A clinician's decision on a flag, with a note. The history is kept whole."""

    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=FlagStatus.choices)
    note = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"Review of flag {self.flag_id}: {self.status}"

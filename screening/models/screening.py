from django.conf import settings
from django.db import models


class ScreeningStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    AMENDED = "amended", "Amended (superseded by a newer revision)"
    VOIDED = "voided", "Voided"


class ScreeningMode(models.TextChoices):
    CLINICIAN = "clinician", "Administered by a clinician"
    SELF_REPORT = "self_report", "Self-report"
    INFORMANT = "informant", "Informant report"


class Screening(models.Model):
    """One administration of one pinned InstrumentVersion to one client.

    Answers are kept as {link_id: value} on the row: they are always read and written whole, and
    one row per answer would make submitting cost more queries the longer the instrument.
    """

    organization = models.ForeignKey(
        "clients.Organization", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="screenings"
    )
    instrument_version = models.ForeignKey(
        "screening.InstrumentVersion", on_delete=models.PROTECT, related_name="screenings"
    )
    mode = models.CharField(max_length=12, choices=ScreeningMode.choices)
    status = models.CharField(
        max_length=12, choices=ScreeningStatus.choices, default=ScreeningStatus.IN_PROGRESS
    )
    answers = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    status_reason = models.TextField(blank=True)
    # Set when an EHR sends a QuestionnaireResponse with an identifier, so a retry is recognized.
    source_identifier = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=("organization", "-created_at", "-id"), name="screening_org_idx"),
            models.Index(fields=("client", "-created_at", "-id"), name="screening_client_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "source_identifier"),
                condition=~models.Q(source_identifier=""),
                name="screening_unique_source_identifier",
            )
        ]

    def __str__(self) -> str:
        return f"Screening {self.pk} ({self.status})"


class ScreeningResult(models.Model):
    """The scores of one scoring of a screening. Re-scoring adds a result; none is ever changed."""

    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="results")
    is_current = models.BooleanField(default=True)
    scored_at = models.DateTimeField()
    instrument_checksum = models.CharField(max_length=64)
    complete = models.BooleanField()
    # Items left unanswered when a screening is submitted with allow_incomplete (issue 13).
    missing_items = models.JSONField(default=list, blank=True)
    scales = models.JSONField(help_text="The engine's scales: id → score, band, completeness.")
    # The engine's response-quality check (`{}` for results scored before it existed).
    response_quality = models.JSONField(default=dict, blank=True)
    # Answers to unscored items reported with the result (PHQ-9 question 10), never scored.
    reported_items = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("-scored_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("screening",),
                condition=models.Q(is_current=True),
                name="screening_one_current_result",
            )
        ]

    def __str__(self) -> str:
        return f"Result of screening {self.screening_id}"


class ObservationKind(models.TextChoices):
    SCALE = "scale", "Scale score"
    ITEM = "item", "Reported unscored answer"


class ScaleManager(models.Manager):
    """Scale scores only: trends, timelines and change read these, never a reported answer."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(kind=ObservationKind.SCALE)


class ObservationManager(models.Manager):
    """Every row: scale scores and reported unscored answers (the FHIR Observation reads)."""


class ScaleScore(models.Model):
    """One scale of one result, as a row: what trends, the timeline and FHIR Observations query.

    A row of kind `item` is instead an answered unscored item reported with the result (PHQ-9
    question 10): it is its own FHIR Observation (sharing this table's ids, so Observation ids
    stay one sequence) and is never scored. `objects` holds scale scores only, so no reader of
    scores meets one by accident; `observations` holds both, for the FHIR Observation reads.
    """

    result = models.ForeignKey(ScreeningResult, on_delete=models.PROTECT, related_name="scores")
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "clients.Organization", on_delete=models.PROTECT, related_name="+"
    )
    instrument_code = models.CharField(max_length=40)
    scale_id = models.CharField(max_length=40)
    score = models.DecimalField(max_digits=9, decimal_places=2, null=True)
    band_code = models.CharField(max_length=40, blank=True)
    complete = models.BooleanField()
    scored_at = models.DateTimeField()
    kind = models.CharField(
        max_length=8, choices=ObservationKind.choices, default=ObservationKind.SCALE
    )
    # For kind `item`: the item and the engine's record of its answer (text, codes, value, label,
    # option coding); empty for a scale score.
    item_link_id = models.CharField(max_length=64, blank=True)
    answer = models.JSONField(default=dict, blank=True)

    objects = ScaleManager()
    observations = ObservationManager()

    class Meta:
        base_manager_name = "observations"
        ordering = ("scored_at", "id")
        indexes = [
            models.Index(
                fields=("client", "instrument_code", "scale_id", "scored_at"),
                name="scale_score_series_idx",
            ),
            models.Index(fields=("organization", "scored_at"), name="scale_score_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code}.{self.scale_id} = {self.score}"

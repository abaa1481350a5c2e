from django.conf import settings
from django.db import models


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class Instrument(models.Model):
    """A screening instrument in the shared library, identified by a stable code (`phq9`)."""

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("code",)

    def __str__(self) -> str:
        return self.code


class InstrumentVersion(models.Model):
    """One version of an instrument's declarative definition (see docs/instrument-format.md).

    draft → published (frozen, with a checksum of its canonical JSON) → retired. Screenings pin
    the version they were given with, so a score never changes when the library does.
    """

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(max_length=40)
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    definition = models.JSONField()
    checksum = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("instrument__code", "-created_at")
        constraints = [
            models.UniqueConstraint(
                fields=("instrument", "version"), name="instrument_version_unique_label"
            )
        ]
        indexes = [
            models.Index(
                fields=("instrument", "status", "-published_at"), name="instrument_latest_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} {self.version} ({self.status})"

    def save(self, *args, **kwargs):
        # Integrity guard, not business logic: whatever path a change takes (service, admin,
        # shell), the content of a published version can never be rewritten.
        if self.pk is not None:
            stored = (
                InstrumentVersion.objects.filter(pk=self.pk)
                .values("status", "definition", "version")
                .first()
            )
            if (
                stored
                and stored["status"] != VersionStatus.DRAFT
                and (stored["definition"] != self.definition or stored["version"] != self.version)
            ):
                raise PermissionError("A published or retired instrument version is frozen.")
        super().save(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.status != VersionStatus.DRAFT

from django.conf import settings
from django.db import models


class AdministrativeSex(models.TextChoices):
    """FHIR R4 AdministrativeGender: administrative only, not a clinical finding or an identity."""

    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class Client(models.Model):
    """A person screened by one organization. Never deleted: deactivated, so the history stays."""

    organization = models.ForeignKey(
        "clients.Organization", on_delete=models.PROTECT, related_name="clients"
    )
    given_name = models.CharField(max_length=150)
    family_name = models.CharField(max_length=150)
    birth_date = models.DateField()
    # Blank means "not recorded"; `unknown` is a recorded answer, so the two are kept apart.
    administrative_sex = models.CharField(
        max_length=10, choices=AdministrativeSex.choices, blank=True
    )
    pronouns = models.CharField(max_length=50, blank=True)
    active = models.BooleanField(default=True)
    # Clinicians of the same organization; services check that, the database cannot.
    care_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="care_team_clients"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            # The list pages by cursor on (-created_at, -id) inside one organization.
            models.Index(
                fields=("organization", "-created_at", "-id"), name="client_org_created_idx"
            ),
            # Name search always runs inside one organization; this keeps it to that slice.
            models.Index(
                fields=("organization", "family_name", "given_name"), name="client_org_name_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Client {self.pk}"


class ClientIdentifier(models.Model):
    """An identifier another system gives the client (an EHR's MRN): FHIR `system|value`."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="identifiers")
    # Copied from the client so the database itself can keep identifiers unique per organization.
    organization = models.ForeignKey(
        "clients.Organization", on_delete=models.PROTECT, related_name="+"
    )
    system = models.CharField(max_length=255, help_text="A URI naming the identifier's namespace.")
    value = models.CharField(max_length=255)

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "system", "value"),
                name="client_identifier_unique_in_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.system}|{self.value}"

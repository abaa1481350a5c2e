from django.conf import settings
from django.db import models


class IdempotencyRecord(models.Model):
    """The first response to a POST sent with an `Idempotency-Key`, replayed to retries.

    One per caller and key. `request_hash` covers the method, path, body and the headers that
    change the meaning of a POST, so reusing a key for another request is recognized. Records
    expire (see `screening.services.fhir.IDEMPOTENCY_TTL`); only successful responses are kept,
    since a failed request wrote nothing and is simply retried.
    """

    organization = models.ForeignKey(
        "clients.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.TextField()
    headers = models.JSONField(default=dict)
    # Clients whose data the stored body shows: a replay is audited as a read of them.
    client_ids = models.JSONField(default=list)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("actor", "key"), name="idempotency_unique_key")
        ]
        indexes = [models.Index(fields=("created_at",), name="idempotency_created_idx")]

    def __str__(self) -> str:
        return f"Idempotency-Key {self.key} ({self.status})"

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    """What an event records. Clinical events have fine-grained names (`object.what`); the
    generic create/update/review/void remain for other objects and for events written before the
    fine-grained names (issue 14), which keep the name they were written with."""

    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    REVIEW = "review"
    VOID = "void"
    EXPORT = "export"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    TOKEN_ISSUED = "token_issued"  # noqa: S105 - an action name, not a secret
    TOKEN_REVOKED = "token_revoked"  # noqa: S105 - an action name, not a secret
    SCREENING_STARTED = "screening.started"
    SCREENING_ANSWERED = "screening.answered"
    SCREENING_COMPLETED = "screening.completed"
    SCREENING_AMENDED = "screening.amended"
    SCREENING_VOIDED = "screening.voided"
    FLAG_RAISED = "flag.raised"
    FLAG_REVIEWED = "flag.reviewed"
    FLAG_FOLLOW_UP_STARTED = "flag.follow_up_started"
    FLAG_ESCALATED = "flag.escalated"


class AuditOutcome(models.TextChoices):
    SUCCESS = "success"
    DENIED = "denied"
    FAILURE = "failure"


class AuditEventQuerySet(models.QuerySet):
    # The trail is append-only: bulk changes through the ORM are refused outright. On PostgreSQL a
    # trigger refuses them too (migration 0003), whatever the client.
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(AppendOnlyModel):
    """One access to, or change of, protected data.

    The request path only inserts it (no lock, no read of the chain): the sealer
    (`clients/services/audit_seal.py`) later gives it its place in the one hash chain
    (`AuditSeal`) and signs a checkpoint over the batch (`AuditCheckpoint`).
    """

    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    organization = models.ForeignKey(
        "clients.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    client_ids = models.JSONField(default=list, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    outcome = models.CharField(
        max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS
    )
    detail = models.JSONField(default=dict, blank=True)
    # Which credential a request used: "token:<prefix>" or "session" (blank outside a request),
    # so a read with a token issued by someone else is traceable to that token.
    credential = models.CharField(max_length=40, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("-occurred_at", "-id")
        indexes = [
            models.Index(fields=("organization", "-occurred_at"), name="audit_org_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}"


class AuditEventClient(AppendOnlyModel):
    """One client an event names: `client_ids` as rows, so the trail filters by client through an
    index on SQLite and PostgreSQL alike (a JSON array has no portable index).

    Written by `audit_record` in the event's transaction and append-only like the event; the hash
    covers `client_ids`, and `verify_audit` checks these rows against it.
    """

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="client_links")
    # A plain id, not a foreign key: the trail names what was touched and outlives any row.
    client_id = models.BigIntegerField()

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        constraints = [
            # Leads with client_id: the index behind `?client=`; also one row per pair.
            models.UniqueConstraint(fields=("client_id", "event"), name="audit_event_client_unique")
        ]

    def __str__(self) -> str:
        return f"client {self.client_id} in event {self.event_id}"


class AuditSeal(AppendOnlyModel):
    """An event's place in the hash chain, written by the sealer, never by a request.

    `hash` covers the sequence, the previous seal's hash and the event's digest (its content and
    id), so changing, removing or reordering an event breaks the chain here; a chain recomputed
    after such a change no longer matches the signed checkpoints.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, related_name="seal")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    def __str__(self) -> str:
        return f"seal {self.sequence} of event {self.event_id}"


class AuditCheckpoint(AppendOnlyModel):
    """The end of a sealed batch: the chain's head at `sequence`, signed (Ed25519) with a key
    that is not in the database. Also written to the external sink (services/audit_sink.py)."""

    sequence = models.PositiveBigIntegerField(unique=True)
    head_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=128)

    objects = AuditEventQuerySet.as_manager()

    def __str__(self) -> str:
        return f"checkpoint {self.sequence} {self.head_hash[:12]}"

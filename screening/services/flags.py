"""Writes on flags: a clinician's review, and starting the suggested follow-up screening."""

from django.db import transaction

from clients.models import User
from clients.models.audit import AuditAction
from clients.services.audit import audit_record
from config.errors import Conflict, InvalidInput
from screening.models import Flag, FlagReview, FlagStatus, Screening, ScreeningMode, ScreeningStatus
from screening.selectors import latest_published_versions
from screening.services.events import emit_reviewed
from screening.services.screenings import screening_start

REVIEW_STATUSES = (FlagStatus.ACKNOWLEDGED, FlagStatus.DISMISSED, FlagStatus.OPEN)


def _lock(flag: Flag) -> Flag:
    return (
        Flag.objects.select_for_update(of=("self",))
        .select_related("client", "organization")
        .get(pk=flag.pk)
    )


def flag_review(*, flag: Flag, actor: User, status: str, note: str) -> Flag:
    """Record a clinician's decision. Reopening is allowed; every decision stays in the history."""
    if status not in REVIEW_STATUSES:
        raise InvalidInput(fields={"status": [f"Choose one of {', '.join(REVIEW_STATUSES)}."]})
    if not note.strip():
        raise InvalidInput(fields={"note": ["A review needs a note."]})
    with transaction.atomic():
        flag = _lock(flag)
        review = FlagReview.objects.create(flag=flag, reviewer=actor, status=status, note=note)
        previous = flag.status
        flag.status = status
        flag.save(update_fields=["status", "updated_at"])
        emit_reviewed(flag, review, previous)
        audit_record(
            actor=actor,
            organization=flag.organization,
            action=AuditAction.FLAG_REVIEWED,
            object_type="flag",
            object_id=flag.pk,
            client_ids=[flag.client_id],
            detail={"from": previous, "to": status},
        )
    return flag


def _open_follow_up(flag: Flag) -> Screening | None:
    """An in-progress screening of the flag's follow-up instrument that another flag of the same
    client started: two screenings suggesting the same follow-up (a repeated intake, an amended
    revision's flags) should lead to one screening to finish, not one per flag."""
    return (
        Screening.objects.filter(
            organization=flag.organization,
            client=flag.client,
            status=ScreeningStatus.IN_PROGRESS,
            instrument_version__instrument__code=flag.follow_up_instrument,
            follow_up_of__isnull=False,
        )
        .order_by("-created_at", "-id")
        .first()
    )


def flag_start_follow_up(
    *, flag: Flag, actor: User, mode: str = ScreeningMode.CLINICIAN
) -> Screening:
    """Start (once) an in-progress screening of the flag's follow-up instrument for its client.

    Asking again returns the same screening; so does asking for another flag of the client that
    suggests the same instrument while a follow-up of it is still in progress."""
    with transaction.atomic():
        flag = _lock(flag)
        if not flag.follow_up_instrument:
            raise Conflict(
                "This flag names no follow-up instrument; "
                "see its follow-up note for what to consider."
            )
        existing = flag.follow_up_screening
        if existing is not None and existing.status in (
            ScreeningStatus.IN_PROGRESS,
            ScreeningStatus.COMPLETED,
        ):
            return existing
        screening = _open_follow_up(flag)
        if screening is None:
            version = latest_published_versions(codes=[flag.follow_up_instrument]).get(
                flag.follow_up_instrument
            )
            if version is None:
                raise Conflict(f"No published version of {flag.follow_up_instrument} to start.")
            screening = screening_start(
                organization=flag.organization,
                client=flag.client,
                version=version,
                mode=mode,
                actor=actor,
            )
        flag.follow_up_screening = screening
        flag.save(update_fields=["follow_up_screening", "updated_at"])
        audit_record(
            actor=actor,
            organization=flag.organization,
            action=AuditAction.FLAG_FOLLOW_UP_STARTED,
            object_type="flag",
            object_id=flag.pk,
            client_ids=[flag.client_id],
            detail={"follow_up_screening": screening.pk},
        )
    return screening

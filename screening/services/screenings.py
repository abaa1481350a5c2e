"""Writes of the screening lifecycle: start, save answers, submit, amend, void.

in_progress → completed (scored, frozen) → amended (superseded by a new revision) or voided.
Every function is one transaction that writes its audit row; nothing is ever deleted.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clients.models import Client, Organization, User
from clients.models.audit import AuditAction
from clients.services.audit import audit_record, audit_record_many
from config.errors import Conflict, InvalidAnswers
from screening import engine
from screening.answer_input import answers_to_values, submit_problems
from screening.compiled import compiled_version
from screening.models import (
    SEVERITY_RANK,
    Flag,
    InstrumentVersion,
    ScaleScore,
    Screening,
    ScreeningResult,
    ScreeningStatus,
)
from screening.selectors import flag_labels
from screening.services.events import emit_scored


def _audit(screening: Screening, actor: User | None, action: str, **detail: Any) -> None:
    audit_record(
        actor=actor,
        organization=screening.organization,
        action=action,
        object_type="screening",
        object_id=screening.pk,
        client_ids=[screening.client_id],
        detail=detail,
    )


def _audit_scored(
    screening: Screening, actor: User | None, flags: Sequence[Flag], **detail: Any
) -> None:
    """The audit rows of a screening just scored: `screening.completed`, with the rules that
    raised flags, and a `flag.raised` per flag (written together: two statements however many)."""
    flagged = [flag.rule_id for flag in flags]
    common = {"actor": actor, "organization": screening.organization}
    audit_record_many(
        [
            {
                **common,
                "action": AuditAction.SCREENING_COMPLETED,
                "object_type": "screening",
                "object_id": screening.pk,
                "client_ids": [screening.client_id],
                "detail": {"status": ScreeningStatus.COMPLETED.value, "flags": flagged, **detail},
            },
            *(
                {
                    **common,
                    "action": AuditAction.FLAG_RAISED,
                    "object_type": "flag",
                    "object_id": flag.pk,
                    "client_ids": [flag.client_id],
                    "detail": {"screening": screening.pk, "rule": flag.rule_id},
                }
                for flag in flags
            ),
        ]
    )


def _merge_answers(
    version: InstrumentVersion, current: Mapping[str, Any], changes: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """Apply answer changes (a `value` of null clears an answer) and check the whole set."""
    cleared = {a.get("link_id") for a in changes if "value" in a and a["value"] is None}
    given = [a for a in changes if a.get("link_id") not in cleared]
    compiled = compiled_version(version)
    # Check the new answers in their own positions first so errors name the request's indexes.
    new_values = answers_to_values(compiled, given) if given else {}
    merged = {k: v for k, v in current.items() if k not in cleared}
    merged.update(new_values)
    problems = engine.check_answers(compiled, merged)
    if problems:
        raise InvalidAnswers(fields={"answers": [f"{p.link_id}: {p.message}" for p in problems]})
    return merged


def screening_start(
    *,
    organization: Organization,
    client: Client,
    version: InstrumentVersion,
    mode: str,
    actor: User | None,
    answers: Sequence[Mapping[str, Any]] = (),
    submit: bool = False,
    source_identifier: str = "",
) -> Screening:
    """Start a screening of `client` with a published version; with `submit`, score at once."""
    if client.organization_id != organization.pk:
        raise ValidationError({"client": ["No such client."]})
    if not client.active:
        raise ValidationError({"client": ["The client is inactive; reactivate them first."]})
    if version.status != "published":
        raise ValidationError({"version": ["Only a published version can be administered."]})
    # Answers are checked and scored before the transaction: a refusal writes nothing and
    # leaves a caller's transaction usable. The writes then join a caller's transaction without
    # a savepoint (two round trips saved); they fail only when the database does.
    values = _merge_answers(version, {}, answers)
    screening = Screening(
        organization=organization,
        client=client,
        instrument_version=version,
        mode=mode,
        answers=values,
        created_by=actor,
        source_identifier=source_identifier,
    )
    if not submit:
        with transaction.atomic(savepoint=False):
            screening.save()
            _audit(
                screening,
                actor,
                AuditAction.SCREENING_STARTED,
                instrument=version.instrument.code,
            )
        # Shown as it is: nothing scored, nothing flagged (the response needs no re-read).
        screening.current_results, screening.prefetched_flags = [], []
        return screening
    # Started and submitted in one call: the screening is inserted already completed and one
    # audit row records both, written last so the organization's audit chain lock is held only
    # from there to the commit.
    outcome = _score(screening, actor)
    with transaction.atomic(savepoint=False):
        screening.save()
        flags = _store_outcome(screening, outcome)
        _audit_scored(screening, actor, flags, instrument=version.instrument.code)
    return screening


def screening_save_answers(
    *, screening: Screening, answers: Sequence[Mapping[str, Any]], actor: User | None
) -> Screening:
    with transaction.atomic():
        screening = _lock(screening)
        if screening.status != ScreeningStatus.IN_PROGRESS:
            raise Conflict(f"The screening is {screening.status}: its answers are frozen.")
        screening.answers = _merge_answers(screening.instrument_version, screening.answers, answers)
        screening.save(update_fields=["answers", "updated_at"])
        _audit(screening, actor, AuditAction.SCREENING_ANSWERED, answered=len(screening.answers))
    return screening


def screening_submit(*, screening: Screening, actor: User | None) -> Screening:
    with transaction.atomic():
        screening = _lock(screening)
        if screening.status != ScreeningStatus.IN_PROGRESS:
            raise Conflict(
                f"The screening is {screening.status}; only one in progress is submitted."
            )
        return _submit(screening, actor)


def screening_amend(
    *,
    screening: Screening,
    actor: User | None,
    reason: str,
    answers: Sequence[Mapping[str, Any]],
) -> Screening:
    """A corrected revision, scored at once, that supersedes the completed one (kept readable).

    The old revision's flags stay as they are: a flag is only ever closed by a clinician.
    """
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the screening is amended."]})
    with transaction.atomic():
        screening = _lock(screening)
        if screening.status != ScreeningStatus.COMPLETED:
            raise Conflict(
                f"Only a completed screening can be amended; this one is {screening.status}."
            )
        values = _merge_answers(screening.instrument_version, screening.answers, answers)
        revision = Screening.objects.create(
            organization=screening.organization,
            client=screening.client,
            instrument_version=screening.instrument_version,
            mode=screening.mode,
            answers=values,
            revision=screening.revision + 1,
            supersedes=screening,
            status_reason=reason,
            created_by=actor,
        )
        screening.status = ScreeningStatus.AMENDED
        screening.status_reason = reason
        screening.save(update_fields=["status", "status_reason", "updated_at"])
        _audit(
            screening,
            actor,
            AuditAction.SCREENING_AMENDED,
            status="amended",
            superseded_by=revision.pk,
        )
        _audit(
            revision,
            actor,
            AuditAction.SCREENING_STARTED,
            supersedes=screening.pk,
            reason=reason,
        )
        return _submit(revision, actor)


def screening_void(*, screening: Screening, actor: User | None, reason: str) -> Screening:
    """Void a screening given in error. Its flags stay for a clinician to close."""
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the screening is voided."]})
    with transaction.atomic():
        screening = _lock(screening)
        if screening.status not in (ScreeningStatus.IN_PROGRESS, ScreeningStatus.COMPLETED):
            raise Conflict(f"The screening is {screening.status}; it cannot be voided.")
        screening.status = ScreeningStatus.VOIDED
        screening.status_reason = reason
        screening.save(update_fields=["status", "status_reason", "updated_at"])
        _audit(screening, actor, AuditAction.SCREENING_VOIDED, reason=reason)
    return screening


def _lock(screening: Screening) -> Screening:
    return (
        Screening.objects.select_for_update(of=("self",))
        .select_related("instrument_version__instrument", "organization")
        .get(pk=screening.pk)
    )


def _submit(screening: Screening, actor: User | None) -> Screening:
    """Score a saved in-progress screening and store what scoring gave, in the caller's
    transaction. A fixed number of queries whatever the instrument's length."""
    outcome = _score(screening, actor)
    screening.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    flags = _store_outcome(screening, outcome)
    _audit_scored(screening, actor, flags)
    return screening


def _score(screening: Screening, actor: User | None) -> engine.ScoreResult:
    """Score the answers (a ValidationError naming what is missing when they cannot be
    submitted) and mark the screening completed; the caller saves it."""
    compiled = compiled_version(screening.instrument_version)
    submit_problems(compiled, screening.answers)
    outcome = engine.score(compiled, screening.answers)
    screening.status = ScreeningStatus.COMPLETED
    screening.submitted_at = timezone.now()
    screening.submitted_by = actor
    return outcome


def _store_outcome(screening: Screening, outcome: engine.ScoreResult) -> list[Flag]:
    """Insert the result, its scale scores and flags of a saved screening, and emit its
    `screening.completed` and `flag.raised` events: five queries at most (result, scale scores,
    condition names, flags, outbox). The screening keeps what it needs to be shown
    (`current_results`, `prefetched_flags`), so the response needs no re-read."""
    version = screening.instrument_version
    compiled = compiled_version(version)
    scored = outcome.to_dict()
    scored_at = screening.submitted_at
    result = ScreeningResult.objects.create(
        screening=screening,
        scored_at=scored_at,
        instrument_checksum=version.checksum,
        complete=outcome.complete,
        scales=scored["scales"],
        response_quality=scored["response_quality"],
        reported_items=scored["reported_items"],
    )
    ScaleScore.objects.bulk_create(
        ScaleScore(
            result=result,
            screening=screening,
            client_id=screening.client_id,
            organization_id=screening.organization_id,
            instrument_code=compiled.code,
            scale_id=scale_id,
            score=scale["score"],
            band_code=(scale["band"] or {}).get("code", ""),
            complete=scale["complete"],
            scored_at=scored_at,
        )
        for scale_id, scale in scored["scales"].items()
    )
    labels = flag_labels(scored["flags"])
    flags = Flag.objects.bulk_create(
        Flag(
            organization_id=screening.organization_id,
            client_id=screening.client_id,
            screening=screening,
            result=result,
            rule_id=flag["rule_id"],
            condition_code=flag["condition"],
            condition_name=labels[flag["rule_id"]],
            severity=flag["severity"],
            severity_rank=SEVERITY_RANK[flag["severity"]],
            message=flag["message"],
            evidence=flag["evidence"],
            follow_up_instrument=flag["follow_up"] or "",
            follow_up_note=flag["follow_up_note"] or "",
            rule_source=flag["source"] or "",
            instrument_validated=flag["instrument_validated"],
            response_quality=flag["response_quality"],
        )
        for flag in scored["flags"]
    )
    for flag in flags:
        flag.prefetched_reviews = []
    emit_scored(screening, compiled.code, flags)
    screening.current_results = [result]
    screening.prefetched_flags = sorted(flags, key=lambda flag: (flag.severity_rank, flag.pk))
    return flags

"""Writes of the screening lifecycle: start, save answers, submit, amend, void.

in_progress → completed (scored, frozen) → amended (superseded by a new revision) or voided.
Every function is one transaction that writes its audit row; nothing is ever deleted.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from clients.models import Client, Organization, User
from clients.models.audit import AuditAction
from clients.services.audit import audit_record, audit_record_many
from config.errors import Conflict, InvalidAnswers, InvalidInput
from screening import engine
from screening.answer_input import answers_to_values, submit_problems
from screening.compiled import compiled_version
from screening.models import (
    Flag,
    FlagReview,
    InstrumentVersion,
    ObservationKind,
    ScaleScore,
    Screening,
    ScreeningResult,
    ScreeningStatus,
)
from screening.services.events import emit_scored
from screening.services.flag_raising import flag_rows, raise_urgent_flags


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
    screening: Screening,
    actor: User | None,
    flags: Sequence[Flag],
    *,
    action: str = AuditAction.SCREENING_COMPLETED,
    raised: Sequence[Flag] | None = None,
    **detail: Any,
) -> None:
    """The audit rows of a write that stored answers: the screening's own row (`action`, by
    default `screening.completed`) with the rules of `flags`, and a `flag.raised` per flag raised
    by this write (`raised`, by default all of `flags`; a flag raised while the screening was in
    progress already has its row). Written together: two statements however many flags."""
    flagged = [flag.rule_id for flag in flags]
    raised = flags if raised is None else raised
    common = {"actor": actor, "organization": screening.organization}
    status = (
        {"status": ScreeningStatus.COMPLETED.value}
        if (action == AuditAction.SCREENING_COMPLETED)
        else {}
    )
    audit_record_many(
        [
            {
                **common,
                "action": action,
                "object_type": "screening",
                "object_id": screening.pk,
                "client_ids": [screening.client_id],
                "detail": {**status, "flags": flagged, **detail},
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
                for flag in raised
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
    allow_incomplete: bool = False,
    source_identifier: str = "",
) -> Screening:
    """Start a screening of `client` with a published version; with `submit`, score at once
    (with `allow_incomplete`, also when answers are missing: see `_score`)."""
    if client.organization_id != organization.pk:
        raise InvalidInput(fields={"client": ["No such client."]})
    if not client.active:
        raise InvalidInput(fields={"client": ["The client is inactive; reactivate them first."]})
    if version.status != "published":
        raise InvalidInput(fields={"version": ["Only a published version can be administered."]})
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
            raised = raise_urgent_flags(screening, flagged=())
            _audit_scored(
                screening,
                actor,
                raised,
                action=AuditAction.SCREENING_STARTED,
                instrument=version.instrument.code,
            )
        # Shown as it is: nothing scored, only urgent flags raised (no re-read needed).
        screening.current_results, screening.prefetched_flags = [], raised
        return screening
    # Started and submitted in one call: the screening is inserted already completed and one
    # audit row records both, written last so the organization's audit chain lock is held only
    # from there to the commit.
    outcome = _score(screening, actor, allow_incomplete)
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
        raised = raise_urgent_flags(screening)
        _audit_scored(
            screening,
            actor,
            raised,
            action=AuditAction.SCREENING_ANSWERED,
            answered=len(screening.answers),
        )
    return screening


def screening_submit(
    *, screening: Screening, actor: User | None, allow_incomplete: bool = False
) -> Screening:
    with transaction.atomic():
        screening = _lock(screening)
        if screening.status != ScreeningStatus.IN_PROGRESS:
            raise Conflict(
                f"The screening is {screening.status}; only one in progress is submitted."
            )
        return _submit(screening, actor, allow_incomplete)


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
        raise InvalidInput(fields={"reason": ["Say why the screening is amended."]})
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
        # A screening completed with gaps (allow_incomplete) may be corrected without filling them.
        incomplete = ScreeningResult.objects.filter(
            screening=screening, is_current=True, complete=False
        ).exists()
        return _submit(revision, actor, allow_incomplete=incomplete)


def screening_void(*, screening: Screening, actor: User | None, reason: str) -> Screening:
    """Void a screening given in error. Its flags stay for a clinician to close."""
    if not reason.strip():
        raise InvalidInput(fields={"reason": ["Say why the screening is voided."]})
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


def _submit(screening: Screening, actor: User | None, allow_incomplete: bool = False) -> Screening:
    """Score a saved in-progress screening and store what scoring gave, in the caller's
    transaction. A fixed number of queries whatever the instrument's length."""
    outcome = _score(screening, actor, allow_incomplete)
    screening.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    earlier = _earlier_flags(screening)
    flags = _store_outcome(screening, outcome, earlier=earlier)
    _audit_scored(screening, actor, flags, raised=[flag for flag in flags if flag not in earlier])
    return screening


def _score(
    screening: Screening, actor: User | None, allow_incomplete: bool = False
) -> engine.ScoreResult:
    """Score the answers and mark the screening completed; the caller saves it.

    Without `allow_incomplete`, answers that cannot be submitted (a required item or a scale's
    missing-data rule) are InvalidAnswers naming each item. With it, a partial response is
    completed as it stands (issue 13): scales score as their missing-data rule allows, the result
    says `complete: false` and lists the missing items, and rules are judged over every completion
    of the missing answers. A response with nothing answered is still refused."""
    compiled = compiled_version(screening.instrument_version)
    if not allow_incomplete:
        submit_problems(compiled, screening.answers)
    elif not any(value is not None for value in screening.answers.values()):
        nothing = "Nothing is answered: there is nothing to submit."
        raise InvalidAnswers(fields={"answers": [nothing]})
    outcome = engine.score(compiled, screening.answers)
    screening.status = ScreeningStatus.COMPLETED
    screening.submitted_at = timezone.now()
    screening.submitted_by = actor
    return outcome


def _earlier_flags(screening: Screening) -> list[Flag]:
    """Flags an urgent rule raised while the screening was in progress (not yet on a result)."""
    return list(
        Flag.objects.filter(screening=screening, result__isnull=True).prefetch_related(
            Prefetch(
                "reviews",
                queryset=FlagReview.objects.select_related("reviewer"),
                to_attr="prefetched_reviews",
            )
        )
    )


def _store_outcome(
    screening: Screening, outcome: engine.ScoreResult, earlier: Sequence[Flag] = ()
) -> list[Flag]:
    """Insert the result, its scale scores and flags of a saved screening, and emit its
    `screening.completed` and `flag.raised` events: five queries at most (result, scale scores,
    condition names, flags, outbox), one more when flags were raised while it was in progress
    (`earlier`: linked to the result, not raised again). The screening keeps what it needs to be
    shown (`current_results`, `prefetched_flags`), so the response needs no re-read."""
    version = screening.instrument_version
    compiled = compiled_version(version)
    scored = outcome.to_dict()
    scored_at = screening.submitted_at
    result = ScreeningResult.objects.create(
        screening=screening,
        scored_at=scored_at,
        instrument_checksum=version.checksum,
        complete=outcome.complete,
        missing_items=scored["missing_items"],
        scales=scored["scales"],
        response_quality=scored["response_quality"],
        reported_items=scored["reported_items"],
    )
    rows = [
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
    ]
    # Each reported unscored answer (PHQ-9 question 10) is its own FHIR Observation: a row of
    # kind `item` in the same insert, never seen by readers of scale scores (issue 13).
    rows += [
        ScaleScore(
            result=result,
            screening=screening,
            client_id=screening.client_id,
            organization_id=screening.organization_id,
            instrument_code=compiled.code,
            scale_id="",
            kind=ObservationKind.ITEM,
            item_link_id=item["link_id"],
            answer=item,
            complete=True,
            scored_at=scored_at,
        )
        for item in scored["reported_items"]
    ]
    ScaleScore.observations.bulk_create(rows)
    already = {flag.rule_id for flag in earlier}
    flags = Flag.objects.bulk_create(
        flag_rows(
            screening, result, [flag for flag in scored["flags"] if flag["rule_id"] not in already]
        )
    )
    for flag in flags:
        flag.prefetched_reviews = []
    if earlier:
        Flag.objects.filter(pk__in=[flag.pk for flag in earlier]).update(result=result)
        for flag in earlier:
            flag.result = result
    emit_scored(screening, compiled.code, flags, earlier)
    screening.current_results = [result]
    flags = [*earlier, *flags]
    screening.prefetched_flags = sorted(flags, key=lambda flag: (flag.severity_rank, flag.pk))
    return flags

"""The events screenings and flags emit through the outbox (outbox.services.outbox_emit), built
in one place so every path that scores, raises or reviews carries the same shape.

Payloads carry ids and codes, never a client's name or answers (minimum necessary): a receiver
fetches details through the API with its own credentials, and that read is audited.
"""

from collections.abc import Sequence
from typing import Any

from outbox.events import Event, EventType
from outbox.services import outbox_emit
from screening.models import Flag, FlagReview, Screening, Severity


def _flag(flag: Flag) -> dict[str, Any]:
    return {
        "id": flag.pk,
        "severity": flag.severity,
        "rule": flag.rule_id,
        "condition": flag.condition_code,
        "status": flag.status,
    }


def _screening(screening: Screening, code: str) -> dict[str, Any]:
    return {
        "id": screening.pk,
        "instrument": code,
        "version": screening.instrument_version.version,
        "status": screening.status,
        "revision": screening.revision,
        "supersedes": screening.supersedes_id,
    }


def _raised(screening: Screening, code: str, flags: Sequence[Flag]) -> list[Event]:
    about = _screening(screening, code)
    client = {"id": screening.client_id}
    return [
        Event(
            EventType.FLAG_RAISED,
            "flag",
            flag.pk,
            {"flag": _flag(flag), "screening": about, "client": client},
            urgent=flag.severity == Severity.URGENT,
        )
        for flag in flags
    ]


def emit_raised(screening: Screening, code: str, flags: Sequence[Flag]) -> None:
    """One `flag.raised` per flag raised before submission (an urgent rule on saved answers), in
    the caller's transaction: the same event, so webhooks, e-mail and escalation follow."""
    if flags:
        outbox_emit(
            organization_id=screening.organization_id, events=_raised(screening, code, flags)
        )


def emit_scored(
    screening: Screening,
    code: str,
    flags: Sequence[Flag],
    earlier: Sequence[Flag] = (),
) -> None:
    """`screening.completed` and one `flag.raised` per new flag, in the caller's transaction.
    `earlier`: flags raised while the screening was in progress (already announced), listed with
    the completed screening's flags but not raised again."""
    events = _raised(screening, code, flags)
    events.append(
        Event(
            EventType.SCREENING_COMPLETED,
            "screening",
            screening.pk,
            {
                "screening": _screening(screening, code),
                "client": {"id": screening.client_id},
                "flags": [_flag(flag) for flag in [*earlier, *flags]],
            },
        )
    )
    outbox_emit(organization_id=screening.organization_id, events=events)


def emit_reviewed(flag: Flag, review: FlagReview, previous: str) -> None:
    """`flag.reviewed`, in the caller's transaction."""
    outbox_emit(
        organization_id=flag.organization_id,
        events=[
            Event(
                EventType.FLAG_REVIEWED,
                "flag",
                flag.pk,
                {
                    "flag": _flag(flag),
                    "review": {"id": review.pk, "status": review.status, "previous": previous},
                    "screening": {"id": flag.screening_id},
                    "client": {"id": flag.client_id},
                },
                urgent=flag.severity == Severity.URGENT,
            )
        ],
    )

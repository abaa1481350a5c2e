"""Raising flags: the rows a scored outcome gives, and urgent rules on answers as they are saved.

Clinical-safety rule 3 (docs/clinical-safety.md, H-10): a critical answer raises its urgent flag
at the moment it is stored, on every path that stores answers, not only at submit. Every write
that stores answers (`screening_start`, `screening_save_answers`, and through them the one-call
submit, FHIR QuestionnaireResponses in any status, and any later interface) calls
`raise_urgent_flags` in its own transaction. A rule raises one flag per screening: saving the
answer again raises nothing new, submitting links the flag to the result, and removing the answer
does not close it (only a clinician does).
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from screening import engine
from screening.compiled import compiled_version
from screening.models import SEVERITY_RANK, Flag, Screening, ScreeningResult, Severity
from screening.selectors import flag_labels
from screening.services.events import emit_raised


def flag_rows(
    screening: Screening, result: ScreeningResult | None, scored: Iterable[Mapping[str, Any]]
) -> list[Flag]:
    """Unsaved Flag rows for the engine's flags (`Flag.to_dict()` shapes) of `screening`."""
    scored = list(scored)
    labels = flag_labels(scored) if scored else {}
    return [
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
        for flag in scored
    ]


def raise_urgent_flags(screening: Screening, flagged: Sequence[str] | None = None) -> list[Flag]:
    """Judge the version's urgent rules on the answers saved (in the caller's transaction) and
    raise a flag for each that holds and has none on this screening yet; emit `flag.raised`.

    `flagged`: rule ids already flagged on the screening, when the caller knows (a new screening
    has none); otherwise they are read. Returns the flags raised now."""
    compiled = compiled_version(screening.instrument_version)
    if not any(rule.severity == Severity.URGENT for rule in compiled.rules):
        return []
    outcome = engine.score(compiled, screening.answers)
    urgent = [flag.to_dict() for flag in outcome.flags if flag.severity == Severity.URGENT]
    if not urgent:
        return []
    if flagged is None:
        flagged = list(
            Flag.objects.filter(
                screening=screening, rule_id__in=[flag["rule_id"] for flag in urgent]
            ).values_list("rule_id", flat=True)
        )
    new = [flag for flag in urgent if flag["rule_id"] not in flagged]
    if not new:
        return []
    flags = Flag.objects.bulk_create(flag_rows(screening, None, new))
    for flag in flags:
        flag.prefetched_reviews = []
    emit_raised(screening, compiled.code, flags)
    return flags

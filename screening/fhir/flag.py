"""A flag for clinician review -> FHIR Flag (pure: reads attributes of the objects it is given).

A Flag is never a diagnosis: its label (`code.coding.display` and `code.text`, which EHR banners
show) names a *possible* pattern as a screen ("Possible avoidant pattern (screen, not a
diagnosis)"), and our `clinician-review-notice` extension says so again. Its `code` is the
knowledge base's condition (our `CodeSystem/condition`); `instrument-validated` is false, and the
explanation says "not validated", for a flag from our own inventory; each response-quality warning
of its screening is repeated as a `response-quality-warning`. Its severity is both our
`flag-severity` extension and category (info / review / urgent) and the standard `flag-priority`
extension (PL / PM / PH). Status (see `flag_status`): open and acknowledged -> active (an
acknowledged flag has been seen but still applies), dismissed -> inactive (`period.end` = when it
was dismissed), and entered-in-error when its screening was voided, whatever the review said.
`flag-detail` points at the QuestionnaireResponse and at the Observations of the scales the rule
used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from .search import instant
from .systems import (
    CLINICIAN_REVIEW,
    CONDITION_SYSTEM,
    FLAG_CATEGORY,
    FLAG_DETAIL,
    FLAG_EVIDENCE,
    FLAG_EXPLANATION,
    FLAG_PARTIAL,
    FLAG_PRIORITY,
    FLAG_PRIORITY_SYSTEM,
    FLAG_REVIEW_STATUS,
    FLAG_RULE,
    FLAG_SEVERITY,
    FLAG_SEVERITY_SYSTEM,
    FOLLOW_UP_INSTRUMENT,
    FOLLOW_UP_NOTE,
    INSTRUMENT_VALIDATED,
    RESPONSE_QUALITY,
    RESPONSE_QUALITY_SYSTEM,
)

NOTICE = "For clinician review: a screening flag, not a diagnosis."
PRIORITY = {
    "urgent": ("PH", "High priority"),
    "review": ("PM", "Medium priority"),
    "info": ("PL", "Low priority"),
}
SEVERITY_DISPLAY = {"urgent": "Urgent", "review": "Review", "info": "Info"}


def quality_extensions(response_quality: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One `response-quality-warning` extension per warning of a result's quality check."""
    return [
        {
            "url": RESPONSE_QUALITY,
            "valueCoding": {
                "system": RESPONSE_QUALITY_SYSTEM,
                "code": warning["code"],
                "display": warning["message"],
            },
        }
        for warning in (response_quality or {}).get("warnings", [])
    ]


def evidence_text(evidence: dict[str, Any]) -> str:
    """A flag's evidence as one line for an EHR: the rule's thresholds, then each item's answer and
    each scale's score with its threshold and whether it met it. Flags stored before evidence
    stated thresholds give their answers only."""
    parts = []
    if evidence.get("criteria"):
        parts.append(f"Rule: {evidence['criteria']}.")
    for item in evidence.get("items", ()):
        answer = item.get("label") if item.get("answered") else "unanswered"
        if item.get("answered") and item.get("label") is None:
            answer = str(item.get("value"))
        parts.append(f"{item['link_id']}: {answer}{_met(item)}.")
    for scale in evidence.get("scales", ()):
        score = "not scored" if scale.get("score") is None else str(scale["score"])
        reachable = scale.get("reachable")
        if reachable:
            score += f" (can still be {reachable['min']} to {reachable['max']})"
        parts.append(f"{scale.get('title') or scale['id']}: {score}{_met(scale)}.")
    if evidence.get("determined_from_partial"):
        unanswered = ", ".join(evidence.get("unanswered", ()))
        parts.append(f"Determined from a partial response (unanswered: {unanswered}).")
    return " ".join(parts)


def _met(entry: dict[str, Any]) -> str:
    if not entry.get("threshold"):
        return ""
    return f" (threshold {entry['threshold']}: {'met' if entry.get('met') else 'not met'})"


def flag_status(review_status: str, screening_status: str) -> str:
    """FHIR FlagStatus for a flag in `review_status` raised on a screening in that status."""
    if screening_status == "voided":
        return "entered-in-error"
    return "inactive" if review_status == "dismissed" else "active"


def flag_resource(
    flag: Any,
    *,
    screening_status: str,
    instrument: str,
    evidence_observations: Iterable[int] = (),
    follow_up_questionnaire: str | None = None,
    dismissed_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """The Flag of `flag` (attributes: pk, client_id, screening_id, rule_id, condition_code,
    condition_name (the flag's label), severity, message, status, rule_source, follow_up_note,
    instrument_validated, response_quality, created_at, updated_at). `instrument` names the
    instrument version (`phq9 1.0.0`); `follow_up_questionnaire` is the canonical URL of the
    follow-up instrument, if any."""
    code, priority = PRIORITY.get(flag.severity, ("PN", "No alarm"))
    severity = SEVERITY_DISPLAY.get(flag.severity, flag.severity)
    extensions: list[dict[str, Any]] = [
        {"url": FLAG_SEVERITY, "valueCode": flag.severity},
        {
            "url": FLAG_PRIORITY,
            "valueCodeableConcept": {
                "coding": [{"system": FLAG_PRIORITY_SYSTEM, "code": code, "display": priority}]
            },
        },
        {"url": FLAG_REVIEW_STATUS, "valueCode": flag.status},
        {"url": CLINICIAN_REVIEW, "valueString": NOTICE},
        {"url": FLAG_EXPLANATION, "valueString": flag.message},
        {"url": INSTRUMENT_VALIDATED, "valueBoolean": bool(flag.instrument_validated)},
    ]
    extensions += quality_extensions(flag.response_quality)
    rule = f"Rule {flag.rule_id} of {instrument}"
    if flag.rule_source:
        rule += f" (source: {flag.rule_source})"
    extensions.append({"url": FLAG_RULE, "valueString": rule})
    evidence = getattr(flag, "evidence", None) or {}
    summary = evidence_text(evidence)
    if summary:
        extensions.append({"url": FLAG_EVIDENCE, "valueString": summary})
    if "determined_from_partial" in evidence:
        extensions.append(
            {"url": FLAG_PARTIAL, "valueBoolean": bool(evidence["determined_from_partial"])}
        )
    if follow_up_questionnaire:
        extensions.append({"url": FOLLOW_UP_INSTRUMENT, "valueCanonical": follow_up_questionnaire})
    if flag.follow_up_note:
        extensions.append({"url": FOLLOW_UP_NOTE, "valueString": flag.follow_up_note})
    details = [f"QuestionnaireResponse/{flag.screening_id}"]
    details += [f"Observation/{pk}" for pk in evidence_observations]
    extensions += [{"url": FLAG_DETAIL, "valueReference": {"reference": r}} for r in details]

    status = flag_status(flag.status, screening_status)
    period: dict[str, Any] = {"start": instant(flag.created_at)}
    if status == "inactive" and dismissed_at is not None:
        period["end"] = instant(dismissed_at)
    return {
        "resourceType": "Flag",
        "id": str(flag.pk),
        "meta": {"lastUpdated": instant(flag.updated_at)},
        "extension": extensions,
        "status": status,
        "category": [
            {"coding": [{"system": FLAG_CATEGORY, "code": "clinical", "display": "Clinical"}]},
            {
                "coding": [
                    {"system": FLAG_SEVERITY_SYSTEM, "code": flag.severity, "display": severity}
                ],
                "text": f"Severity: {severity}",
            },
        ],
        "code": {
            "coding": [
                {
                    "system": CONDITION_SYSTEM,
                    "code": flag.condition_code,
                    "display": flag.condition_name,
                }
            ],
            "text": f"{flag.condition_name}, for clinician review",
        },
        "subject": {"reference": f"Patient/{flag.client_id}"},
        "period": period,
        "author": {"type": "Device", "display": f"Screening rules engine ({instrument})"},
    }

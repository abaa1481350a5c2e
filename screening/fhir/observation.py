"""A scale score -> FHIR Observation (pure: reads attributes of the objects it is given).

One Observation per scale of a screening's current result (`id` = the ScaleScore row's id), and
one per answered unscored item reported with it (`reported_item_observation`: PHQ-9 question 10,
the GAD-7 difficulty question; never scored):
category `survey`; `code` the scale's own codes (LOINC 44261-6 for the PHQ-9 total) or, for a
scale without one, our `CodeSystem/scale` code `<instrument>/<scale>`; `valueInteger` for sum and
count scales (the engine rounds them to whole numbers), `valueQuantity` (UCUM `{score}`) for
means; `interpretation` the band (our `CodeSystem/band` code `<instrument>/<scale>/<band>`, its
label, its interpretation as text); `derivedFrom` the QuestionnaireResponse.

Status follows the screening (see `observation_status`): completed -> final; a completed
revision that corrects an earlier one -> amended; the superseded earlier one -> cancelled
(withdrawn after release, real-world use possible: R4's guidance for retracted results that may
have been acted on); voided (given in error) -> entered-in-error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .change import change_interpretations
from .search import instant
from .systems import (
    BAND_SYSTEM,
    BANDS_PROVISIONAL,
    DATA_ABSENT_REASON,
    ITEM_SYSTEM,
    OBSERVATION_CATEGORY,
    SCALE_SYSTEM,
    SCORE_COMPLETE,
    SCORE_PRORATED,
    SUPERSEDED_BY,
    UCUM,
)

SURVEY = {
    "coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}],
}


def observation_status(screening_status: str, *, is_revision: bool) -> str:
    """FHIR ObservationStatus for the scores of a screening in `screening_status`."""
    if screening_status == "voided":
        return "entered-in-error"
    if screening_status == "amended":
        return "cancelled"
    if screening_status == "completed":
        return "amended" if is_revision else "final"
    return "preliminary"  # an in-progress screening has no result; never reached in practice


def scale_codings(
    instrument_code: str, scale_id: str, scale: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """The scale's own codes when its definition has some, else our `<instrument>/<scale>`."""
    codes = (scale or {}).get("codes") or []
    if codes:
        return [
            {k: c[k] for k in ("system", "code", "display") if c.get(k) is not None} for c in codes
        ]
    return [{"system": SCALE_SYSTEM, "code": f"{instrument_code}/{scale_id}"}]


def observation_resource(
    score: Any,
    *,
    status: str,
    scale: Mapping[str, Any] | None,
    scale_result: Mapping[str, Any] | None,
    effective: dt.datetime,
    last_updated: dt.datetime,
    superseded_by: int | None = None,
    change: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The Observation of one ScaleScore `score` (attributes: pk, instrument_code, scale_id,
    score, complete, scored_at, client_id, screening_id).

    `scale` is the scale's definition (for codes and method), `scale_result` the engine's
    result for it (title, band, prorated, answered/expected); `effective` when the answers were
    given; `superseded_by` the revision that replaced a superseded screening; `change` the
    scale's change against the client's earlier screenings (screening/fhir/change.py), if any.
    """
    scale_result = scale_result or {}
    title = scale_result.get("title") or (scale or {}).get("title") or score.scale_id
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(score.pk),
        "meta": {"lastUpdated": instant(max(last_updated, score.scored_at))},
    }
    extensions: list[dict[str, Any]] = [{"url": SCORE_COMPLETE, "valueBoolean": score.complete}]
    if scale_result.get("prorated"):
        extensions.append({"url": SCORE_PRORATED, "valueBoolean": True})
    if scale_result.get("bands_provisional"):
        extensions.append({"url": BANDS_PROVISIONAL, "valueBoolean": True})
    if superseded_by:
        reference = {"reference": f"QuestionnaireResponse/{superseded_by}"}
        extensions.append({"url": SUPERSEDED_BY, "valueReference": reference})
    observation["extension"] = extensions
    observation["status"] = status
    observation["category"] = [SURVEY]
    observation["code"] = {
        "coding": scale_codings(score.instrument_code, score.scale_id, scale),
        "text": title,
    }
    observation["subject"] = {"reference": f"Patient/{score.client_id}"}
    observation["effectiveDateTime"] = instant(effective)
    observation["issued"] = instant(score.scored_at)
    method = (scale or {}).get("method") or scale_result.get("method")
    if score.score is None:
        observation["dataAbsentReason"] = {
            "coding": [{"system": DATA_ABSENT_REASON, "code": "unknown", "display": "Unknown"}],
            "text": "Not scored: the instrument's missing-data rule does not allow a score "
            "with these items unanswered.",
        }
    elif method == "mean":
        observation["valueQuantity"] = {
            "value": float(Decimal(score.score)),
            "unit": "{score}",
            "system": UCUM,
            "code": "{score}",
        }
    else:
        observation["valueInteger"] = int(Decimal(score.score))
    band = scale_result.get("band")
    interpretation: list[dict[str, Any]] = []
    if band:
        interpretation = [
            {
                "coding": [
                    {
                        "system": BAND_SYSTEM,
                        "code": f"{score.instrument_code}/{score.scale_id}/{band['code']}",
                        "display": band["label"],
                    }
                ],
                "text": band.get("interpretation") or band["label"],
            }
        ]
    if change is not None:
        interpretation += change_interpretations(change)
    if interpretation:
        observation["interpretation"] = interpretation
    notes = _notes(scale_result, superseded_by, status)
    if notes:
        observation["note"] = [{"text": text} for text in notes]
    observation["derivedFrom"] = [{"reference": f"QuestionnaireResponse/{score.screening_id}"}]
    return observation


def _notes(scale_result: Mapping[str, Any], superseded_by: int | None, status: str) -> list[str]:
    notes = []
    answered, expected = scale_result.get("answered"), scale_result.get("expected")
    if scale_result.get("prorated"):
        notes.append(
            f"Prorated from {answered} of {expected} items under the instrument's published "
            "missing-data rule."
        )
    elif scale_result and scale_result.get("complete") is False:
        notes.append(f"Incomplete: {answered} of {expected} items answered.")
    if scale_result.get("bands_provisional"):
        notes.append("The bands are provisional: this inventory is not validated.")
    if status == "cancelled" and superseded_by:
        notes.append(
            f"Withdrawn: the screening was corrected; see QuestionnaireResponse/{superseded_by} "
            "and its Observations."
        )
    if status == "entered-in-error":
        notes.append("Withdrawn: the screening was voided (given in error).")
    return notes


def reported_item_observation(
    row: Any,
    *,
    status: str,
    effective: dt.datetime,
    last_updated: dt.datetime,
    superseded_by: int | None = None,
) -> dict[str, Any]:
    """The Observation of a reported unscored answer (attributes: pk, instrument_code,
    item_link_id, answer (the engine's reported item), scored_at, client_id, screening_id).

    `code` is the item's own codes (LOINC 69722-7 for PHQ-9 question 10) or our
    `CodeSystem/item` `<instrument>/<link_id>`, with the question's text; the value is the
    chosen option as `valueCodeableConcept` (or `valueBoolean`). No score, no interpretation."""
    answer = row.answer
    codes = [
        {k: c[k] for k in ("system", "code", "display") if c.get(k) is not None}
        for c in answer.get("codes") or []
    ] or [{"system": ITEM_SYSTEM, "code": f"{row.instrument_code}/{row.item_link_id}"}]
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(row.pk),
        "meta": {"lastUpdated": instant(max(last_updated, row.scored_at))},
    }
    if superseded_by:
        reference = {"reference": f"QuestionnaireResponse/{superseded_by}"}
        observation["extension"] = [{"url": SUPERSEDED_BY, "valueReference": reference}]
    observation["status"] = status
    observation["category"] = [SURVEY]
    observation["code"] = {"coding": codes, "text": answer.get("text") or row.item_link_id}
    observation["subject"] = {"reference": f"Patient/{row.client_id}"}
    observation["effectiveDateTime"] = instant(effective)
    observation["issued"] = instant(row.scored_at)
    value = answer.get("value")
    if isinstance(value, bool):
        observation["valueBoolean"] = value
    else:
        option = answer.get("option") or {}
        coding = {k: option[k] for k in ("system", "code") if option.get(k)}
        coding["display"] = answer.get("label")
        observation["valueCodeableConcept"] = {"coding": [coding], "text": answer.get("label")}
    notes = ["Reported with the result: an unscored question, never part of any score."]
    notes += _notes({}, superseded_by, status)
    observation["note"] = [{"text": text} for text in notes]
    observation["derivedFrom"] = [{"reference": f"QuestionnaireResponse/{row.screening_id}"}]
    return observation

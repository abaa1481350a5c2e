"""Observation: one per scale of a screening's current result, and one per reported unscored
answer (PHQ-9 question 10). Read and search."""

from __future__ import annotations

from typing import Any

from screening.compiled import version_definition
from screening.fhir.observation import (
    observation_resource,
    observation_status,
    reported_item_observation,
)
from screening.models import ObservationKind, ScaleScore
from screening.selectors.change import screening_change, with_changes
from screening.selectors.fhir import (
    OBSERVATION_STATUS,
    common_filters,
    observation_get,
    observation_search,
)

from .context import Caller, Result, audit_read
from .http import fail
from .search import Query, SearchParam, bundle, id_param, last_updated_param, page

TYPE = "Observation"
SEARCH = (
    id_param(),
    last_updated_param("screening__updated_at"),
    SearchParam("patient", "reference", "The Patient: Patient/{id} or {id}."),
    SearchParam("subject", "reference", "The subject, a Patient: Patient/{id} or {id}."),
    SearchParam(
        "category",
        "token",
        "survey (http://terminology.hl7.org/CodeSystem/observation-category|survey): every "
        "Observation here is one; any other category finds none.",
    ),
    SearchParam(
        "code",
        "token",
        "The scale's code: system|code or code (e.g. http://loinc.org|44261-6, or "
        "https://screening.example.org/fhir/CodeSystem/scale|hisi/total).",
    ),
    SearchParam(
        "date",
        "date",
        "effectiveDateTime, when the answers were submitted; prefixes eq, ne, gt, lt, ge, le, "
        "sa, eb, ap; sortable.",
        sort="screening__submitted_at",
    ),
    SearchParam(
        "derived-from", "reference", "The QuestionnaireResponse: QuestionnaireResponse/{id}."
    ),
    SearchParam("status", "token", "final, amended, cancelled or entered-in-error."),
)


def render(score: ScaleScore) -> dict[str, Any]:
    """One Observation; its screening's change is read unless `with_changes()` already did."""
    screening = score.screening
    revision = getattr(screening, "superseded_by", None)
    status = observation_status(screening.status, is_revision=screening.supersedes_id is not None)
    if score.kind == ObservationKind.ITEM:
        return reported_item_observation(
            score,
            status=status,
            effective=screening.submitted_at or score.scored_at,
            last_updated=screening.updated_at,
            superseded_by=revision.pk if revision is not None else None,
        )
    outcomes = screening_change(screening) or []
    change = next((c for c in outcomes if c["scale"] == score.scale_id), None)
    definition = version_definition(screening.instrument_version)
    scale = next((s for s in definition.get("scales", ()) if s["id"] == score.scale_id), None)
    return observation_resource(
        score,
        status=status,
        scale=scale,
        scale_result=score.result.scales.get(score.scale_id),
        effective=screening.submitted_at or score.scored_at,
        last_updated=screening.updated_at,
        superseded_by=revision.pk if revision is not None else None,
        change=change,
    )


def read(caller: Caller, resource_id: str) -> Result:
    organization = caller.clinical()
    score = observation_get(organization=organization, pk=resource_id)
    if score is None:
        raise fail(404, "not-found", f"Observation/{resource_id} is not known")
    audit_read(caller, TYPE, client_ids=[score.client_id], object_id=score.pk)
    return Result(200, render(score), client_ids=[score.client_id])


def search(caller: Caller, query: Query) -> Result:
    organization = caller.clinical()
    scores = observation_search(
        organization=organization,
        patients=query.references("patient", "Patient") + query.references("subject", "Patient"),
        categories=query.tokens("category"),
        codes=query.tokens("code"),
        dates=query.dates("date"),
        responses=query.references("derived-from", "QuestionnaireResponse"),
        statuses=query.choices("status", tuple(OBSERVATION_STATUS)),
    )
    scores = common_filters(
        scores,
        ids=query.ids(),
        last_updated=query.dates("_lastUpdated"),
        updated_field="screening__updated_at",
    )
    rows, cursor = page(scores, query, query.ordering(("-id",)))
    with_changes([s.screening for s in rows])  # the page's history in two queries, not per row
    ids = [s.client_id for s in rows]
    audit_read(caller, TYPE, client_ids=ids, params=query.used())
    return Result(200, bundle([render(s) for s in rows], query, caller.base_url, cursor), None, ids)

"""Flag: read and search. Flags are raised by scoring, reviewed in the REST API."""

from __future__ import annotations

from typing import Any

from screening.fhir.flag import flag_resource
from screening.fhir.questionnaire import canonical_url
from screening.models import Flag, FlagStatus
from screening.selectors.fhir import FLAG_STATUS, common_filters, flag_get, flag_search

from .context import Caller, Result, audit_read
from .http import fail
from .search import Query, SearchParam, bundle, id_param, last_updated_param, page

TYPE = "Flag"
SEARCH = (
    id_param(),
    last_updated_param("updated_at"),
    SearchParam("patient", "reference", "The Patient: Patient/{id} or {id}."),
    SearchParam("subject", "reference", "The subject, a Patient: Patient/{id} or {id}."),
    SearchParam(
        "date",
        "date",
        "period.start, when the flag was raised; prefixes eq, ne, gt, lt, ge, le, sa, eb, ap; "
        "sortable (urgent flags still come first).",
        sort="created_at",
    ),
    SearchParam(
        "status",
        "token",
        "active (open or acknowledged), inactive (dismissed) or entered-in-error (its "
        "screening was voided).",
    ),
)
# Urgent first, then newest: the order of every flag list. A `_sort` orders flags of one
# severity; it never moves an urgent flag below a routine one.
URGENT_FIRST = ("severity_rank",)
ORDERING = (*URGENT_FIRST, "-id")


def render(flag: Flag, base_url: str) -> dict[str, Any]:
    screening = flag.screening
    version = screening.instrument_version
    used = {scale["id"] for scale in (flag.evidence or {}).get("scales", ())}
    # A flag raised while its screening was in progress has no result (no scores) yet.
    scores = flag.result.scores.all() if flag.result is not None else ()
    evidence = [s.pk for s in scores if s.scale_id in used]
    dismissals = [r.created_at for r in flag.reviews.all() if r.status == FlagStatus.DISMISSED]
    follow_up = flag.follow_up_instrument
    return flag_resource(
        flag,
        screening_status=screening.status,
        instrument=f"{version.instrument.code} {version.version}",
        evidence_observations=evidence,
        follow_up_questionnaire=canonical_url(base_url, follow_up) if follow_up else None,
        dismissed_at=dismissals[-1] if dismissals else None,
    )


def read(caller: Caller, resource_id: str) -> Result:
    organization = caller.clinical()
    flag = flag_get(organization=organization, pk=resource_id)
    if flag is None:
        raise fail(404, "not-found", f"Flag/{resource_id} is not known")
    audit_read(caller, TYPE, client_ids=[flag.client_id], object_id=flag.pk)
    return Result(200, render(flag, caller.base_url), client_ids=[flag.client_id])


def search(caller: Caller, query: Query) -> Result:
    organization = caller.clinical()
    flags = flag_search(
        organization=organization,
        patients=query.references("patient", "Patient") + query.references("subject", "Patient"),
        statuses=query.choices("status", tuple(FLAG_STATUS)),
        dates=query.dates("date"),
    )
    flags = common_filters(flags, ids=query.ids(), last_updated=query.dates("_lastUpdated"))
    rows, cursor = page(flags, query, query.ordering(ORDERING, first=URGENT_FIRST))
    ids = [f.client_id for f in rows]
    audit_read(caller, TYPE, client_ids=ids, params=query.used())
    resources = [render(f, caller.base_url) for f in rows]
    return Result(200, bundle(resources, query, caller.base_url, cursor), None, ids)

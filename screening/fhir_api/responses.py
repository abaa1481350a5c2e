"""QuestionnaireResponse: create (scored at once when completed), read, search."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q

from clients.models import Client
from screening.compiled import compiled_version, version_definition
from screening.fhir import validate_resource
from screening.fhir.questionnaire import canonical_url
from screening.fhir.response import (
    ROOT,
    STATUS,
    answers_from_response,
    questionnaire_response_resource,
    read_response,
)
from screening.models import InstrumentVersion, Screening, ScreeningStatus, VersionStatus
from screening.selectors.fhir import (
    administrable_version,
    common_filters,
    patient_referenced,
    questionnaire_condition,
    response_get,
    response_search,
)
from screening.services.fhir import response_create

from .context import Caller, Result, audit_read
from .http import FhirError, classify, fail
from .search import Query, SearchParam, bundle, id_param, last_updated_param, page

TYPE = ROOT
SEARCH = (
    id_param(),
    last_updated_param("updated_at"),
    SearchParam("patient", "reference", "The Patient: Patient/{id} or {id}."),
    SearchParam("subject", "reference", "The subject, a Patient: Patient/{id} or {id}."),
    SearchParam(
        "questionnaire",
        "reference",
        "The Questionnaire's canonical URL, optionally with |version.",
    ),
    SearchParam(
        "authored",
        "date",
        "When it was completed (or started, while in progress); prefixes eq, ne, gt, lt, ge, "
        "le, sa, eb, ap; sortable.",
        sort="authored",
    ),
    SearchParam("status", "token", "in-progress, completed, amended or entered-in-error."),
    SearchParam("identifier", "token", "The identifier the sender gave it: system|value."),
)
_CANONICAL = re.compile(r"^(?:https?://)?(?P<base>.*)/Questionnaire/(?P<code>[^/|]+)$")


def render(screening: Screening, base_url: str) -> dict[str, Any]:
    version = screening.instrument_version
    # Only an amended response has a revision; asking any other would cost a query.
    amended = screening.status == ScreeningStatus.AMENDED
    revision = getattr(screening, "superseded_by", None) if amended else None
    return questionnaire_response_resource(
        screening,
        compiled=compiled_version(version),
        questionnaire=f"{canonical_url(base_url, version.instrument.code)}|{version.version}",
        superseded_by=revision.pk if revision is not None else None,
    )


def read(caller: Caller, resource_id: str) -> Result:
    organization = caller.clinical()
    screening = response_get(organization=organization, pk=resource_id)
    if screening is None:
        raise fail(404, "not-found", f"QuestionnaireResponse/{resource_id} is not known")
    audit_read(caller, TYPE, client_ids=[screening.client_id], object_id=screening.pk)
    return Result(200, render(screening, caller.base_url), client_ids=[screening.client_id])


def search(caller: Caller, query: Query) -> Result:
    organization = caller.clinical()
    questionnaires = []
    for alternatives in query.values("questionnaire"):
        condition = Q(pk__in=[])
        for value in alternatives:
            parsed = _parse_canonical(value, caller.base_url)
            if parsed is not None:
                condition |= questionnaire_condition(code=parsed[0], version=parsed[1])
        questionnaires.append(condition)
    screenings = response_search(
        organization=organization,
        patients=query.references("patient", "Patient") + query.references("subject", "Patient"),
        questionnaires=questionnaires,
        authored=query.dates("authored"),
        statuses=query.choices("status", tuple(STATUS.values())),
        identifiers=[
            [f"{t.system or ''}|{t.code}" for t in alternatives if t.code]
            for alternatives in query.tokens("identifier")
        ],
    )
    screenings = common_filters(
        screenings, ids=query.ids(), last_updated=query.dates("_lastUpdated")
    )
    rows, cursor = page(screenings, query, query.ordering(("-id",)))
    ids = [s.client_id for s in rows]
    audit_read(caller, TYPE, client_ids=ids, params=query.used())
    resources = [render(s, caller.base_url) for s in rows]
    return Result(200, bundle(resources, query, caller.base_url, cursor), None, ids)


def _parse_canonical(value: str, base_url: str) -> tuple[str, str | None] | None:
    """(instrument code, version or None) of one of our canonical URLs, else None. The scheme
    is not compared (a proxy may end TLS), the rest of the base is."""
    url, _, version = value.partition("|")
    match = _CANONICAL.match(url)
    ours = _CANONICAL.match(canonical_url(base_url, "x"))
    if match is None or ours is None or match["base"] != ours["base"]:
        return None
    return match["code"], version or None


def create(
    caller: Caller,
    resource: dict[str, Any],
    *,
    if_none_exist: str | None = None,
    references: dict[str, str] | None = None,
    prefer: str = "",
) -> Result:
    organization = caller.clinical()
    if if_none_exist is not None:
        raise fail(
            400,
            "not-supported",
            "Conditional create is offered for Patient only; a QuestionnaireResponse with an "
            "identifier already filed is returned rather than stored twice",
        )
    validate_resource(resource)
    header = read_response(resource)
    version = _version(header.questionnaire, caller.base_url)
    client = _subject(header.subject, caller, references)
    submit = header.status == "completed"
    # A completed response with unanswered items is completed as it stands (issue 13): the
    # result says it is incomplete and rules are judged over every completion of the gaps. The
    # answers given must still be valid answers to the Questionnaire.
    answers = answers_from_response(
        resource, compiled_version(version), version_definition(version), submit=False
    )
    try:
        screening, created = response_create(
            organization=organization,
            actor=caller.user,
            client=client,
            version=version,
            answers=answers,
            submit=submit,
            allow_incomplete=submit,
            mode=header.mode,
            source_identifier=header.identifier,
        )
    except Exception as exc:
        status, issues, headers = classify(exc, root=TYPE)
        raise FhirError(status, issues, headers) from exc
    if created:
        fresh = screening  # just written, nothing else can refer to it yet: no re-read
    else:
        fresh = response_get(organization=organization, pk=str(screening.pk))
        audit_read(caller, TYPE, client_ids=[fresh.client_id], object_id=fresh.pk)
    return Result(
        201 if created else 200,
        render(fresh, caller.base_url),
        f"{TYPE}/{fresh.pk}",
        client_ids=[fresh.client_id],
    )


def _version(questionnaire: str, base_url: str) -> InstrumentVersion:
    where = f"{TYPE}.questionnaire"
    parsed = _parse_canonical(questionnaire, base_url)
    if parsed is None:
        raise fail(
            422,
            "not-found",
            f"{questionnaire!r} is not a Questionnaire of this server: use the canonical "
            f"{base_url}/Questionnaire/{{code}}|{{version}} (see GET /fhir/Questionnaire)",
            where,
        )
    code, label = parsed
    version = administrable_version(code=code, version=label)
    if version is None:
        named = f"{code} version {label}" if label else f"a published version of {code}"
        raise fail(422, "not-found", f"There is no {named}", where)
    if version.status != VersionStatus.PUBLISHED:
        raise fail(
            422,
            "business-rule",
            f"{code} version {version.version} is {version.status}: only a published version "
            "can be answered",
            where,
        )
    return version


def _subject(reference: str, caller: Caller, references: dict[str, str] | None) -> Client:
    where = f"{TYPE}.subject"
    organization = caller.clinical()
    if reference.startswith("urn:uuid:"):
        if references is None:
            raise fail(
                422,
                "not-found",
                "A urn:uuid: reference resolves only inside a transaction Bundle",
                where,
            )
        resolved = references.get(reference)
        if resolved is None:
            raise fail(
                422,
                "not-found",
                f"{reference} is not the fullUrl of a Patient in this transaction",
                where,
            )
        reference = resolved
    if reference.startswith(("http://", "https://")):
        if not reference.split("://", 1)[1].startswith(caller.base_url.split("://", 1)[1] + "/"):
            raise fail(422, "not-found", f"{reference} is not a Patient of this server", where)
        reference = (
            reference[reference.index("/Patient/") + 1 :] if "/Patient/" in reference else ""
        )
    kind, _, pk = reference.partition("/")
    client = patient_referenced(organization=organization, pk=pk) if kind == "Patient" else None
    if client is None:
        raise fail(422, "not-found", f"{reference!r} is not a Patient of your organization", where)
    return client

"""Patient: read, search by identifier, create and conditional create (`If-None-Exist`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from clients.api.clients import ClientWriteSerializer
from clients.models import Client
from config.errors import MultipleMatches
from config.hostile_input import has_control
from screening.fhir import validate_resource
from screening.fhir.patient import client_fields, patient_resource
from screening.fhir.search import SearchValueError, parse_token
from screening.selectors.fhir import common_filters, patient_get, patient_search
from screening.services.fhir import patient_create_if_none_exist

from .context import Caller, Result, audit_read
from .http import FhirError, classify, fail
from .search import Query, SearchParam, bundle, id_param, last_updated_param, page

TYPE = "Patient"
_STRING = "case-insensitive, matching the start of the name or of any word in it"
SEARCH = (
    id_param(),
    last_updated_param("updated_at"),
    SearchParam(
        "identifier",
        "token",
        "An identifier: system|value (exact), or value alone (any system).",
    ),
    SearchParam("name", "string", f"The family or a given name, {_STRING}."),
    SearchParam("family", "string", f"The family name, {_STRING}."),
    SearchParam("given", "string", f"A given name, {_STRING}."),
    SearchParam(
        "birthdate",
        "date",
        "The birth date (a whole day); prefixes eq, ne, gt, lt, ge, le, sa, eb, ap.",
    ),
)


def render(client: Client) -> dict[str, Any]:
    identifiers = [(i.system, i.value) for i in client.identifiers.all()]
    return patient_resource(client, identifiers)


def read(caller: Caller, resource_id: str) -> Result:
    organization = caller.clinical()
    client = patient_get(organization=organization, pk=resource_id)
    if client is None:
        raise fail(404, "not-found", f"Patient/{resource_id} is not known")
    audit_read(caller, TYPE, client_ids=[client.pk], object_id=client.pk)
    return Result(200, render(client), client_ids=[client.pk])


def search(caller: Caller, query: Query) -> Result:
    organization = caller.clinical()
    clients = patient_search(
        organization=organization,
        identifiers=query.tokens("identifier"),
        names=query.strings("name"),
        families=query.strings("family"),
        givens=query.strings("given"),
        birthdates=query.dates("birthdate"),
    )
    clients = common_filters(clients, ids=query.ids(), last_updated=query.dates("_lastUpdated"))
    rows, cursor = page(clients, query, query.ordering(("-id",)))
    ids = [c.pk for c in rows]
    audit_read(caller, TYPE, client_ids=ids, params=query.used())
    return Result(200, bundle([render(c) for c in rows], query, caller.base_url, cursor), None, ids)


def create(
    caller: Caller,
    resource: dict[str, Any],
    *,
    if_none_exist: str | None = None,
    references: dict[str, str] | None = None,
    prefer: str = "",
) -> Result:
    organization = caller.clinical()
    validate_resource(resource)
    fields, paths = client_fields(resource)
    matches = _criteria(caller, if_none_exist) if if_none_exist is not None else None
    params = ClientWriteSerializer(data=_serializer_input(fields))
    try:
        params.is_valid(raise_exception=True)
        client, created = patient_create_if_none_exist(
            organization=organization,
            actor=caller.user,
            data=params.validated_data,
            matches=matches,
        )
    except MultipleMatches as exc:
        raise fail(
            412,
            "multiple-matches",
            f"If-None-Exist matches {exc.count} or more patients: make the criteria precise",
        ) from exc
    except Exception as exc:
        status, issues, headers = classify(exc, paths=paths, root=TYPE)
        raise FhirError(status, issues, headers) from exc
    client = patient_get(organization=organization, pk=str(client.pk))
    if not created:
        audit_read(caller, TYPE, client_ids=[client.pk], object_id=client.pk)
    return Result(
        201 if created else 200, render(client), f"{TYPE}/{client.pk}", client_ids=[client.pk]
    )


def _serializer_input(fields: dict[str, Any]) -> dict[str, Any]:
    data = dict(fields)
    data["birth_date"] = data["birth_date"].isoformat()
    return data


def _criteria(caller: Caller, if_none_exist: str):
    """The conditional create's search, as a function returning up to two matches."""
    pairs = parse_qsl(if_none_exist.lstrip("?"), keep_blank_values=True)
    if any(has_control(name) or has_control(value) for name, value in pairs):
        raise fail(400, "invalid", "If-None-Exist: control characters are not allowed")
    if not pairs:
        raise fail(400, "invalid", "If-None-Exist is empty: use identifier=system|value")
    tokens = []
    for name, value in pairs:
        if name != "identifier":
            raise fail(
                400,
                "not-supported",
                f"If-None-Exist supports identifier=system|value only, not {name!r}",
            )
        try:
            tokens.append([parse_token(value)])
        except SearchValueError as exc:
            raise fail(400, "invalid", f"If-None-Exist: {exc}") from exc
    organization = caller.clinical()

    def matches() -> list[Client]:
        return list(
            patient_search(organization=organization, identifiers=tokens).order_by("id")[:2]
        )

    return matches

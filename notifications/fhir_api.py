"""Subscription over FHIR: create, read, search, delete, for integrations. Plugged into the FHIR
interface's registry by this app's AppConfig.ready (screening does not import notifications)."""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from notifications.crypto import decrypt
from notifications.fhir import ROOT, read_subscription, subscription_resource
from notifications.models import FhirSubscription, SubscriptionStatus
from notifications.selectors import subscription_get, subscription_list
from notifications.services.subscriptions import subscription_create, subscription_delete
from notifications.transport import Refused
from screening.fhir import validate_resource
from screening.fhir_api.context import Caller, Result
from screening.fhir_api.http import fail
from screening.fhir_api.registry import ResourceType
from screening.fhir_api.search import Query, SearchParam, bundle, page

SEARCH = (SearchParam("status", "token", "requested, active, error or off."),)


def _organization(caller: Caller):
    organization = caller.clinical()
    if caller.role != "integration":
        raise fail(403, "forbidden", "Subscriptions are for integrations (machine clients).")
    return organization


def render(subscription: FhirSubscription) -> dict[str, Any]:
    names = []
    if subscription.headers_encrypted:
        names = [h.partition(":")[0] for h in json.loads(decrypt(subscription.headers_encrypted))]
    return subscription_resource(subscription, header_names=names)


def read(caller: Caller, resource_id: str) -> Result:
    organization = _organization(caller)
    subscription = subscription_get(organization=organization, pk=resource_id)
    if subscription is None:
        raise fail(404, "not-found", f"Subscription/{resource_id} is not known")
    if subscription.deleted_at is not None:
        raise fail(410, "deleted", f"Subscription/{resource_id} was deleted")
    return Result(200, render(subscription))


def search(caller: Caller, query: Query) -> Result:
    organization = _organization(caller)
    statuses = query.choices("status", tuple(SubscriptionStatus.values))
    rows, cursor = page(
        subscription_list(organization=organization, statuses=statuses), query, ("-id",)
    )
    return Result(200, bundle([render(s) for s in rows], query, caller.base_url, cursor))


def create(
    caller: Caller,
    resource: dict[str, Any],
    *,
    if_none_exist: str | None = None,
    references: dict[str, str] | None = None,
    prefer: str = "",
) -> Result:
    organization = _organization(caller)
    if if_none_exist is not None:
        raise fail(400, "not-supported", "Conditional create is offered for Patient only")
    validate_resource(resource)
    fields = read_subscription(resource, now=timezone.now())
    try:
        subscription = subscription_create(
            organization=organization, actor=caller.user, fields=fields
        )
    except Refused as exc:
        raise fail(422, "value", f"channel.endpoint: {exc}", f"{ROOT}.channel.endpoint") from exc
    return Result(201, render(subscription), f"{ROOT}/{subscription.pk}")


def delete(caller: Caller, resource_id: str) -> Result:
    organization = _organization(caller)
    subscription = subscription_get(organization=organization, pk=resource_id)
    if subscription is None:
        raise fail(404, "not-found", f"Subscription/{resource_id} is not known")
    if subscription.deleted_at is None:
        subscription_delete(subscription=subscription, actor=caller.user)
    return Result(204, None)


RESOURCE = ResourceType(
    ROOT,
    read,
    search,
    SEARCH,
    "Subscriptions (channel rest-hook) of integrations, limited to their organization: criteria "
    "Flag?status=active (or Flag) or QuestionnaireResponse (or ?status=completed). Created "
    "'requested'; 'active' once the worker has checked the endpoint (public address, https), "
    "else 'error'; 'error' with the reason after repeated failed notifications. With "
    "channel.payload application/fhir+json each notification carries the resource as it is "
    "now; without it, an empty POST. Header values are never shown back. DELETE turns it off.",
    create=create,
    delete=delete,
    roles=_organization,
)

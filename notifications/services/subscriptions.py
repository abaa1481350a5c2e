"""FHIR R4 Subscriptions (rest-hook) of integrations: created `requested`, activated by the
worker once the endpoint checks out (else `error` with the reason), notified of matching events,
put in `error` after repeated failed notifications, turned `off` by DELETE. Audited."""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clients.access import AuditObject, RequestReader, audit_read
from clients.models import Organization, User
from clients.models.audit import AuditAction
from clients.services.audit import audit_record
from notifications.crypto import decrypt, encrypt
from notifications.fhir import SubscriptionInput
from notifications.models import FhirSubscription, SubscriptionStatus
from notifications.services.queue import queue_subscription_activation
from notifications.transport import Refused, check_url, parse_target
from outbox.events import EventType
from outbox.models import OutboxEvent

EVENTS = {
    "Flag": (EventType.FLAG_RAISED, EventType.FLAG_REVIEWED),
    "QuestionnaireResponse": (EventType.SCREENING_COMPLETED,),
}


def _audit(subscription: FhirSubscription, actor: User | None, action: str, **detail) -> None:
    audit_record(
        actor=actor,
        organization=subscription.organization,
        action=action,
        object_type="fhir_subscription",
        object_id=subscription.pk,
        detail={"host": urlsplit(subscription.endpoint).hostname, **detail},
    )


def subscription_create(
    *, organization: Organization, actor: User, fields: SubscriptionInput
) -> FhirSubscription:
    parse_target(fields.endpoint)  # Refused: the caller reports it against channel.endpoint
    with transaction.atomic():
        subscription = FhirSubscription.objects.create(
            organization=organization,
            created_by=actor,
            criteria=fields.criteria,
            resource_type=fields.resource_type,
            status_filter=fields.status_filter,
            reason=fields.reason,
            endpoint=fields.endpoint,
            payload=fields.payload,
            headers_encrypted=encrypt(json.dumps(fields.headers)) if fields.headers else "",
            end=fields.end,
        )
        _audit(subscription, actor, AuditAction.CREATE, criteria=fields.criteria)
        queue_subscription_activation(subscription.pk)
    return subscription


def subscription_activate(subscription_id: int) -> str:
    """`requested` -> `active` when the endpoint resolves to an address the guard allows, else
    `error` with the reason. Nothing is sent to check it (R4 rest-hook has no handshake)."""
    subscription = FhirSubscription.objects.filter(
        pk=subscription_id, status=SubscriptionStatus.REQUESTED, deleted_at__isnull=True
    ).first()
    if subscription is None:
        return "not requested"
    try:
        check_url(subscription.endpoint)
        status, problem = SubscriptionStatus.ACTIVE, ""
    except Refused as exc:
        status, problem = SubscriptionStatus.ERROR, f"endpoint refused: {exc}"
    with transaction.atomic():
        updated = FhirSubscription.objects.filter(
            pk=subscription.pk, status=SubscriptionStatus.REQUESTED
        ).update(status=status, error=problem, updated_at=timezone.now())
        if updated:
            subscription.refresh_from_db()
            _audit(subscription, None, AuditAction.UPDATE, status=status, error=problem)
    return status


def subscription_error(*, subscription: FhirSubscription, reason: str) -> None:
    """`active` -> `error` after repeated failed notifications (in the recording transaction)."""
    updated = FhirSubscription.objects.filter(
        pk=subscription.pk, status=SubscriptionStatus.ACTIVE
    ).update(status=SubscriptionStatus.ERROR, error=reason, updated_at=timezone.now())
    if updated:
        subscription.refresh_from_db()
        _audit(subscription, None, AuditAction.UPDATE, status="error", error=reason)


def subscription_delete(*, subscription: FhirSubscription, actor: User) -> None:
    with transaction.atomic():
        FhirSubscription.objects.filter(pk=subscription.pk).update(
            status=SubscriptionStatus.OFF, deleted_at=timezone.now(), updated_at=timezone.now()
        )
        _audit(subscription, actor, AuditAction.UPDATE, status="off", deleted=True)


def subscription_matches(subscription: FhirSubscription, event: OutboxEvent) -> bool:
    if event.type not in EVENTS.get(subscription.resource_type, ()):
        return False
    if subscription.end is not None and subscription.end <= timezone.now():
        return False
    if subscription.status_filter == "active":
        # A flag is active in FHIR unless dismissed (screening.fhir.flag.flag_status).
        return (event.data.get("flag") or {}).get("status") != "dismissed"
    return True


def _base_url() -> str:
    configured = getattr(settings, "FHIR_BASE_URL", "")
    return (configured or f"{settings.PUBLIC_BASE_URL}/fhir").rstrip("/")


def subscription_notification(
    subscription: FhirSubscription, event: OutboxEvent
) -> tuple[bytes, dict[str, str]]:
    """(body, headers) of a rest-hook notification: the matching resource as it is now when the
    Subscription asked for a payload, else an empty body."""
    headers = {
        "Content-Type": "application/fhir+json; fhirVersion=4.0",
        **fhir_headers(subscription),
    }
    if not subscription.payload:
        return b"", headers
    resource = _render(subscription, event)
    return json.dumps(resource, separators=(",", ":")).encode(), headers


def _render(subscription: FhirSubscription, event: OutboxEvent) -> dict:
    from screening.fhir_api import flags, responses
    from screening.selectors.fhir import flag_get, response_get

    organization = subscription.organization
    if subscription.resource_type == "Flag":
        flag = flag_get(organization=organization, pk=str(event.subject_id))
        return flags.render(flag, _base_url())
    screening = response_get(organization=organization, pk=str(event.subject_id))
    return responses.render(screening, _base_url())


def subscription_sent(subscription: FhirSubscription, event: OutboxEvent) -> None:
    """A notification that carried a resource discloses client data: audited as a read by the
    integration that subscribed (in the recording transaction)."""
    if not subscription.payload:
        return
    client = (event.data.get("client") or {}).get("id")
    reader = RequestReader(
        user=subscription.created_by,
        organization=subscription.organization,
        credential=f"subscription:{subscription.pk}",
    )
    audit_read(
        reader,
        AuditObject.FLAG if subscription.resource_type == "Flag" else AuditObject.SCREENING,
        object_id=event.subject_id,
        client_ids=[client] if client else [],
        detail={"fhir": subscription.resource_type, "via": f"Subscription/{subscription.pk}"},
    )


def fhir_headers(subscription: FhirSubscription) -> dict[str, str]:
    """The Subscription's own channel headers (`Name: value` lines), decrypted."""
    if not subscription.headers_encrypted:
        return {}
    headers = {}
    for line in json.loads(decrypt(subscription.headers_encrypted)):
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    return headers

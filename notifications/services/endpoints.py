"""Webhook endpoints: registered, changed, removed by org admins (audited); disabled by the
delivery engine after repeated failures (audited, and the org admins told by e-mail)."""

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from clients.models import Organization, User
from clients.models.audit import AuditAction
from clients.services.audit import audit_record
from config.errors import InvalidInput
from notifications.crypto import encrypt
from notifications.models import WebhookEndpoint
from notifications.signing import new_secret
from notifications.transport import Refused, address_refusal, parse_target
from outbox.events import Event, EventType
from outbox.services import outbox_emit

MAX_ENDPOINTS = 20


def _check_url(url: str) -> str:
    """The URL, or a ValidationError. Addresses are checked again, resolved, at every send; an
    address literal that could never be called is refused now."""
    try:
        target = parse_target(url)
    except Refused as exc:
        raise InvalidInput(fields={"url": [str(exc).capitalize() + "."]}) from exc
    try:
        why = address_refusal(target.host.strip("[]"))
    except ValueError:
        why = None  # a host name: resolved and checked when sending
    if why or target.host.lower() in ("localhost", "localhost.localdomain"):
        raise InvalidInput(
            fields={"url": [f"Refused: {why or 'localhost'} (not a public address)."]}
        )
    return url


def _check_events(event_types: Sequence[str]) -> list[str]:
    unknown = sorted(set(event_types) - set(EventType.values))
    if unknown or not event_types:
        raise InvalidInput(
            fields={"event_types": [f"Choose from {', '.join(EventType.values)}."]}
            if not unknown
            else {"event_types": [f"Unknown event types: {', '.join(unknown)}."]}
        )
    return sorted(set(event_types))


def _audit(endpoint: WebhookEndpoint, actor: User | None, action: str, **detail: Any) -> None:
    audit_record(
        actor=actor,
        organization=endpoint.organization,
        action=action,
        object_type="webhook_endpoint",
        object_id=endpoint.pk,
        detail={"host": urlsplit(endpoint.url).hostname, **detail},
    )


def endpoint_create(
    *,
    organization: Organization,
    actor: User,
    url: str,
    event_types: Sequence[str],
    description: str = "",
) -> tuple[WebhookEndpoint, str]:
    """(endpoint, secret): the `whsec_...` signing secret is returned this once."""
    url = _check_url(url)
    types = _check_events(event_types)
    secret = new_secret()
    with transaction.atomic():
        count = WebhookEndpoint.objects.filter(
            organization=organization, deleted_at__isnull=True
        ).count()
        if count >= MAX_ENDPOINTS:
            raise InvalidInput(
                fields={
                    "non_field_errors": [f"At most {MAX_ENDPOINTS} endpoints per organization."]
                }
            )
        endpoint = WebhookEndpoint.objects.create(
            organization=organization,
            url=url,
            description=description,
            event_types=types,
            secret_encrypted=encrypt(secret),
            created_by=actor,
        )
        _audit(endpoint, actor, AuditAction.CREATE, event_types=types)
    return endpoint, secret


def endpoint_update(
    *, endpoint: WebhookEndpoint, actor: User, changes: Mapping[str, Any]
) -> WebhookEndpoint:
    """Change url, event types, description, or `active` (re-enabling clears the failure
    streak and the reason it was disabled)."""
    cleaned: dict[str, Any] = {}
    if "url" in changes:
        cleaned["url"] = _check_url(changes["url"])
    if "event_types" in changes:
        cleaned["event_types"] = _check_events(changes["event_types"])
    if "description" in changes:
        cleaned["description"] = changes["description"]
    if "active" in changes:
        cleaned["active"] = bool(changes["active"])
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        changed = sorted(k for k, v in cleaned.items() if getattr(endpoint, k) != v)
        for field, value in cleaned.items():
            setattr(endpoint, field, value)
        if cleaned.get("active") and "active" in changed:
            endpoint.failure_streak = 0
            endpoint.disabled_reason = ""
            endpoint.disabled_at = None
        endpoint.save()
        _audit(endpoint, actor, AuditAction.UPDATE, changed=changed)
    return endpoint


def endpoint_delete(*, endpoint: WebhookEndpoint, actor: User) -> None:
    """Remove an endpoint: nothing more is sent to it; its delivery log stays readable to the
    audit trail but leaves the API."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.active = False
        endpoint.deleted_at = timezone.now()
        endpoint.save(update_fields=["active", "deleted_at", "updated_at"])
        _audit(endpoint, actor, AuditAction.UPDATE, deleted=True)


def endpoint_disable(*, endpoint: WebhookEndpoint, reason: str) -> None:
    """Disable after repeated failures (in the recording transaction): audited, and a
    `webhook.disabled` event tells the org admins by e-mail."""
    updated = WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).update(
        active=False, disabled_reason=reason, disabled_at=timezone.now()
    )
    if not updated:
        return
    endpoint.refresh_from_db()
    _audit(endpoint, None, AuditAction.UPDATE, disabled=reason)
    outbox_emit(
        organization_id=endpoint.organization_id,
        events=[
            Event(
                EventType.WEBHOOK_DISABLED,
                "webhook_endpoint",
                endpoint.pk,
                {
                    "endpoint": {
                        "id": endpoint.pk,
                        "host": urlsplit(endpoint.url).hostname,
                        "failures": endpoint.failure_streak,
                        "reason": reason,
                    }
                },
            )
        ],
    )

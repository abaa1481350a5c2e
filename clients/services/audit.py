"""The one way to write an audit event.

Callers invoke `audit_record` inside the transaction of the change it records, so the change and
its audit row commit or roll back together. Events are chained per organization: each row's hash
covers its content and the previous row's hash, so an altered or deleted row breaks the chain that
`verify_audit` walks.
"""

import hashlib
import json
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from clients.models import AuditEvent, Organization
from clients.models.audit import AuditAction, AuditEventClient, AuditOutcome
from config.request_context import current_request_context

GENESIS_HASH = "0" * 64


def chain_key_for(organization: Organization | int | None) -> str:
    """The chain an event of this organization (or its id) belongs to; "global" for none."""
    if organization is None:
        return "global"
    return f"org:{organization.pk if isinstance(organization, Organization) else organization}"


def event_digest(event: AuditEvent) -> str:
    payload = {
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organization_id": event.organization_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "client_ids": event.client_ids,
        "request_id": event.request_id,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "outcome": event.outcome,
        "detail": event.detail,
        "chain_key": event.chain_key,
        "sequence": event.sequence,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _lock_chain(chain_key: str) -> None:
    # Two writers must not both extend the chain from the same tail. PostgreSQL: a transaction-
    # scoped advisory lock per chain. SQLite already serializes writers (IMMEDIATE transactions).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [chain_key])


def audit_record(
    *,
    actor,
    organization: Organization | None,
    action: AuditAction | str,
    object_type: str = "",
    object_id: str | int | None = "",
    client_ids: Iterable[int] = (),
    outcome: AuditOutcome | str = AuditOutcome.SUCCESS,
    detail: dict | None = None,
    actor_label: str = "",
) -> AuditEvent:
    context = current_request_context()
    # No savepoint: inside a caller's transaction the event must commit or roll back with the
    # change it records, and a failure here must fail that transaction anyway. Outside one this
    # is the event's own transaction. (A savepoint would cost two round trips per event.)
    with transaction.atomic(savepoint=False):
        chain_key = chain_key_for(organization)
        _lock_chain(chain_key)
        tail = (
            AuditEvent.objects.filter(chain_key=chain_key)
            .order_by("-sequence")
            .values_list("sequence", "hash")
            .first()
        )
        sequence, prev_hash = (tail[0] + 1, tail[1]) if tail else (1, GENESIS_HASH)
        actor_is_user = actor is not None and getattr(actor, "is_authenticated", False)
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor=actor if actor_is_user else None,
            actor_label=actor_label or (actor.get_username() if actor_is_user else ""),
            organization=organization,
            action=str(action),
            object_type=object_type,
            object_id="" if object_id is None else str(object_id),
            client_ids=sorted({int(pk) for pk in client_ids}),
            request_id=context.request_id if context else "",
            ip=context.ip if context else None,
            user_agent=context.user_agent if context else "",
            outcome=str(outcome),
            detail=detail or {},
            chain_key=chain_key,
            sequence=sequence,
            prev_hash=prev_hash,
        )
        event.hash = event_digest(event)
        event.save()
        if event.client_ids:
            AuditEventClient.objects.bulk_create(
                AuditEventClient(event=event, client_id=client_id) for client_id in event.client_ids
            )
    return event

"""The one way to write an audit event.

Callers invoke `audit_record` inside the transaction of the change it records, so the change and
its audit row commit or roll back together. Appending is lock-free: the request inserts its event
and commits, with no lock and no read of the chain. The sealer (`audit_seal.py`) chains committed
events in batches later and signs a checkpoint over each batch; `verify_audit` checks both.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from clients.models import AuditEvent, Organization
from clients.models.audit import AuditAction, AuditEventClient, AuditOutcome
from config.request_context import current_request_context


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
    credential: str = "",
) -> AuditEvent:
    context = current_request_context()
    # No savepoint: inside a caller's transaction the event must commit or roll back with the
    # change it records, and a failure here must fail that transaction anyway. Outside one this
    # is the event's own transaction. (A savepoint would cost two round trips per event.)
    with transaction.atomic(savepoint=False):
        actor_is_user = actor is not None and getattr(actor, "is_authenticated", False)
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor=actor if actor_is_user else None,
            actor_label=actor_label or (actor.get_username() if actor_is_user else ""),
            organization=organization,
            action=str(action),
            object_type=str(object_type),
            object_id="" if object_id is None else str(object_id),
            client_ids=sorted({int(pk) for pk in client_ids}),
            request_id=context.request_id if context else "",
            ip=context.ip if context else None,
            user_agent=context.user_agent if context else "",
            outcome=str(outcome),
            detail=detail or {},
            credential=credential,
        )
        event.save()
        if event.client_ids:
            AuditEventClient.objects.bulk_create(
                AuditEventClient(event=event, client_id=client_id) for client_id in event.client_ids
            )
    return event

"""The one way to write an audit event.

Callers invoke `audit_record` (or `audit_record_many` for several events of one change) inside the
transaction of the change it records, so the change and its audit rows commit or roll back
together. Appending is lock-free: the request inserts its events and commits, with no lock and no
read of the chain. The sealer (`audit_seal.py`) chains committed events in batches later and signs
a checkpoint over each batch; `verify_audit` checks both. Reads are recorded through
`clients.access.audit_read`, which calls this.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

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
    event = _event(
        actor=actor,
        organization=organization,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_ids=client_ids,
        outcome=outcome,
        detail=detail,
        actor_label=actor_label,
        credential=credential,
    )
    # No savepoint: inside a caller's transaction the event must commit or roll back with the
    # change it records, and a failure here must fail that transaction anyway. Outside one this
    # is the event's own transaction. (A savepoint would cost two round trips per event.)
    with transaction.atomic(savepoint=False):
        event.save()
        _index_clients([event])
    return event


def audit_record_many(events: Sequence[Mapping[str, Any]]) -> list[AuditEvent]:
    """Several events of one change (each a mapping of `audit_record`'s arguments), written in
    two statements however many there are."""
    built = [_event(**spec) for spec in events]
    with transaction.atomic(savepoint=False):
        AuditEvent.objects.bulk_create(built)
        _index_clients(built)
    return built


def _event(
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
    actor_is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent(
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


def _index_clients(events: Iterable[AuditEvent]) -> None:
    rows = [
        AuditEventClient(event=event, client_id=client_id)
        for event in events
        for client_id in event.client_ids
    ]
    if rows:
        AuditEventClient.objects.bulk_create(rows)

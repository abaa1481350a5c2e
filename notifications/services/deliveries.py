"""Deliveries: created by the fan-out, attempted by the worker, retried with exponential backoff
and jitter until WEBHOOK_RETRY_HOURS have passed, redelivered by hand.

An attempt first claims its delivery (a lease, in one UPDATE), sends outside any transaction,
then records the attempt; so duplicate tasks for one delivery (a sweep that re-queued it while
its task waited) send it once, and a worker killed mid-send leaves a lease that expires.
"""

import secrets
import time
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from clients.models import User
from clients.models.audit import AuditAction
from clients.services.audit import audit_record
from config.errors import Conflict
from config.tasks import URGENT_PRIORITY
from notifications.crypto import decrypt
from notifications.models import (
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    FhirSubscription,
    WebhookEndpoint,
)
from notifications.payloads import email_message, webhook_body
from notifications.services.endpoints import endpoint_disable
from notifications.services.queue import queue_deliveries
from notifications.services.subscriptions import (
    subscription_error,
    subscription_notification,
    subscription_sent,
)
from notifications.signing import signed_headers
from notifications.transport import Answer, Refused, post
from outbox.models import OutboxEvent

RETRY_BASE_SECONDS = 30
RETRY_CAP_SECONDS = 4 * 3600


def backoff(attempts: int) -> timedelta:
    """The wait after `attempts` failed attempts: 30 s doubling up to 4 h, with equal jitter (half
    the wait fixed, half random) so receivers coming back are not hit by every sender at once."""
    ceiling = min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_CAP_SECONDS)
    half_ms = ceiling * 500
    return timedelta(milliseconds=half_ms + secrets.randbelow(half_ms + 1))


def _window() -> timedelta:
    return timedelta(hours=settings.WEBHOOK_RETRY_HOURS)


def deliveries_create(*, event: OutboxEvent, targets: Sequence[tuple[str, object]]) -> None:
    """One pending delivery per (channel, target), in the dispatch transaction; queued on
    commit (urgent events ahead of routine ones)."""
    if not targets:
        return
    now = timezone.now()
    priority = URGENT_PRIORITY if event.urgent else 0
    rows = []
    for channel, target in targets:
        row = Delivery(
            organization_id=event.organization_id,
            event=event,
            channel=channel,
            message_id=f"msg_{secrets.token_hex(12)}",
            next_attempt_at=now,
            enqueued_at=now,
            created_at=now,
            retry_until=now + _window(),
            priority=priority,
        )
        if channel == Channel.WEBHOOK:
            row.endpoint = target
        elif channel == Channel.FHIR:
            row.subscription = target
        else:
            row.recipient = str(target)
        rows.append(row)
    created = Delivery.objects.bulk_create(rows)
    queue_deliveries([row.pk for row in created], priority=priority)


def delivery_attempt(delivery_id: int) -> str:
    """Try one pending, due delivery; what happened, as a word."""
    now = timezone.now()
    lease = now + timedelta(seconds=3 * settings.WEBHOOK_TIMEOUT + 30)
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(next_attempt_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=lease)
    )
    if not claimed:
        return "not due"
    delivery = Delivery.objects.select_related(
        "event__organization", "endpoint", "subscription"
    ).get(pk=delivery_id)
    gone = _target_gone(delivery)
    if gone:
        Delivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.CANCELLED, lease_until=None, last_error=gone
        )
        return "cancelled"
    started = time.monotonic()
    try:
        answer = _send(delivery)
    except Refused as exc:
        answer = Answer(None, 0, f"refused: {exc}"[:300])
    except Exception as exc:  # an SMTP server down, say: an attempt that failed, retried later
        elapsed = int((time.monotonic() - started) * 1000)
        answer = Answer(None, elapsed, f"{type(exc).__name__}: {exc}"[:300])
    return _record(delivery_id, answer, attempted_at=now)


def _target_gone(delivery: Delivery) -> str:
    endpoint, subscription = delivery.endpoint, delivery.subscription
    if endpoint is not None and (not endpoint.active or endpoint.deleted_at is not None):
        return "the endpoint was disabled or removed"
    if subscription is not None and (
        subscription.status != "active" or subscription.deleted_at is not None
    ):
        return f"the Subscription is {subscription.status}"
    return ""


def _send(delivery: Delivery) -> Answer:
    event = delivery.event
    if delivery.channel == Channel.WEBHOOK:
        body = webhook_body(
            event_id=event.pk,
            event_type=event.type,
            occurred_at=event.occurred_at,
            organization=event.organization.slug,
            data=event.data,
        )
        secret = decrypt(delivery.endpoint.secret_encrypted)
        stamp = int(timezone.now().timestamp())
        headers = {
            "Content-Type": "application/json",
            **signed_headers(secret, delivery.message_id, stamp, body),
        }
        return post(delivery.endpoint.url, body, headers)
    if delivery.channel == Channel.FHIR:
        body, headers = subscription_notification(delivery.subscription, event)
        return post(delivery.subscription.endpoint, body, headers)
    subject, text = email_message(
        event_type=event.type,
        data=event.data,
        organization=event.organization.name,
        occurred_at=event.occurred_at,
        base_url=settings.PUBLIC_BASE_URL,
    )
    started = time.monotonic()
    send_mail(subject, text, None, [delivery.recipient], fail_silently=False)
    return Answer(None, int((time.monotonic() - started) * 1000))


def _record(delivery_id: int, answer: Answer, *, attempted_at: datetime) -> str:
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("endpoint", "subscription", "event")
            .get(pk=delivery_id)
        )
        delivery.attempts += 1
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            attempted_at=attempted_at,
            succeeded=answer.ok,
            status_code=answer.status,
            latency_ms=answer.latency_ms,
            error=answer.error,
        )
        delivery.last_status_code = answer.status
        delivery.last_latency_ms = answer.latency_ms
        delivery.last_error = answer.error
        delivery.lease_until = None
        if answer.ok:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            outcome = "delivered"
        elif now >= delivery.retry_until:
            delivery.status = DeliveryStatus.FAILED
            outcome = "failed"
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
            delivery.enqueued_at = now
            outcome = "retrying"
        delivery.save()
        _follow_up(delivery, answer)
        if delivery.status == DeliveryStatus.PENDING:
            queue_deliveries([delivery.pk], at=delivery.next_attempt_at, priority=delivery.priority)
    return outcome


def _follow_up(delivery: Delivery, answer: Answer) -> None:
    """The target's failure streak; disabling it (or putting a Subscription in error) when the
    streak reaches WEBHOOK_DISABLE_AFTER_FAILURES; the audit of a FHIR notification sent."""
    target = delivery.endpoint or delivery.subscription
    if target is None:
        return
    model = type(target)
    if answer.ok:
        model.objects.filter(pk=target.pk).exclude(failure_streak=0).update(failure_streak=0)
        if isinstance(target, FhirSubscription):
            subscription_sent(target, delivery.event)
        return
    model.objects.filter(pk=target.pk).update(failure_streak=F("failure_streak") + 1)
    target.refresh_from_db(fields=["failure_streak"])
    if target.failure_streak < settings.WEBHOOK_DISABLE_AFTER_FAILURES:
        return
    reason = f"{target.failure_streak} attempts in a row failed; last: {answer.error}"[:300]
    if isinstance(target, WebhookEndpoint):
        endpoint_disable(endpoint=target, reason=reason)
    else:
        subscription_error(subscription=target, reason=reason)


def delivery_redeliver(*, delivery: Delivery, actor: User) -> Delivery:
    """Send a webhook delivery again (same `webhook-id`), whatever became of it, with a fresh
    retry window; audited. Its endpoint must be active."""
    if delivery.channel != Channel.WEBHOOK:
        raise Conflict("Only webhook deliveries are redelivered by hand.")
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .get(pk=delivery.pk)
        )
        endpoint = delivery.endpoint
        if not endpoint.active or endpoint.deleted_at is not None:
            raise Conflict("Its endpoint is disabled: re-enable the endpoint first.")
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now
        delivery.retry_until = now + _window()
        delivery.enqueued_at = now
        delivery.lease_until = None
        delivery.save()
        audit_record(
            actor=actor,
            organization=endpoint.organization,
            action=AuditAction.UPDATE,
            object_type="webhook_delivery",
            object_id=delivery.pk,
            detail={"redeliver": delivery.message_id, "endpoint": endpoint.pk},
        )
        queue_deliveries([delivery.pk], priority=delivery.priority)
    return delivery

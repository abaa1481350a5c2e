"""The outbox handler: what one dispatched event becomes (in the dispatch transaction).

- a delivery to each active webhook endpoint of the organization subscribed to its type;
- a delivery to each active FHIR Subscription whose criteria it matches;
- e-mail: an urgent `flag.raised` to the on-call recipients, `flag.escalated` to the escalation
  contacts, `webhook.disabled` to the org admins (on-call and escalation fall back to the org
  admins when none are set: an urgent flag must reach a person);
- an urgent `flag.raised` starts the flag's escalation clock; a review that closes the flag
  stops it.
"""

import logging

from clients.models import Organization
from clients.selectors import org_admin_emails, safety_settings_get
from notifications.models import Channel, FhirSubscription, SubscriptionStatus, WebhookEndpoint
from notifications.services.deliveries import deliveries_create
from notifications.services.escalations import escalation_resolve, escalation_start
from notifications.services.subscriptions import subscription_matches
from outbox.events import EventType
from outbox.models import OutboxEvent
from screening.models import FlagStatus, Severity

logger = logging.getLogger("notifications")


def _urgent_flag(event: OutboxEvent) -> bool:
    return (event.data.get("flag") or {}).get("severity") == Severity.URGENT


def _email_recipients(event: OutboxEvent, organization: Organization) -> list[str]:
    if event.type == EventType.WEBHOOK_DISABLED:
        admins = org_admin_emails(organization_id=organization.pk)
        return list({address.lower(): address for address in admins}.values())
    if event.type not in (EventType.FLAG_RAISED, EventType.FLAG_ESCALATED):
        return []
    if not _urgent_flag(event):
        return []
    settings = safety_settings_get(organization=organization)
    if event.type == EventType.FLAG_ESCALATED:
        chosen = settings.escalation_emails or settings.on_call_emails
    else:
        chosen = settings.on_call_emails
    recipients = list(chosen) or org_admin_emails(organization_id=organization.pk)
    # One delivery per address (two admins may share one).
    recipients = list({address.lower(): address for address in recipients}.values())
    if not recipients:
        # Nobody to e-mail: the flag still waits, urgent first, in the inbox and on webhooks.
        logger.warning(
            "%s of flag %s (organization %s): no on-call, escalation or org admin e-mail set",
            event.type,
            event.subject_id,
            organization.slug,
        )
    return recipients


def fan_out(event: OutboxEvent) -> None:
    organization = event.organization
    targets: list[tuple[str, object]] = []
    endpoints = WebhookEndpoint.objects.filter(
        organization=organization, active=True, deleted_at__isnull=True
    )
    targets += [(Channel.WEBHOOK, e) for e in endpoints if event.type in e.event_types]
    subscriptions = FhirSubscription.objects.filter(
        organization=organization, status=SubscriptionStatus.ACTIVE, deleted_at__isnull=True
    )
    targets += [(Channel.FHIR, s) for s in subscriptions if subscription_matches(s, event)]
    targets += [(Channel.EMAIL, r) for r in _email_recipients(event, organization)]
    deliveries_create(event=event, targets=targets)

    if event.type == EventType.FLAG_RAISED and _urgent_flag(event):
        escalation_start(event=event)
    elif event.type == EventType.FLAG_REVIEWED:
        status = (event.data.get("review") or {}).get("status")
        if status in (FlagStatus.ACKNOWLEDGED, FlagStatus.DISMISSED):
            escalation_resolve(flag_id=event.subject_id, resolution=status)
        elif status == FlagStatus.OPEN and _urgent_flag(event):
            escalation_start(event=event)  # reopened: the clock starts again

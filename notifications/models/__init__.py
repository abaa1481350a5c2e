from notifications.models.deliveries import Channel, Delivery, DeliveryAttempt, DeliveryStatus
from notifications.models.endpoints import WebhookEndpoint
from notifications.models.escalations import Escalation
from notifications.models.subscriptions import FhirSubscription, SubscriptionStatus

__all__ = [
    "Channel",
    "Delivery",
    "DeliveryAttempt",
    "DeliveryStatus",
    "Escalation",
    "FhirSubscription",
    "SubscriptionStatus",
    "WebhookEndpoint",
]

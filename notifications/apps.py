from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications: webhooks, e-mail, FHIR Subscriptions, escalation"

    def ready(self) -> None:
        # The outbox hands every dispatched event to the fan-out; the FHIR interface serves
        # Subscription. Both are plug-ins: neither the outbox nor screening imports this app.
        from notifications import fhir_api
        from notifications.fanout import fan_out
        from outbox.handlers import register
        from screening.fhir_api.registry import register_resource

        register(fan_out)
        register_resource(fhir_api.RESOURCE)

"""Read-only views for operators: endpoints and Subscriptions change through the API (audited),
deliveries and escalations only through the worker.

No client data here (issue 14: client data leaves the admin): a delivery shows its routing and
state, not its event's payload; an escalation names its flag by id, not by the flag's condition
and severity (clinical data, read through the clinical interfaces where reads are audited)."""

from django.contrib import admin

from notifications.models import Delivery, Escalation, FhirSubscription, WebhookEndpoint


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ("id", "organization", "url", "active", "failure_streak", "created_at")
    list_filter = ("active",)
    exclude = ("secret_encrypted",)


@admin.register(FhirSubscription)
class FhirSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("id", "organization", "criteria", "status", "endpoint", "created_at")
    list_filter = ("status",)
    exclude = ("headers_encrypted",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "organization",
        "channel",
        "message_id",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
    )
    list_filter = ("channel", "status")


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "organization",
        "flag_id",
        "notified_count",
        "next_check_at",
        "resolved_at",
    )
    exclude = ("flag",)
    readonly_fields = ("flag_id",)

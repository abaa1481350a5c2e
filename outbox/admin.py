from django.contrib import admin

from outbox.models import OutboxEvent


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    """Read-only: events are written by the services, in the transaction of their change.

    Operators see routing and state, never the payload (`data`): it names a client and their flags
    (ids and condition codes today, and whatever a later event adds), which is clinical data read
    through the clinical interfaces, where every read is audited (issue 14: client data leaves
    the admin)."""

    list_display = ("id", "organization", "type", "subject_type", "subject_id", "dispatched_at")
    list_filter = ("type",)
    exclude = ("data",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

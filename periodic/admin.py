from django.contrib import admin

from periodic.models import PeriodicRun


@admin.register(PeriodicRun)
class PeriodicRunAdmin(admin.ModelAdmin):
    """Read-only: the state of each periodic task's chain (`manage.py periodic_ensure`)."""

    list_display = ("name", "due_at", "last_started_at", "last_finished_at", "last_error", "runs")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

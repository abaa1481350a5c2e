"""Housekeeping of the task queue itself."""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.utils import timezone


def task_results_prune() -> int:
    """Delete finished task rows (successful or failed) older than TASK_RESULT_RETENTION_DAYS;
    how many went. Periodic runs alone add thousands a day. Only the database backend keeps rows
    here; another backend keeps its own."""
    if not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted

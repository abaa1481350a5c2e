"""Django's Tasks API (DEP 14), from Django itself on 6.0 and later, else from the django-tasks
backport: every module imports the framework from here, so moving to Django 6 changes one file."""

try:  # Django 6.0+
    from django.tasks import (
        TaskContext,
        TaskResultStatus,
        default_task_backend,
        task,
        task_backends,
    )
    from django.tasks.exceptions import TaskResultDoesNotExist
except ImportError:  # Django 5.2: the backport
    from django_tasks import (
        TaskContext,
        TaskResultStatus,
        default_task_backend,
        task,
        task_backends,
    )
    from django_tasks.exceptions import TaskResultDoesNotExist

# Work for an urgent flag (its dispatch, deliveries, escalation checks) goes first: the highest
# priority the API allows, which the database backend runs first and RQ puts at a queue's head.
URGENT_PRIORITY = 100

__all__ = [
    "URGENT_PRIORITY",
    "TaskContext",
    "TaskResultDoesNotExist",
    "TaskResultStatus",
    "default_task_backend",
    "task",
    "task_backends",
]

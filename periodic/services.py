"""Running the periodic registry as self-rescheduling chains of tasks, one chain per entry.

`periodic_run` is what a queued run does: under the lock of its entry's row it checks that it is
the pending run (else it is a duplicate and exits), enqueues its successor, and only then works,
so a failing or killed run never breaks the chain. `periodic_ensure` starts a chain that has no
live pending run (first start, a lost task, a backend switched); it never adds a second one.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from config.tasks import TaskResultDoesNotExist, TaskResultStatus, default_task_backend
from periodic.models import PeriodicRun
from periodic.registry import BY_NAME, PERIODIC, Periodic
from periodic.tasks import run_periodic

logger = logging.getLogger("periodic")

# A run claimed by a worker that has not finished after this long is taken for dead.
STALE_AFTER = timedelta(minutes=10)


def _live(result_id: str, now: datetime) -> bool:
    """Whether the queued run `result_id` will still run (or is running)."""
    if not result_id:
        return False
    try:
        result = default_task_backend.get_result(result_id)
    except TaskResultDoesNotExist:
        return False
    if result.status == TaskResultStatus.READY:
        return True
    if result.status == TaskResultStatus.RUNNING:
        return result.started_at is not None and now - result.started_at < STALE_AFTER
    return False


def _enqueue(entry: Periodic, at: datetime) -> str:
    return str(run_periodic.using(run_after=at).enqueue(entry.name).id)


def periodic_ensure() -> list[str]:
    """Give every entry of the registry a live pending run; returns the names (re)started."""
    now = timezone.now()
    PeriodicRun.objects.bulk_create(
        [PeriodicRun(name=entry.name) for entry in PERIODIC], ignore_conflicts=True
    )
    started = []
    for entry in PERIODIC:
        with transaction.atomic():
            row = PeriodicRun.objects.select_for_update().get(name=entry.name)
            if _live(row.pending_id, now):
                continue
            # With the database backend the task row commits with ours, or neither does.
            row.pending_id = _enqueue(entry, now)
            row.due_at = now
            row.save(update_fields=["pending_id", "due_at"])
            started.append(entry.name)
    if started:
        logger.info("periodic chains started: %s", ", ".join(started))
    return started


def periodic_run(*, name: str, run_id: str) -> str:
    """One round of `name`, run by the queued run `run_id`; what happened, as a word."""
    entry = BY_NAME.get(name)
    if entry is None:
        logger.warning("periodic task %r is not in the registry; dropped", name)
        return "unknown"
    now = timezone.now()
    with transaction.atomic():
        row = PeriodicRun.objects.select_for_update().filter(name=name).first()
        if row is None or row.pending_id != run_id:
            return "duplicate"
        row.pending_id = _enqueue(entry, now + entry.interval())
        row.due_at = now + entry.interval()
        # A previous round still working (started, not finished, not yet stale) keeps the turn.
        busy = (
            row.last_started_at is not None
            and (row.last_finished_at is None or row.last_finished_at < row.last_started_at)
            and now - row.last_started_at < max(STALE_AFTER, entry.interval() * 10)
        )
        if not busy:
            row.last_started_at = now
            row.runs += 1
        row.save()
    if busy:
        return "skipped"
    try:
        import_string(entry.function)()
    except Exception as exc:
        PeriodicRun.objects.filter(name=name).update(
            last_finished_at=timezone.now(), last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise  # the task's own result records the failure too; the successor is queued
    PeriodicRun.objects.filter(name=name).update(last_finished_at=timezone.now(), last_error="")
    return "ran"


def periodic_run_now(name: str) -> None:
    """Run `name`'s function here and now, outside its chain (cron-only setups, operators)."""
    entry = BY_NAME.get(name)
    if entry is None:
        raise KeyError(name)
    import_string(entry.function)()

"""Every periodic task of the service, in one table.

django-tasks has no scheduler (its maintainer recommends cron running management commands until
it has one), so each entry runs as a chain of ordinary tasks: a run first enqueues its successor
with `run_after` = now + interval, then does the work (`periodic/services.py`). A row per entry
(`PeriodicRun`) names the one pending run, so duplicates exit at once and several workers never
pile up rounds. `manage.py periodic_ensure` starts missing chains and mends broken ones; it is safe
to run any time (at start-up, and from a systemd timer or cron as a watchdog).

To add periodic work: a function taking no arguments, safe to run again and alongside its own
previous run (it may overlap one that outlives its interval by far), and one line below.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

DAY = 24 * 3600


@dataclass(frozen=True)
class Periodic:
    name: str
    function: str  # dotted path of a callable taking no arguments
    seconds: int  # the interval, unless `setting` names one (in seconds)
    description: str
    setting: str = ""

    def interval(self) -> timedelta:
        seconds = getattr(settings, self.setting, self.seconds) if self.setting else self.seconds
        return timedelta(seconds=max(1, int(seconds)))


PERIODIC: tuple[Periodic, ...] = (
    Periodic(
        "outbox.sweep",
        "outbox.services.outbox_sweep",
        60,
        "Hand events never dispatched (their on-commit enqueue lost) to the queue again.",
        setting="OUTBOX_SWEEP_INTERVAL",
    ),
    Periodic(
        "notifications.sweep",
        "notifications.services.sweep.notifications_sweep",
        60,
        "Queue again deliveries, escalation checks and Subscription activations whose task "
        "was lost.",
        setting="OUTBOX_SWEEP_INTERVAL",
    ),
    Periodic(
        "tasks.prune",
        "periodic.housekeeping.task_results_prune",
        DAY,
        "Delete finished task rows older than TASK_RESULT_RETENTION_DAYS.",
    ),
    Periodic(
        "fhir.idempotency-purge",
        "screening.services.fhir.idempotency_records_purge",
        DAY,
        "Delete expired FHIR Idempotency-Key records of every caller.",
    ),
    Periodic(
        "audit.seal",
        "clients.services.audit_seal.audit_seal_periodic",
        5,
        "Chain the audit events committed since the last checkpoint and sign a checkpoint.",
        setting="AUDIT_SEAL_INTERVAL",
    ),
)

BY_NAME = {entry.name: entry for entry in PERIODIC}

"""Handing notification work to the task queue after the commit that made it due."""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from config.tasks import URGENT_PRIORITY
from notifications import tasks

logger = logging.getLogger("notifications")


def _enqueue(task, arg: int, at: datetime | None, priority: int) -> None:
    # After the commit: a refused enqueue must not undo what committed; the sweep re-queues.
    try:
        task.using(priority=priority, run_after=at).enqueue(arg)
    except Exception:
        logger.exception("could not queue %s(%s); the sweep will", task.name, arg)


def queue_deliveries(ids: Iterable[int], *, at: datetime | None = None, priority: int = 0) -> None:
    ids = list(ids)
    transaction.on_commit(lambda: [_enqueue(tasks.deliver, pk, at, priority) for pk in ids])


def queue_escalation_check(escalation_id: int, *, at: datetime) -> None:
    transaction.on_commit(
        lambda: _enqueue(tasks.check_escalation, escalation_id, at, URGENT_PRIORITY)
    )


def queue_subscription_activation(subscription_id: int) -> None:
    transaction.on_commit(lambda: _enqueue(tasks.activate_subscription, subscription_id, None, 0))
